#include "support/files.hpp"

#include <fstream>
#include <sstream>

namespace namekeeper::test {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace namekeeper::test
