// The scale benchmark of the batch reconciler (the aims: ratio <= 1.3, peak RSS <= 64 MiB,
// a no-op incremental run under 1 s).
//
// An Artifactory stand-in holds `--artifacts` artifacts over `--names` names; a PyPI stand-in, where
// every name is free, adds `--latency` ms to every index answer. For each `--concurrency`, the real
// `namekeeper` binary runs `backfill` against a fresh ledger with max_new_projects_per_hour: 0
// (uploads disabled by the budget: every name is looked up once and left pending), then `reconcile`
// again with nothing new. Printed per run: wall time, look-ups, the time the network alone would
// need (look-ups x latency / concurrency), their ratio, and the binary's peak RSS.
//
// Peak RSS is the child's ru_maxrss from wait4(). Linux folds the pre-exec address space of a
// forked child into that figure, so the children are forked by a small spawner process that is
// itself forked before the stand-ins fill this process's memory: the floor is the spawner's few MiB.
// The stand-ins run in this process, with a thread pool of at least 4 x concurrency, TCP_NODELAY and
// long keep-alive (ServerRunner), so that they serve every request in flight at once, and answer
// uncompressed (cpp-httplib's brotli would otherwise be most of the stand-in's time).
//
//   bench_scale [--names N] [--artifacts N] [--concurrency C]... [--latency MS] [--page-size N]
//               [--binary PATH] [--keep]
// The binary defaults to `namekeeper` next to this executable.

#include "standins/artifactory_standin.hpp"
#include "standins/pypi_standin.hpp"
#include "standins/sample_data.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace namekeeper;

struct Options {
    std::size_t names = 40'000;
    std::size_t artifacts = 200'000;
    std::vector<int> concurrency;
    int latency_ms = 20;
    int page_size = 10'000;
    fs::path binary;
    bool keep = false;
};

[[noreturn]] void usage(const std::string& problem) {
    fmt::print(stderr,
               "bench_scale: {}\nusage: bench_scale [--names N] [--artifacts N] [--concurrency C]... "
               "[--latency MS] [--page-size N] [--binary PATH] [--keep]\n",
               problem);
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--keep") {
            options.keep = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage(arg + " needs a value");
        }
        const std::string value = argv[++i];
        if (arg == "--binary") {
            options.binary = value;
            continue;
        }
        char* end = nullptr;
        const long long number = std::strtoll(value.c_str(), &end, 10);
        if (end == value.c_str() || *end != '\0' || number <= 0) {
            usage(fmt::format("{}: expected a positive whole number, got {}", arg, value));
        }
        if (arg == "--names") {
            options.names = static_cast<std::size_t>(number);
        } else if (arg == "--artifacts") {
            options.artifacts = static_cast<std::size_t>(number);
        } else if (arg == "--concurrency") {
            options.concurrency.push_back(static_cast<int>(number));
        } else if (arg == "--latency") {
            options.latency_ms = static_cast<int>(number);
        } else if (arg == "--page-size") {
            options.page_size = static_cast<int>(number);
        } else {
            usage("unknown option " + arg);
        }
    }
    if (options.concurrency.empty()) {
        options.concurrency = {4, 16};
    }
    if (options.binary.empty()) {
        options.binary = fs::read_symlink("/proc/self/exe").parent_path() / "namekeeper";
    }
    return options;
}

// --- the spawner: forks and waits for the children on behalf of the benchmark ---

struct ChildRun {
    int status = -1;      // exit status, or 128 + signal
    long max_rss_kib = 0; // ru_maxrss
    double seconds = 0;   // fork to reaped
};

// Requests travel as one line: stdout path, stderr path, then argv, separated by NUL bytes.
class Spawner {
public:
    Spawner() {
        int to_child[2];
        int from_child[2];
        if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
            std::perror("pipe");
            std::exit(1);
        }
        m_pid = ::fork();
        if (m_pid < 0) {
            std::perror("fork");
            std::exit(1);
        }
        if (m_pid == 0) {
            ::close(to_child[1]);
            ::close(from_child[0]);
            serve(to_child[0], from_child[1]);
            ::_exit(0);
        }
        ::close(to_child[0]);
        ::close(from_child[1]);
        m_to = to_child[1];
        m_from = from_child[0];
    }
    ~Spawner() {
        ::close(m_to); // the spawner's read sees end of file and exits
        ::close(m_from);
        int status = 0;
        (void)::waitpid(m_pid, &status, 0);
    }
    Spawner(const Spawner&) = delete;
    Spawner& operator=(const Spawner&) = delete;

    ChildRun run(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
        std::string message = out.string() + '\0' + err.string();
        for (const auto& arg : argv) {
            message += '\0' + arg;
        }
        const std::uint64_t size = message.size();
        write_all(m_to, &size, sizeof size);
        write_all(m_to, message.data(), message.size());
        ChildRun result;
        read_all(m_from, &result, sizeof result);
        return result;
    }

private:
    static void write_all(int fd, const void* data, std::size_t size) {
        const char* p = static_cast<const char*>(data);
        while (size > 0) {
            const ssize_t n = ::write(fd, p, size);
            if (n <= 0) {
                std::perror("spawner write");
                std::exit(1);
            }
            p += n;
            size -= static_cast<std::size_t>(n);
        }
    }
    // False at end of file before the first byte.
    static bool read_all(int fd, void* data, std::size_t size) {
        char* p = static_cast<char*>(data);
        std::size_t got = 0;
        while (got < size) {
            const ssize_t n = ::read(fd, p + got, size - got);
            if (n == 0 && got == 0) {
                return false;
            }
            if (n <= 0) {
                std::perror("spawner read");
                std::exit(1);
            }
            got += static_cast<std::size_t>(n);
        }
        return true;
    }

    [[noreturn]] static void serve(int in, int out) {
        while (true) {
            std::uint64_t size = 0;
            if (!read_all(in, &size, sizeof size)) {
                ::_exit(0);
            }
            std::string message(size, '\0');
            read_all(in, message.data(), size);
            std::vector<std::string> parts;
            std::size_t start = 0;
            while (start <= message.size()) {
                const std::size_t end = std::min(message.find('\0', start), message.size());
                parts.push_back(message.substr(start, end - start));
                start = end + 1;
            }
            ChildRun result;
            const auto began = std::chrono::steady_clock::now();
            const pid_t pid = ::fork();
            if (pid == 0) {
                const int out_fd = ::open(parts[0].c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
                const int err_fd = ::open(parts[1].c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
                if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
                    ::_exit(126);
                }
                std::vector<char*> args;
                for (std::size_t i = 2; i < parts.size(); ++i) {
                    args.push_back(parts[i].data());
                }
                args.push_back(nullptr);
                ::execv(args[0], args.data());
                ::_exit(127);
            }
            int status = 0;
            rusage usage{};
            if (pid > 0 && ::wait4(pid, &status, 0, &usage) == pid) {
                result.seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
                result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                result.max_rss_kib = usage.ru_maxrss;
            }
            write_all(out, &result, sizeof result);
        }
    }

    pid_t m_pid = -1;
    int m_to = -1;
    int m_from = -1;
};

// --- one configuration ---

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string tail(const std::string& text, std::size_t lines) {
    std::size_t pos = text.size();
    for (std::size_t n = 0; n <= lines && pos != std::string::npos && pos > 0; ++n) {
        pos = text.rfind('\n', pos - 1);
    }
    return pos == std::string::npos ? text : text.substr(pos + 1);
}

void write_config(const fs::path& path, const Options& options, int concurrency,
                  const std::string& artifactory, const std::string& pypi, const std::string& upload,
                  const fs::path& ledger) {
    std::ofstream out(path);
    out << fmt::format("artifactory:\n  url: {}\n  page_size: {}\n"
                       "pypi:\n  index_url: {}\n  upload_url: {}\n  token: bench-unused\n"
                       "  concurrency: {}\n  max_new_projects_per_hour: 0\n"
                       "ledger:\n  path: {}\nlog:\n  level: info\n",
                       artifactory, options.page_size, pypi, upload, concurrency, ledger.string());
}

std::size_t lookups(const standins::PypiStandin& pypi) {
    return pypi.request_count(standins::PypiEndpoint::simple) +
           pypi.request_count(standins::PypiEndpoint::json);
}

double mib(long kib) {
    return static_cast<double>(kib) / 1024.0;
}

bool run_configuration(Spawner& spawner, const Options& options, int concurrency,
                       standins::ArtifactoryStandin& artifactory, standins::PypiStandin& pypi) {
    const fs::path dir =
        fs::temp_directory_path() / fmt::format("namekeeper-scale-{}-c{}", ::getpid(), concurrency);
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path config = dir / "config.yaml";
    write_config(config, options, concurrency, artifactory.base_url(), pypi.base_url(), pypi.upload_url(),
                 dir / "ledger.sqlite3");

    const auto run = [&](const char* command,
                         const char* label) -> std::optional<std::pair<ChildRun, std::size_t>> {
        const std::size_t before = lookups(pypi);
        const auto out = dir / fmt::format("{}.out", label);
        const auto err = dir / fmt::format("{}.log", label);
        const ChildRun child =
            spawner.run({options.binary.string(), "-c", config.string(), command}, out, err);
        if (child.status != 0) {
            fmt::print(stderr, "{} exited with {}; the end of {}:\n{}\n", label, child.status, err.string(),
                       tail(read_text(err), 15));
            return std::nullopt;
        }
        return std::pair{child, lookups(pypi) - before};
    };

    const auto backfill = run("backfill", "backfill");
    if (!backfill) {
        return false;
    }
    const auto noop = run("reconcile", "incremental");
    if (!noop) {
        return false;
    }
    const auto& [full, full_lookups] = *backfill;
    const double network = static_cast<double>(full_lookups) * options.latency_ms / 1000.0 / concurrency;
    fmt::print("concurrency {:>2}: backfill {:7.1f} s, {} look-ups, network alone {:7.1f} s, ratio {:.3f}, "
               "peak RSS {:.1f} MiB\n",
               concurrency, full.seconds, full_lookups, network, network > 0 ? full.seconds / network : 0.0,
               mib(full.max_rss_kib));
    const auto& [incremental, incremental_lookups] = *noop;
    fmt::print("                incremental (nothing new) {:.3f} s, {} look-ups, peak RSS {:.1f} MiB\n",
               incremental.seconds, incremental_lookups, mib(incremental.max_rss_kib));
    fmt::print("                summary: {}", read_text(dir / "backfill.out"));
    if (!options.keep) {
        fs::remove_all(dir);
    } else {
        fmt::print("                kept {}\n", dir.string());
    }
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    if (!fs::exists(options.binary)) {
        usage(fmt::format("no namekeeper binary at {} (give --binary PATH)", options.binary.string()));
    }
    // Forked first, while this process is small (see the top of the file).
    Spawner spawner;

    int most = 0;
    for (const int c : options.concurrency) {
        most = std::max(most, c);
    }
    standins::ServerOptions server;
    server.threads = static_cast<std::size_t>(std::max(64, 4 * most));
    server.compression = standins::Compression::none;
    standins::ArtifactoryStandin artifactory(server);
    standins::PypiStandin pypi(standins::PypiOptions{server, 20});
    const auto populated = std::chrono::steady_clock::now();
    standins::populate_scale(artifactory, options.artifacts, options.names);
    pypi.set_latency(std::chrono::milliseconds(options.latency_ms));
    fmt::print("scale: {} artifacts over {} names, {} ms per index answer, binary {} (stand-ins filled in "
               "{:.1f} s)\n",
               artifactory.artifact_count(), options.names, options.latency_ms, options.binary.string(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - populated).count());
    std::fflush(stdout);

    bool ok = true;
    for (const int c : options.concurrency) {
        ok = run_configuration(spawner, options, c, artifactory, pypi) && ok;
    }
    return ok ? 0 : 1;
}
