#pragma once

// Runs the real validators (Debian's /usr/bin/python3 with packaging, twine and pip) on placeholder
// files, for the placeholder tests.

#include "support/process.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace namekeeper::test {

// What a placeholder's METADATA / PKG-INFO must hold: every header exactly once, and the body.
struct ExpectedMetadata {
    std::string name; // normalized
    std::string version;
    std::map<std::string, std::string> headers;
    std::string body;
};

// Writes `bytes` to dir/filename and returns the path.
std::filesystem::path write_bytes(const std::filesystem::path& dir, const std::string& filename,
                                  const std::string& bytes);

// tests/placeholder/check_wheel.py or check_sdist.py on `file`; "ok\n" on stdout when it passes.
ProcessResult run_checker(const std::string& script, const std::filesystem::path& file,
                          const ExpectedMetadata& expected, const std::filesystem::path& scratch);

// `twine check --strict file`.
ProcessResult twine_check(const std::filesystem::path& file);

// `pip install --no-index --no-deps --target target file`.
ProcessResult pip_install(const std::filesystem::path& file, const std::filesystem::path& target);

// `pip wheel --no-index --no-deps --no-build-isolation -w out sdist`: builds the sdist with the
// system's setuptools, as an installer without network would.
ProcessResult pip_build_wheel(const std::filesystem::path& sdist, const std::filesystem::path& out);

// The names in `dir`, sorted.
std::vector<std::string> list_dir(const std::filesystem::path& dir);

} // namespace namekeeper::test
