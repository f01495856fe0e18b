#include "support/process.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace namekeeper::test {
namespace {

struct Pipe {
    int fds[2]{-1, -1};
    Pipe() {
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void close_read() {
        if (fds[0] >= 0) {
            ::close(fds[0]);
            fds[0] = -1;
        }
    }
    void close_write() {
        if (fds[1] >= 0) {
            ::close(fds[1]);
            fds[1] = -1;
        }
    }
};

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const std::vector<std::string>& env,
                          const std::optional<std::filesystem::path>& cwd) {
    Pipe in;
    Pipe out;
    Pipe err;
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
        environment.emplace_back(*e);
    }
    environment.insert(environment.end(), env.begin(), env.end());
    std::vector<char*> c_argv;
    for (const auto& a : argv) {
        c_argv.push_back(const_cast<char*>(a.c_str()));
    }
    c_argv.push_back(nullptr);
    std::vector<char*> c_env;
    for (const auto& e : environment) {
        c_env.push_back(const_cast<char*>(e.c_str()));
    }
    c_env.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(in.fds[0], 0);
        ::dup2(out.fds[1], 1);
        ::dup2(err.fds[1], 2);
        if (cwd && ::chdir(cwd->c_str()) != 0) {
            ::_exit(126);
        }
        ::execvpe(c_argv[0], c_argv.data(), c_env.data());
        ::_exit(127);
    }
    in.close_read();
    out.close_write();
    err.close_write();

    ProcessResult result;
    std::size_t written = 0;
    if (input.empty()) {
        in.close_write();
    }
    std::array<char, 65536> buffer{};
    while (out.fds[0] >= 0 || err.fds[0] >= 0) {
        std::array<pollfd, 3> polls{
            {{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}, {in.fds[1], POLLOUT, 0}}};
        if (::poll(polls.data(), polls.size(), -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if ((polls[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            Pipe& p = i == 0 ? out : err;
            const ssize_t n = ::read(p.fds[0], buffer.data(), buffer.size());
            if (n <= 0) {
                p.close_read();
            } else {
                (i == 0 ? result.out : result.err).append(buffer.data(), static_cast<std::size_t>(n));
            }
        }
        if (in.fds[1] >= 0 && (polls[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const ssize_t n = ::write(in.fds[1], input.data() + written, input.size() - written);
            if (n <= 0) {
                in.close_write();
            } else {
                written += static_cast<std::size_t>(n);
                if (written == input.size()) {
                    in.close_write();
                }
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

} // namespace namekeeper::test
