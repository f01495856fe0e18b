// `namekeeper serve` as a process: the real binary, signals, kill -9 and a timer-run reconcile on the
// same ledger. The stand-ins run in this process, so their counters can be asserted.

#include "namekeeper/ledger/ledger.hpp"
#include "standins/artifactory_standin.hpp"
#include "standins/pypi_standin.hpp"
#include "standins/sample_data.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "webhook/service_fixture.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace namekeeper;
using namespace namekeeper::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

void write_file(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    REQUIRE(out.good());
}

// The config file of a serve process: the sample company's settings, secrets in files.
std::filesystem::path write_config(const TempDir& dir, const standins::PypiStandin& pypi,
                                   const std::string& artifactory_url, std::string_view webhook_lines) {
    write_file(dir / "pypi-token", standins::k_sample_pypi_token);
    write_file(dir / "artifactory-token", standins::k_sample_artifactory_token);
    write_file(dir / "webhook-secret", std::string(k_webhook_secret) + "\n");
    const auto path = dir / "config.yaml";
    write_file(path, fmt::format(R"(artifactory:
  url: {}
  token_file: {}
  repositories: [pypi-local, pypi-team]
pypi:
  index_url: {}
  upload_url: {}
  token_file: {}
  owners: [acme-security]
  organizations: [acme]
  max_new_projects_per_hour: 1000
  timeout: 10s
ledger:
  path: {}
policy:
  ignore: ["acme-*-fork"]
webhook:
{}
)",
                                 artifactory_url, (dir / "artifactory-token").string(), pypi.base_url(),
                                 pypi.upload_url(), (dir / "pypi-token").string(),
                                 (dir / "ledger.sqlite3").string(), webhook_lines));
    return path;
}

constexpr std::string_view k_secret_file_lines = "  listen: 127.0.0.1:8080\n  secret_file: {}\n";

std::filesystem::path
write_serve_config(const TempDir& dir, const standins::PypiStandin& pypi,
                   const std::string& artifactory_url = "http://127.0.0.1:9/artifactory") {
    return write_config(dir, pypi, artifactory_url,
                        fmt::format(fmt::runtime(k_secret_file_lines), (dir / "webhook-secret").string()));
}

// A running `namekeeper -c CONFIG serve --listen 127.0.0.1:0`, its output in a log file. Killed with
// SIGKILL if the test leaves it running.
class ServeProcess {
public:
    ServeProcess(const std::filesystem::path& config, std::filesystem::path log) : m_log(std::move(log)) {
        std::vector<std::string> argv{namekeeper_binary(), "-c",         config.string(), "serve",
                                      "--listen",          "127.0.0.1:0"};
        std::vector<char*> c_argv;
        for (auto& a : argv) {
            c_argv.push_back(a.data());
        }
        c_argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        REQUIRE(posix_spawn_file_actions_init(&actions) == 0);
        REQUIRE(posix_spawn_file_actions_addopen(&actions, 1, m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                                 0600) == 0);
        REQUIRE(posix_spawn_file_actions_adddup2(&actions, 1, 2) == 0);
        const int spawned = posix_spawn(&m_pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(spawned == 0);
        // The port it bound, from its log line "listening on 127.0.0.1:PORT for Artifactory webhooks".
        REQUIRE(wait_for([&] {
            const auto text = read_file(m_log);
            const auto at = text.rfind("listening on 127.0.0.1:");
            if (at == std::string::npos) {
                return false;
            }
            m_port = std::stoi(text.substr(at + 23));
            return true;
        }));
    }
    ~ServeProcess() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    [[nodiscard]] int port() const { return m_port; }
    void signal(int signal_number) const { REQUIRE(::kill(m_pid, signal_number) == 0); }

    // The exit status (128 + signal when killed), or nullopt if it still runs after `limit`.
    std::optional<int> wait(std::chrono::milliseconds limit = 20s) {
        int status = 0;
        const bool exited = wait_for(
            [&] {
                const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
                return r == m_pid;
            },
            limit);
        if (!exited) {
            return std::nullopt;
        }
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    [[nodiscard]] std::string log() const { return read_file(m_log); }

private:
    std::filesystem::path m_log;
    pid_t m_pid = -1;
    int m_port = 0;
};

ledger::Ledger open_ledger(const TempDir& dir) {
    auto ledger = ledger::Ledger::open(dir / "ledger.sqlite3", "test");
    REQUIRE(ledger.has_value());
    return std::move(*ledger);
}

std::optional<ledger::NameState> state_of(ledger::Ledger& ledger, std::string_view name) {
    const auto record = ledger.get(name);
    REQUIRE(record.has_value());
    return *record ? std::optional((*record)->state) : std::nullopt;
}

std::size_t uploads_for(const standins::PypiStandin& pypi, std::string_view name) {
    std::size_t count = 0;
    for (const auto& upload : pypi.uploads()) {
        count += upload.name == name ? 1 : 0;
    }
    return count;
}

bool all_reserved(ledger::Ledger& ledger, const std::vector<std::string>& names) {
    return std::ranges::all_of(
        names, [&](const auto& n) { return state_of(ledger, n) == ledger::NameState::reserved; });
}

void add_sample_token(standins::PypiStandin& pypi) {
    pypi.add_token(std::string(standins::k_sample_pypi_token), std::string(standins::k_sample_pypi_user));
}

std::vector<std::string> first_free_names(std::size_t count) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < count; ++i) {
        names.emplace_back(standins::k_sample_free_names.at(i));
    }
    return names;
}

} // namespace

TEST_CASE("serve refuses to start without a secret", "[cli][serve]") {
    TempDir dir;
    standins::PypiStandin pypi;
    SECTION("no secret and no insecure_no_auth") {
        const auto config =
            write_config(dir, pypi, "http://127.0.0.1:9/artifactory", "  listen: 127.0.0.1:8080\n");
        const auto result = run_process({namekeeper_binary(), "-c", config.string(), "serve"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "namekeeper: webhook.secret (or webhook.secret_file) is required for serve; "
                            "webhook.insecure_no_auth: true is allowed only on a loopback listener\n");
    }
    SECTION("insecure_no_auth with --listen on a public address") {
        const auto config = write_config(dir, pypi, "http://127.0.0.1:9/artifactory",
                                         "  listen: 127.0.0.1:8080\n  insecure_no_auth: true\n");
        const auto result =
            run_process({namekeeper_binary(), "-c", config.string(), "serve", "--listen", "0.0.0.0:0"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "namekeeper: --listen 0.0.0.0:0 is not a loopback address, which "
                            "webhook.insecure_no_auth: true requires\n");
    }
    CHECK_FALSE(std::filesystem::exists(dir / "ledger.sqlite3"));
}

TEST_CASE("serve: names accepted before a kill -9 are settled after the restart", "[cli][serve]") {
    TempDir dir;
    standins::PypiStandin pypi;
    add_sample_token(pypi);
    pypi.set_latency(200ms, standins::LatencyScope::reads_and_uploads); // the worker lags behind the 202s
    const auto config = write_serve_config(dir, pypi);
    const auto names = first_free_names(12);
    std::vector<std::string> accepted;
    {
        ServeProcess serve(config, dir / "serve-1.log");
        WebhookClient client(serve.port());
        for (const auto& name : names) {
            const auto answer = client.post(wheel_event(name));
            REQUIRE(answer.status == 202);
            accepted.push_back(json::parse(answer.body)["name"].get<std::string>());
        }
        serve.signal(SIGKILL);
        CHECK(serve.wait() == 128 + SIGKILL);
    }
    CHECK(accepted == names);
    auto ledger = open_ledger(dir);
    // Nothing accepted is lost: each name is still queued, or already settled.
    const auto depth = ledger.queue_depth();
    REQUIRE(depth.has_value());
    std::size_t settled = 0;
    for (const auto& name : names) {
        const auto state = state_of(ledger, name);
        settled += state && *state != ledger::NameState::pending ? 1 : 0;
    }
    CHECK(*depth > 0);
    CHECK(static_cast<std::size_t>(*depth) + settled >= names.size());

    ServeProcess restarted(config, dir / "serve-2.log");
    REQUIRE(wait_for([&] { return all_reserved(ledger, names); }, 60s));
    REQUIRE(wait_for([&] { return ledger.queue_depth() == 0; }));
    for (const auto& name : names) {
        CHECK(uploads_for(pypi, name) == 1);
    }
    restarted.signal(SIGTERM);
    CHECK(restarted.wait() == 0);
}

TEST_CASE("serve: SIGTERM finishes the name in hand and the restart resumes the queue", "[cli][serve]") {
    TempDir dir;
    standins::PypiStandin pypi;
    add_sample_token(pypi);
    pypi.set_latency(400ms, standins::LatencyScope::reads_and_uploads);
    const auto config = write_serve_config(dir, pypi);
    const auto names = first_free_names(5);
    {
        ServeProcess serve(config, dir / "serve-1.log");
        WebhookClient client(serve.port());
        for (const auto& name : names) {
            REQUIRE(client.post(wheel_event(name)).status == 202);
        }
        // The worker has a name in hand once the stand-in saw its look-up.
        REQUIRE(wait_for([&] { return pypi.request_count(standins::PypiEndpoint::simple) >= 1; }));
        serve.signal(SIGTERM);
        CHECK(serve.wait(10s) == 0);
        const auto log = serve.log();
        CHECK(log.find("SIGTERM received: finishing the name in hand, then stopping") != std::string::npos);
        CHECK(log.find("names wait in the queue") != std::string::npos);
    }
    auto ledger = open_ledger(dir);
    CHECK(state_of(ledger, names[0]) == ledger::NameState::reserved); // the name in hand was finished
    CHECK(uploads_for(pypi, names[0]) == 1);
    const auto depth = ledger.queue_depth();
    REQUIRE(depth.has_value());
    CHECK(*depth >= 1);
    CHECK(*depth <= 4);

    ServeProcess restarted(config, dir / "serve-2.log");
    REQUIRE(wait_for([&] { return all_reserved(ledger, names); }, 60s));
    for (const auto& name : names) {
        CHECK(uploads_for(pypi, name) == 1);
    }
    restarted.signal(SIGINT);
    CHECK(restarted.wait(10s) == 0);
    CHECK(restarted.log().find("SIGINT received") != std::string::npos);
}

TEST_CASE("serve and a timer-run reconcile share the ledger without double uploads", "[cli][serve]") {
    TempDir dir;
    standins::ArtifactoryStandin artifactory;
    standins::PypiStandin pypi;
    standins::populate_sample_company(artifactory, pypi);
    pypi.set_new_projects_per_hour(1000); // warehouse's 20 would stop the 30 sample names
    pypi.set_latency(20ms, standins::LatencyScope::reads_and_uploads);
    artifactory.set_bearer_token(std::string(standins::k_sample_artifactory_token));
    const auto config = write_serve_config(dir, pypi, artifactory.base_url());
    const auto names = first_free_names(standins::k_sample_free_names.size());

    ServeProcess serve(config, dir / "serve.log");
    ProcessResult reconcile;
    std::thread timer([&] {
        reconcile = run_process({namekeeper_binary(), "-c", config.string(), "reconcile"});
    });
    {
        WebhookClient client(serve.port());
        for (int round = 0; round < 2; ++round) {
            for (const auto& name : names) {
                REQUIRE(client.post(wheel_event(name)).status == 202);
            }
        }
    }
    timer.join();
    INFO(reconcile.err);
    CHECK(reconcile.exit_code == 0);

    auto ledger = open_ledger(dir);
    REQUIRE(wait_for([&] { return all_reserved(ledger, names) && ledger.queue_depth() == 0; }, 60s));
    for (const auto& name : names) {
        INFO(name);
        CHECK(uploads_for(pypi, name) == 1);
    }
    CHECK(state_of(ledger, "acme-toolkit") == ledger::NameState::taken);
    serve.signal(SIGTERM);
    CHECK(serve.wait() == 0);
}

TEST_CASE("serve: a SIGTERM right after start is not lost", "[cli][serve]") {
    TempDir dir;
    standins::PypiStandin pypi;
    const auto config = write_serve_config(dir, pypi);
    ServeProcess serve(
        config,
        dir / "serve.log"); // returns once "listening on" is logged, maybe before the accept loop runs
    serve.signal(SIGTERM);
    CHECK(serve.wait(10s) == 0);
    CHECK(serve.log().find("stopped; 0 names wait in the queue") != std::string::npos);
}
