// Failures seen through the real binary: the upload credential refused, an index that keeps failing,
// a truncated listing page, a process killed between upload and ledger write, a damaged or locked
// ledger, two runs at once, secrets in output, configuration errors.

#include "reconcile/fixture.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <fmt/format.h>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

using namekeeper::ledger::NameState;
using namekeeper::standins::AqlFault;
using namekeeper::standins::AqlFaultKind;
using namekeeper::standins::PypiEndpoint;
using namekeeper::test::Company;
using namekeeper::test::file_sha256;
using namekeeper::test::lines_with;
using namekeeper::test::Receiver;
using namekeeper::test::SampleData;
using namekeeper::test::UploadProxy;
using nlohmann::json;

namespace {

void names(Company& company, std::initializer_list<const char*> list) {
    for (const auto* name : list) {
        company.add_internal(name);
    }
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

} // namespace

TEST_CASE("a refused upload credential: uploads stop, exit 1, one upload.auth_failed notification", "[cli]") {
    Company company({.sample = SampleData::no});
    names(company, {"acme-a", "acme-b", "acme-c"});
    Receiver generic;
    company.config.notify.webhook_url = namekeeper::config::Secret(generic.url());
    company.config.pypi.token = namekeeper::config::Secret("pypi-wrong-token");

    const auto result = company.run({"reconcile"});
    CHECK(result.exit_code == 1);
    CHECK(result.out == "namekeeper full: 3 artifacts, 3 names (3 new), 3 looked up, 0 uploads | ledger: 3 "
                        "pending, 0 reserved, "
                        "0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed | UPLOADS STOPPED: the index "
                        "refused the upload token\n");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 1);
    const auto delivered = generic.delivered();
    REQUIRE(delivered.size() == 1);
    const auto payload = json::parse(delivered.front());
    CHECK(payload.at("event") == "upload.auth_failed");
    CHECK(payload.at("status") == 403);
    CHECK(lines_with(result.err, "the index refused the upload credential").size() == 1);

    // The next run, still refused, notifies again (once) and still uploads once.
    const auto again = company.run({"reconcile"});
    CHECK(again.exit_code == 1);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2);
    CHECK(generic.delivered().size() == 2);
}

TEST_CASE("uploads answered 5xx every time: the name ends failed with a backoff, exit 1", "[cli]") {
    Company company({.sample = SampleData::no});
    names(company, {"acme-down"});
    company.pypi.fail_next(PypiEndpoint::upload, 100, 500);
    const auto result = company.run({"reconcile"});
    CHECK(result.exit_code == 1);
    CHECK(result.out ==
          "namekeeper full: 1 artifacts, 1 names (1 new), 1 looked up, 0 uploads | ledger: 0 pending, "
          "0 reserved, 0 owned, 0 taken, 0 blocked, 0 ignored, 1 failed\n");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 4); // the client's default: four attempts
    const auto down = company.record("acme-down");
    CHECK(down.state == NameState::failed);
    REQUIRE(down.next_attempt_at);
    CHECK(*down.next_attempt_at - down.updated_at == std::chrono::minutes(5));
    CHECK(lines_with(result.err, "failed: acme-down: upload refused: 500").size() == 1);
}

TEST_CASE("a truncated listing page: exit 1, earlier pages recorded, listed again next run", "[cli]") {
    Company company({.sample = SampleData::no});
    for (int i = 0; i < 10; ++i) {
        company.add_internal(fmt::format("acme-pkg-{}", i));
    }
    company.config.artifactory.repositories = {"pypi-local"};
    company.config.artifactory.page_size = 4;
    company.artifactory.inject_aql_fault(2, {AqlFaultKind::truncated_body, 200, std::nullopt});

    const auto first = company.run({"reconcile"});
    CHECK(first.exit_code == 1);
    CHECK(first.out ==
          "namekeeper full: 4 artifacts, 4 names (4 new), 4 looked up, 4 uploads | ledger: 0 pending, "
          "4 reserved, 0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed | 1 listing errors\n");
    CHECK(lines_with(first.err,
                     "listing repository pypi-local at offset 4: the answer is not a complete AQL result "
                     "(truncated or not JSON)")
              .size() == 1);
    CHECK(company.states().size() == 4);
    {
        auto ledger = company.open_ledger();
        const auto mark = ledger.watermark("pypi-local");
        REQUIRE(mark);
        CHECK_FALSE(mark->has_value());
    }

    const auto second = company.run({"reconcile"});
    CHECK(second.exit_code == 0);
    CHECK(second.out == "namekeeper full: 10 artifacts, 10 names (6 new), 6 looked up, 6 uploads | ledger: 0 "
                        "pending, 10 reserved, 0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed\n");
    CHECK(company.pypi.uploads().size() == 10);
}

TEST_CASE("killed between upload and ledger write: the next run finds our placeholder, no new upload",
          "[cli]") {
    Company company({.sample = SampleData::no});
    names(company, {"acme-crash"});
    const auto lock_file = std::filesystem::path(company.ledger_path().string() + ".lock");
    // Right after the index accepted the upload, before namekeeper hears of it: SIGKILL, using the
    // pid that the run wrote into its lock file.
    UploadProxy proxy(company.pypi, {}, [&](const std::string&, int status) {
        if (status != 200) {
            return;
        }
        std::ifstream in(lock_file);
        pid_t pid = 0;
        in >> pid;
        if (pid > 0) { // no Catch2 assertion here: this runs on the proxy's thread
            ::kill(pid, SIGKILL);
        }
    });
    company.config.pypi.upload_url = proxy.upload_url();

    const auto killed = company.run({"reconcile"});
    CHECK(killed.exit_code == 128 + SIGKILL);
    CHECK(company.pypi.uploads().size() == 1);
    const auto before = company.record("acme-crash");
    CHECK(before.state == NameState::pending);

    const auto next = company.run({"reconcile"});
    INFO(next.err);
    CHECK(next.exit_code == 0);
    const auto after = company.record("acme-crash");
    CHECK(after.state == NameState::reserved);
    CHECK(after.public_version == "0.0.0");
    CHECK(after.owners == std::vector<std::string>{"acme-security"});
    CHECK(company.pypi.uploads().size() == 1);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 1);
}

TEST_CASE("a corrupt ledger file: a clear error naming it, exit 1, bytes unchanged", "[cli]") {
    Company company({.sample = SampleData::no});
    names(company, {"acme-a"});
    const std::string garbage = "this is not a database\x01\x02\x03 at all, just bytes";
    write_bytes(company.ledger_path(), garbage);
    const auto hash = file_sha256(company.ledger_path());

    const auto result = company.run({"reconcile"});
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(result.err ==
          fmt::format("namekeeper: ledger {} is not an SQLite database (file is not a database); "
                      "refusing to touch it\n",
                      company.ledger_path().string()));
    CHECK(file_sha256(company.ledger_path()) == hash);
    CHECK(company.pypi.request_count(PypiEndpoint::simple) == 0);

    const auto status = company.run({"status"});
    CHECK(status.exit_code == 1);
    CHECK(file_sha256(company.ledger_path()) == hash);
}

TEST_CASE("a locked ledger: a clear error, exit 1", "[cli]") {
    Company company({.sample = SampleData::no});
    names(company, {"acme-a"});
    REQUIRE(company.run({"reconcile"}).exit_code == 0);
    company.add_internal("acme-b", "1.0.0", "2026-12-09T10:00:00.000Z");

    SQLite::Database holder(company.ledger_path().string(), SQLite::OPEN_READWRITE);
    holder.exec("BEGIN EXCLUSIVE");
    const auto result = company.run({"reconcile"});
    holder.exec("ROLLBACK");
    CHECK(result.exit_code == 1);
    CHECK(lines_with(result.err, fmt::format("ledger {} is locked by another process (gave up after 10 s)",
                                             company.ledger_path().string()))
              .size() >= 1);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 1);
}

TEST_CASE("a second reconcile while one runs exits 1 and uploads nothing", "[cli]") {
    Company company({.sample = SampleData::no});
    names(company, {"acme-a", "acme-b"});
    company.pypi.set_latency(std::chrono::milliseconds(1500));
    auto first = std::async(std::launch::async, [&] { return company.run({"reconcile"}); });
    while (company.pypi.request_count(PypiEndpoint::simple) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto second = company.run({"reconcile"});
    CHECK(second.exit_code == 1);
    CHECK(second.out.empty());
    const auto lock_file = company.ledger_path().string() + ".lock";
    CHECK(second.err.starts_with(
        fmt::format("namekeeper: another namekeeper reconcile is running (lock {} held by pid ", lock_file)));
    CHECK(second.err.ends_with("); this run does nothing\n"));
    const auto done = first.get();
    CHECK(done.exit_code == 0);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2);
    CHECK(company.pypi.uploads().size() == 2);
}

TEST_CASE("secrets never appear in the output of the command line", "[cli]") {
    Company company;
    Receiver slack;
    Receiver generic;
    slack.answer(404);
    generic.answer(404);
    const std::string slack_url = slack.url("/services/T0SECRET/B0SECRET/slack-path-secret");
    company.config.notify.slack_webhook_url = namekeeper::config::Secret(slack_url);
    company.config.notify.webhook_url = namekeeper::config::Secret(generic.url("/hook?token=generic-secret"));

    std::vector<namekeeper::test::ProcessResult> results;
    const auto report_path = company.dir / "report.json";
    results.push_back(company.run({"--log-level", "trace", "backfill", "--report", report_path.string()}));
    {
        std::ifstream in(report_path);
        std::stringstream report;
        report << in.rdbuf();
        REQUIRE(report.str().size() > 1000);
        results.push_back({0, report.str(), {}});
    }
    company.config.pypi.token = namekeeper::config::Secret("pypi-refused-secret");
    company.add_internal("acme-more", "1.0.0", "2026-12-20T10:00:00.000Z");
    results.push_back(company.run({"--log-level", "trace", "reconcile"}));
    company.config.artifactory.token = namekeeper::config::Secret("artifactory-refused-secret");
    results.push_back(company.run({"--log-level", "trace", "--log-format", "json", "reconcile", "--full"}));
    results.push_back(company.run({"status"}));
    results.push_back(company.run({"check", "acme-sdk"}));
    CHECK(results[0].err.find("notification") != std::string::npos); // the failures were logged
    for (const auto& r : results) {
        for (const std::string secret :
             {"demo-artifactory-token", "pypi-demo-token", "pypi-refused-secret",
              "artifactory-refused-secret", "slack-path-secret", "T0SECRET", "generic-secret"}) {
            INFO(secret);
            CHECK(r.out.find(secret) == std::string::npos);
            CHECK(r.err.find(secret) == std::string::npos);
        }
    }
}

TEST_CASE("configuration errors exit 2 with file:line:column on stderr", "[cli]") {
    namekeeper::test::TempDir dir;
    const auto path = dir / "config.yaml";
    const auto run = [&](const std::string& yaml) {
        write_bytes(path, yaml);
        return namekeeper::test::run_process(
            {namekeeper::test::namekeeper_binary(), "-c", path.string(), "reconcile"});
    };
    SECTION("an unknown key") {
        const auto r = run("artifactory:\n  url: http://127.0.0.1:1/artifactory\n  tokn: x\n");
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err ==
              fmt::format("namekeeper: {}:3:3: artifactory.tokn: unknown key (expected one of: url, token, "
                          "token_file, username, password, password_file, repositories, page_size, "
                          "timeout)\n",
                          path.string()));
    }
    SECTION("a bad duration") {
        const auto r = run("artifactory:\n  url: http://127.0.0.1:1/artifactory\npypi:\n  timeout: soon\n");
        CHECK(r.exit_code == 2);
        CHECK(r.err.starts_with(fmt::format("namekeeper: {}:4:12: pypi.timeout: ", path.string())));
    }
    SECTION("a secret file that does not exist") {
        const auto r = run("artifactory:\n  url: http://127.0.0.1:1/artifactory\n  token_file: " +
                           (dir / "missing").string() + "\n");
        CHECK(r.exit_code == 2);
        CHECK(r.err.starts_with(fmt::format("namekeeper: {}:3:15: artifactory.token_file: ", path.string())));
    }
    CHECK_FALSE(std::filesystem::exists(dir / "ledger.sqlite3"));
}

TEST_CASE("the index's 429 on uploads is no failure: exit 0, the rest pending", "[cli]") {
    Company company({.sample = SampleData::no, .pypi_new_projects_per_hour = 2});
    names(company, {"acme-a", "acme-b", "acme-c", "acme-d"});
    const auto result = company.run({"reconcile"});
    CHECK(result.exit_code == 0);
    CHECK(result.out ==
          "namekeeper full: 4 artifacts, 4 names (4 new), 4 looked up, 2 uploads | ledger: 2 pending, "
          "2 reserved, 0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed | uploads paused: the index "
          "rate-limits new projects\n");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 3);
}

TEST_CASE("status without a ledger says so and exits 1", "[cli]") {
    Company company({.sample = SampleData::no});
    const auto result = company.run({"status"});
    CHECK(result.exit_code == 1);
    CHECK(result.err ==
          fmt::format("namekeeper: ledger {} does not exist yet; run namekeeper reconcile first\n",
                      company.ledger_path().string()));
    CHECK_FALSE(std::filesystem::exists(company.ledger_path()));
}
