#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace namekeeper::test {

struct ProcessResult {
    int exit_code = -1; // the exit status, or 128 + signal number
    std::string out;
    std::string err;
};

// Runs argv[0] (searched on PATH) with the arguments, feeding `input` on stdin, and waits for it.
// `env` entries ("KEY=VALUE") are added to the environment of the child.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {},
                          const std::vector<std::string>& env = {},
                          const std::optional<std::filesystem::path>& cwd = std::nullopt);

// The Debian interpreter, which has python3-packaging, twine, pip and wheel (REFERENCE.md).
inline constexpr const char* k_python = "/usr/bin/python3";

// The namekeeper binary under test and the source tree (set by CMake).
inline std::string namekeeper_binary() {
    return NAMEKEEPER_BINARY;
}
inline std::filesystem::path source_dir() {
    return NAMEKEEPER_SOURCE_DIR;
}

} // namespace namekeeper::test
