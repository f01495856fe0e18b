#include "namekeeper/util/file_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

namespace namekeeper::util {

std::expected<FileLock, std::string> FileLock::try_acquire(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::unexpected(
            fmt::format("cannot open lock file {}: {}", path.string(), std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        std::string holder(32, '\0');
        const ssize_t n = ::pread(fd, holder.data(), holder.size(), 0);
        holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) {
            holder.pop_back();
        }
        ::close(fd);
        if (error == EWOULDBLOCK) {
            return std::unexpected(fmt::format("another namekeeper reconcile is running (lock {} held{})",
                                               path.string(), holder.empty() ? "" : " by pid " + holder));
        }
        return std::unexpected(fmt::format("cannot lock {}: {}", path.string(), std::strerror(error)));
    }
    // Record who holds it, for the message of the next one to try.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock is held all the same; the pid is only a courtesy.
    }
    return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (m_fd >= 0) {
        ::close(m_fd); // releases the flock
    }
}

} // namespace namekeeper::util
