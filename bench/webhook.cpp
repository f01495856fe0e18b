// bench_webhook: `namekeeper serve` under concurrent clients.
//
//   bench_webhook [--clients N] [--unique N] [--duplicates N] [--latency-ms N] [--kill-events N]
//
// The PyPI stand-in (answering every request after --latency-ms, default 20) and webhook::Service run
// in this process on a temp ledger; N client threads (default 16), each with one keep-alive libcurl
// connection, post signed Artifactory events. Phases:
//   1. unique:     --unique events (default 2000), each a new name, so each is a ledger commit
//                  before its 202; then the time the worker needs to drain the queue;
//   2. duplicates: --duplicates events (default 20000) over 10 names already accepted.
// Each prints accepted events/s and p50/p99/max latency, and the CPU time the client threads used, to
// show the clients are not what is measured. Then a durability check: a service in a forked child is
// sent --kill-events unique events (default 500), killed with SIGKILL right after the last 202, and
// every accepted name is looked for in the ledger (queued or recorded).

#include "namekeeper/http/client.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "namekeeper/notify/notifier.hpp"
#include "namekeeper/util/digest.hpp"
#include "namekeeper/webhook/service.hpp"
#include "standins/pypi_standin.hpp"
#include "standins/sample_data.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace namekeeper;
using Clock = std::chrono::steady_clock;
constexpr std::string_view k_secret = "bench-webhook-secret";

struct Options {
    int clients = 16;
    int unique = 2000;
    int duplicates = 20000;
    int latency_ms = 20;
    int kill_events = 500;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const int value = std::atoi(argv[i + 1]);
        if (key == "--clients") {
            o.clients = value;
        } else if (key == "--unique") {
            o.unique = value;
        } else if (key == "--duplicates") {
            o.duplicates = value;
        } else if (key == "--latency-ms") {
            o.latency_ms = value;
        } else if (key == "--kill-events") {
            o.kill_events = value;
        } else {
            throw std::runtime_error("unknown option " + key);
        }
    }
    return o;
}

std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bench-webhook-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    return pattern;
}

std::string event_for(const std::string& name) {
    std::string file_part = name;
    std::ranges::replace(file_part, '-', '_');
    return fmt::format(R"({{"domain":"artifact","event_type":"deployed","data":{{"repo_key":"pypi-local",)"
                       R"("path":"{}/1.0.0/{}-1.0.0-py3-none-any.whl","name":"{}-1.0.0-py3-none-any.whl"}},)"
                       R"("subscription_key":"namekeeper","source":"jfrog/jfrt@bench"}})",
                       name, file_part, file_part);
}

config::Config make_config(const standins::PypiStandin& pypi, const std::filesystem::path& ledger) {
    config::Config c;
    c.artifactory.url = "http://127.0.0.1:9/artifactory";
    c.artifactory.repositories = {"pypi-local"};
    c.pypi.index_url = pypi.base_url();
    c.pypi.upload_url = pypi.upload_url();
    c.pypi.token = config::Secret(std::string(standins::k_sample_pypi_token));
    c.pypi.owners = {std::string(standins::k_sample_pypi_user)};
    c.pypi.max_new_projects_per_hour = 10000;
    c.placeholder.author_email = "security@acme.example";
    c.ledger.path = ledger;
    c.webhook.secret = config::Secret(std::string(k_secret));
    return c;
}

// The stand-in, the service and their dependencies, serving on a thread until destroyed.
class Running {
public:
    Running(const std::filesystem::path& ledger, int latency_ms)
        : m_pypi(standins::PypiOptions{.server = {.threads = 128}}), m_config(make_config(m_pypi, ledger)),
          m_http(http::make_client({})), m_index(*m_http, m_config.pypi), m_uploader(*m_http, m_config.pypi),
          m_notifier(*m_http, m_config.notify),
          m_service({m_config, m_index, m_uploader, m_notifier, m_config.artifactory.repositories}) {
        m_pypi.add_token(std::string(standins::k_sample_pypi_token),
                         std::string(standins::k_sample_pypi_user));
        m_pypi.set_new_projects_per_hour(1'000'000);
        m_pypi.set_latency(std::chrono::milliseconds(latency_ms), standins::LatencyScope::reads_and_uploads);
        const auto port = m_service.start("127.0.0.1:0");
        if (!port) {
            throw std::runtime_error(port.error());
        }
        m_port = *port;
        m_thread = std::thread([this] { m_service.run(); });
    }
    ~Running() {
        m_service.stop();
        m_thread.join();
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] const standins::PypiStandin& pypi() const { return m_pypi; }

private:
    standins::PypiStandin m_pypi;
    config::Config m_config;
    std::unique_ptr<http::Client> m_http;
    index::PublicIndex m_index;
    index::Uploader m_uploader;
    notify::Notifier m_notifier;
    webhook::Service m_service;
    std::thread m_thread;
    int m_port = 0;
};

double thread_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct PhaseResult {
    double wall_s = 0;
    double client_cpu_s = 0;
    std::vector<double> latencies_ms;
    int accepted = 0;
    int failed = 0;
    std::vector<std::string> accepted_names;
};

// Posts `names[i]`'s event for every i, spread over `clients` threads (thread t takes i = t, t+N, ...).
PhaseResult drive(int port, const std::vector<std::string>& names, int clients) {
    PhaseResult result;
    std::vector<PhaseResult> per_thread(static_cast<std::size_t>(clients));
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    const std::string url = fmt::format("http://127.0.0.1:{}/webhooks/artifactory", port);
    for (int t = 0; t < clients; ++t) {
        threads.emplace_back([&, t] {
            auto& mine = per_thread[static_cast<std::size_t>(t)];
            http::ClientOptions options;
            options.retry.max_attempts = 1;
            const auto client = http::make_client(options);
            ++ready;
            while (!go) {
                std::this_thread::yield();
            }
            const double cpu_start = thread_cpu_seconds();
            for (std::size_t i = static_cast<std::size_t>(t); i < names.size();
                 i += static_cast<std::size_t>(clients)) {
                http::Request request{.method = http::Method::post, .url = url};
                request.body = event_for(names[i]);
                request.headers = {{"Content-Type", "application/json"},
                                   {"X-JFrog-Event-Auth", util::hmac_sha256_hex(k_secret, request.body)}};
                const auto started = Clock::now();
                const auto answer = client->send(request);
                mine.latencies_ms.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - started).count());
                if (answer && answer->status == 202 &&
                    answer->body.find("\"accepted\":true") != std::string::npos) {
                    ++mine.accepted;
                    mine.accepted_names.push_back(names[i]);
                } else {
                    ++mine.failed;
                }
            }
            mine.client_cpu_s = thread_cpu_seconds() - cpu_start;
        });
    }
    while (ready < clients) {
        std::this_thread::yield();
    }
    const auto started = Clock::now();
    go = true;
    for (auto& thread : threads) {
        thread.join();
    }
    result.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
    for (auto& mine : per_thread) {
        result.client_cpu_s += mine.client_cpu_s;
        result.accepted += mine.accepted;
        result.failed += mine.failed;
        result.latencies_ms.insert(result.latencies_ms.end(), mine.latencies_ms.begin(),
                                   mine.latencies_ms.end());
        result.accepted_names.insert(result.accepted_names.end(), mine.accepted_names.begin(),
                                     mine.accepted_names.end());
    }
    std::ranges::sort(result.latencies_ms);
    return result;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}

void print(std::string_view phase, const PhaseResult& r) {
    fmt::print("{:<10} {:>6} accepted {:>3} failed  {:>8.0f} events/s  p50 {:>6.2f} ms  p99 {:>6.2f} ms  "
               "max {:>7.2f} ms  (client threads: {:.2f} CPU-s in {:.2f} s wall)\n",
               phase, r.accepted, r.failed, r.accepted / r.wall_s, percentile(r.latencies_ms, 0.5),
               percentile(r.latencies_ms, 0.99), r.latencies_ms.empty() ? 0.0 : r.latencies_ms.back(),
               r.client_cpu_s, r.wall_s);
}

std::vector<std::string> names_with(std::string_view prefix, int count) {
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
        names.push_back(fmt::format("{}-{:05}", prefix, i));
    }
    return names;
}

ledger::Ledger open(const std::filesystem::path& path) {
    auto ledger = ledger::Ledger::open(path, "bench");
    if (!ledger) {
        throw std::runtime_error(ledger.error().message);
    }
    return std::move(*ledger);
}

// A service in a child process (with its own stand-in), sent `count` unique events, killed with
// SIGKILL right after the last answer. Returns {accepted, found in the ledger afterwards}.
std::pair<int, int> kill_check(const std::filesystem::path& dir, const Options& options) {
    const auto ledger_path = dir / "kill.sqlite3";
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(pipe_fds[0]);
        Running running(ledger_path, options.latency_ms);
        const int port = running.port();
        if (::write(pipe_fds[1], &port, sizeof port) != sizeof port) {
            std::_Exit(1);
        }
        ::pause(); // until killed
        std::_Exit(0);
    }
    ::close(pipe_fds[1]);
    int port = 0;
    if (child < 0 || ::read(pipe_fds[0], &port, sizeof port) != sizeof port) {
        throw std::runtime_error("the child service did not start");
    }
    ::close(pipe_fds[0]);
    const auto result = drive(port, names_with("bench-kill", options.kill_events), options.clients);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    auto ledger = open(ledger_path);
    std::vector<std::string> queued;
    // Drain our view of the queue: every name still queued, then every recorded name.
    while (true) {
        auto next = ledger.next_queued();
        if (!next || !*next) {
            break;
        }
        queued.push_back((*next)->name);
        (void)ledger.dequeue((*next)->name);
    }
    int found = 0;
    for (const auto& name : result.accepted_names) {
        const bool in_queue = std::ranges::find(queued, name) != queued.end();
        const auto record = ledger.get(name);
        found += (in_queue || (record && *record)) ? 1 : 0;
    }
    return {result.accepted, found};
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    const auto dir = make_temp_dir();
    fmt::print("bench_webhook: {} clients, PyPI stand-in latency {} ms, {} hardware threads\n",
               options.clients, options.latency_ms, std::thread::hardware_concurrency());

    // Forked before this process starts any thread.
    const auto [killed_accepted, killed_found] = kill_check(dir, options);
    {
        // The commit each unique event waits for, alone: one connection, no worker, no HTTP.
        auto ledger = open(dir / "enqueue-only.sqlite3");
        const auto names = names_with("bench-enqueue", options.unique);
        const auto started = Clock::now();
        for (const auto& name : names) {
            if (!ledger.enqueue(name, "pypi-local", name + "/1.0.0/x.whl", ledger::Clock::now())) {
                throw std::runtime_error("enqueue failed");
            }
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        fmt::print("ledger     enqueue alone: {:.0f} commits/s ({:.0f} us each)\n", names.size() / seconds,
                   seconds * 1e6 / static_cast<double>(names.size()));
    }
    {
        Running running(dir / "ledger.sqlite3", options.latency_ms);
        auto ledger = open(dir / "ledger.sqlite3");

        const auto unique_start = Clock::now();
        const auto unique =
            drive(running.port(), names_with("bench-unique", options.unique), options.clients);
        print("unique", unique);
        while (ledger.queue_depth().value_or(0) > 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const double drain_s = std::chrono::duration<double>(Clock::now() - unique_start).count();
        fmt::print("unique     queue drained {:.1f} s after the first event ({:.0f} names/s settled; "
                   "{} look-ups, {} uploads at the stand-in)\n",
                   drain_s, unique.accepted / drain_s,
                   running.pypi().request_count(standins::PypiEndpoint::simple),
                   running.pypi().request_count(standins::PypiEndpoint::upload));

        const auto hot = names_with("bench-unique", 10);
        std::vector<std::string> duplicate_names;
        for (int i = 0; i < options.duplicates; ++i) {
            duplicate_names.push_back(hot[static_cast<std::size_t>(i) % hot.size()]);
        }
        const auto lookups_before = running.pypi().request_count(standins::PypiEndpoint::simple);
        const auto duplicates = drive(running.port(), duplicate_names, options.clients);
        print("duplicate", duplicates);
        fmt::print("duplicate  extra look-ups at the stand-in: {}\n",
                   running.pypi().request_count(standins::PypiEndpoint::simple) - lookups_before);
    }
    fmt::print("kill -9    {} accepted before SIGKILL, {} found in the ledger afterwards, {} lost\n",
               killed_accepted, killed_found, killed_accepted - killed_found);
    std::filesystem::remove_all(dir);
    return killed_found == killed_accepted ? 0 : 1;
}
