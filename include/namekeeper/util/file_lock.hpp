#pragma once

// An advisory lock on a file (flock), held for the lifetime of the object and released by the kernel
// if the process dies, so a crashed run never leaves a stale lock behind.

#include <expected>
#include <filesystem>
#include <string>

namespace namekeeper::util {

class FileLock {
public:
    // Takes the lock without waiting. The error is a sentence for people: who holds it, if known.
    [[nodiscard]] static std::expected<FileLock, std::string> try_acquire(const std::filesystem::path& path);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace namekeeper::util
