#pragma once

#include <filesystem>
#include <string>

namespace namekeeper::test {

// The whole file as bytes; empty when it cannot be read.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

} // namespace namekeeper::test
