#pragma once

#include <filesystem>

namespace namekeeper::test {

// A fresh, empty folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::filesystem::path& rel) const {
        return m_path / rel;
    }

private:
    std::filesystem::path m_path;
};

} // namespace namekeeper::test
