// The real binary against the stand-ins: `backfill`, `reconcile` and its options, `status`, `check`.
// Each test writes its configuration (secrets in *_file files) into the Company's TempDir.

#include "reconcile/fixture.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

using namekeeper::standins::PypiEndpoint;
using namekeeper::test::Company;
using namekeeper::test::file_sha256;
using namekeeper::test::Receiver;
using namekeeper::test::SampleData;
using nlohmann::json;

namespace {

json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    REQUIRE(in);
    return json::parse(in);
}

const json& entry(const json& names, std::string_view name) {
    for (const auto& n : names) {
        if (n.at("name") == name) {
            return n;
        }
    }
    FAIL("no entry for " << name);
    throw std::logic_error("unreachable");
}

std::map<std::string, std::string> state_map(const json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& n : doc.at("names")) {
        out[n.at("name").get<std::string>()] = n.at("state").get<std::string>();
    }
    return out;
}

constexpr const char* k_sample_summary = "namekeeper full: 237 artifacts, 38 names (38 new), 38 looked up, "
                                         "31 uploads | ledger: 0 pending, 31 reserved, "
                                         "1 owned, 3 taken, 2 blocked, 1 ignored, 0 failed\n";

} // namespace

TEST_CASE("backfill of the sample company: summary, report and exit 0", "[cli]") {
    Company company;
    const auto report_path = company.dir / "report.json";
    const auto result = company.run({"backfill", "--report", report_path.string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out == k_sample_summary);

    const auto doc = read_json(report_path);
    for (const auto* key :
         {"mode", "dry_run", "artifacts", "names", "new_names", "uploads", "started_at", "finished_at"}) {
        INFO(key);
        CHECK(doc.at("run").contains(key));
    }
    CHECK(doc.at("run").at("mode") == "full");
    CHECK(doc.at("run").at("dry_run") == false);
    CHECK(doc.at("run").at("artifacts") == 237);
    CHECK(doc.at("run").at("names") == 38);
    CHECK(doc.at("run").at("new_names") == 38);
    CHECK(doc.at("run").at("uploads") == 31);
    CHECK_FALSE(doc.contains("planned"));
    CHECK(
        doc.at("run").at("mismatches") ==
        json::array({"pypi-local/acme-widgets/0.3.0/acme_widget-0.3.0-py3-none-any.whl: folder acme-widgets "
                     "holds acme_widget-0.3.0-py3-none-any.whl",
                     "pypi-local/acme-widgets/0.3.0/acme_widget-0.3.0.tar.gz: folder acme-widgets holds "
                     "acme_widget-0.3.0.tar.gz"}));
    const auto& names = doc.at("names");
    CHECK(names.size() == 38);
    CHECK(entry(names, "acme-widget").at("state") == "reserved");
    CHECK(entry(names, "acme-widget").at("mismatch").is_string());
    const auto& utils = entry(names, "acme-utils");
    CHECK(utils.at("state") == "reserved");
    CHECK(utils.at("reason").is_null());
    CHECK(utils.at("risk").is_null());
    CHECK(utils.at("repositories") == json::array({"pypi-local", "pypi-team"}));
    CHECK(utils.at("internal_version") == "1.1.0");
    CHECK(utils.at("public_version") == "0.0.0");
    CHECK(utils.at("owners") == json::array({"acme-security"}));
    CHECK(utils.at("attempts") == 1);
    const auto& toolkit = entry(names, "acme-toolkit");
    CHECK(toolkit.at("state") == "taken");
    CHECK(toolkit.at("risk") == "critical");
    CHECK(entry(names, "tomllib").at("reason") == "stdlib");
    CHECK(entry(names, "py-yaml").at("reason") == "too-similar");
    CHECK(entry(names, "acme-requests-fork").at("state") == "ignored");
    CHECK(doc.at("counts") == json{{"pending", 0},
                                   {"reserved", 31},
                                   {"owned", 1},
                                   {"taken", 3},
                                   {"blocked", 2},
                                   {"ignored", 1},
                                   {"failed", 0}});
    CHECK(company.pypi.uploads().size() == 31);
}

TEST_CASE("a second reconcile right after the first asks the index nothing and uploads nothing", "[cli]") {
    Company company;
    REQUIRE(company.run({"reconcile"}).exit_code == 0);
    const auto simple = company.pypi.request_count(PypiEndpoint::simple);
    const auto json_api = company.pypi.request_count(PypiEndpoint::json);
    const auto uploads = company.pypi.request_count(PypiEndpoint::upload);
    const auto second = company.run({"reconcile"});
    INFO(second.err);
    CHECK(second.exit_code == 0);
    CHECK(second.out.starts_with("namekeeper incremental: "));
    CHECK(second.out.find("names (0 new), 0 looked up, 0 uploads | ledger: 0 pending, 31 reserved, 1 owned, "
                          "3 taken, 2 blocked, 1 ignored, 0 failed\n") != std::string::npos);
    CHECK(company.pypi.request_count(PypiEndpoint::simple) == simple);
    CHECK(company.pypi.request_count(PypiEndpoint::json) == json_api);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == uploads);
}

TEST_CASE("reconcile --dry-run changes nothing anywhere and plans reserve and alert actions", "[cli]") {
    Company company;
    Receiver generic;
    company.config.notify.webhook_url = namekeeper::config::Secret(generic.url());
    company.config.pypi.max_new_projects_per_hour = 5;
    REQUIRE(company.run({"backfill"}).exit_code == 0);
    // New internal names since: one free, one held by a stranger with a higher version.
    company.add_internal("acme-brand-new", "1.0.0", "2026-12-20T10:00:00.000Z");
    company.add_internal("numpy", "1.0.0", "2026-12-20T10:00:00.000Z");

    const auto ledger = company.ledger_path();
    const auto wal = std::filesystem::path(ledger.string() + "-wal");
    const auto ledger_hash = file_sha256(ledger);
    const auto wal_hash = file_sha256(wal);
    const auto uploads = company.pypi.request_count(PypiEndpoint::upload);
    const auto delivered = generic.request_count();
    const auto report_path = company.dir / "dry.json";

    const auto result = company.run({"reconcile", "--dry-run", "--report", report_path.string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out.starts_with("namekeeper incremental dry run: "));
    CHECK(result.out.find(" names (2 new), 2 looked up, 0 uploads | ledger: 27 pending, 5 reserved, ") !=
          std::string::npos);
    CHECK(file_sha256(ledger) == ledger_hash);
    if (wal_hash.empty()) {
        // A read-only SQLite connection to a WAL database may leave an empty -wal file behind.
        CHECK((file_sha256(wal).empty() || std::filesystem::file_size(wal) == 0));
    } else {
        CHECK(file_sha256(wal) == wal_hash);
    }
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == uploads);
    CHECK(generic.request_count() == delivered);

    const auto doc = read_json(report_path);
    CHECK(doc.at("run").at("dry_run") == true);
    std::map<std::string, std::string> planned;
    for (const auto& p : doc.at("planned")) {
        planned[p.at("name").get<std::string>()] = p.at("action").get<std::string>();
    }
    CHECK(planned.at("acme-brand-new") == "reserve");
    CHECK(planned.at("numpy") == "alert");
    // Names waiting for the budget were looked up by the backfill: nothing to plan for them.
    CHECK(planned.size() == 2);
}

TEST_CASE("reconcile --max-new caps uploads, the summary says the rest wait", "[cli]") {
    Company company;
    const auto result = company.run({"backfill", "--max-new", "3"});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(company.pypi.uploads().size() == 3);
    // py-yaml waits too: only an upload would tell that the index refuses it.
    CHECK(result.out == "namekeeper full: 237 artifacts, 38 names (38 new), 38 looked up, 3 uploads | "
                        "ledger: 29 pending, 3 reserved, "
                        "1 owned, 3 taken, 1 blocked, 1 ignored, 0 failed | --max-new 3 reached; the rest "
                        "wait for the next run\n");
}

TEST_CASE("reconcile --fail-on-risk exits 3 when a name is taken at risk critical", "[cli]") {
    Company company;
    const auto result = company.run({"reconcile", "--fail-on-risk"});
    CHECK(result.exit_code == 3);
    CHECK(result.out == k_sample_summary);
    // Without a critical name, it exits 0.
    Company calm({.sample = SampleData::no});
    calm.add_internal("acme-calm");
    CHECK(calm.run({"reconcile", "--fail-on-risk"}).exit_code == 0);
}

TEST_CASE("status --json and --state follow SPEC.md's shape", "[cli]") {
    Company company;
    REQUIRE(company.run({"backfill"}).exit_code == 0);

    const auto all = company.run({"status", "--json"});
    REQUIRE(all.exit_code == 0);
    const auto doc = json::parse(all.out);
    REQUIRE(doc.at("names").size() == 38);
    const std::set<std::string> keys{
        "name",           "state",  "reason",     "risk",       "repositories", "internal_version",
        "public_version", "owners", "first_seen", "updated_at", "attempts"};
    for (const auto& n : doc.at("names")) {
        for (const auto& key : keys) {
            INFO(n.at("name") << " " << key);
            CHECK(n.contains(key));
        }
        CHECK(n.at("first_seen").get<std::string>().size() == 20);
        CHECK(n.at("first_seen").get<std::string>().ends_with("Z"));
    }
    CHECK(doc.at("counts").size() == 7);
    CHECK(doc.at("counts").at("reserved") == 31);

    const auto taken = company.run({"status", "--json", "--state", "taken"});
    REQUIRE(taken.exit_code == 0);
    const auto taken_doc = json::parse(taken.out);
    CHECK(state_map(taken_doc) == std::map<std::string, std::string>{{"acme-common", "taken"},
                                                                     {"acme-legacy", "taken"},
                                                                     {"acme-toolkit", "taken"}});
    const auto& legacy = entry(taken_doc.at("names"), "acme-legacy");
    CHECK(legacy.at("risk") == "warning");
    CHECK(legacy.at("public_version").is_null());
    CHECK(legacy.at("owners") == json::array()); // no releases: the JSON API tells no owners

    const auto bad = company.run({"status", "--state", "gone"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err ==
          "namekeeper: --state gone is not a state (pending, reserved, owned, taken, blocked, ignored, "
          "failed)\n");
}

TEST_CASE("check NAME --json prints SPEC.md's shape and changes nothing", "[cli]") {
    Company company;
    const auto result =
        company.run({"check", "Acme_SDK", "acme-toolkit", "acme-free", "tomllib", "bad_", "--json"});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto doc = json::parse(result.out);
    const auto& results = doc.at("results");
    REQUIRE(results.size() == 5);
    CHECK(results[0] == json{{"name", "Acme_SDK"},
                             {"normalized", "acme-sdk"},
                             {"state", "owned"},
                             {"reason", nullptr},
                             {"owners", json::array({"acme-security", "org:acme"})},
                             {"public_version", "3.2.0"}});
    CHECK(results[1].at("state") == "taken");
    CHECK(results[1].at("owners") == json::array({"mallory"}));
    CHECK(results[1].at("public_version") == "99.0.0");
    CHECK(results[2] == json{{"name", "acme-free"},
                             {"normalized", "acme-free"},
                             {"state", "free"},
                             {"reason", nullptr},
                             {"owners", json::array()},
                             {"public_version", nullptr}});
    CHECK(results[3].at("state") == "blocked");
    CHECK(results[3].at("reason") == "stdlib");
    CHECK(results[4].at("state") == "blocked");
    CHECK(results[4].at("reason") == "invalid-name");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 0);
    CHECK_FALSE(std::filesystem::exists(company.ledger_path()));
}

TEST_CASE("backfill is reconcile --full", "[cli]") {
    Company by_backfill;
    Company by_full;
    const auto backfill_report = by_backfill.dir / "r.json";
    const auto full_report = by_full.dir / "r.json";
    const auto a = by_backfill.run({"backfill", "--report", backfill_report.string()});
    const auto b = by_full.run({"reconcile", "--full", "--report", full_report.string()});
    CHECK(a.exit_code == b.exit_code);
    CHECK(a.out == b.out);
    const auto doc_a = read_json(backfill_report);
    const auto doc_b = read_json(full_report);
    CHECK(state_map(doc_a) == state_map(doc_b));
    CHECK(doc_a.at("run").at("mode") == "full");
    CHECK(doc_b.at("run").at("mode") == "full");

    // After a full listing, plain reconcile is incremental, backfill full again.
    const auto incremental = by_backfill.run({"reconcile", "--report", backfill_report.string()});
    CHECK(read_json(backfill_report).at("run").at("mode") == "incremental");
    const auto again = by_backfill.run({"backfill", "--report", backfill_report.string()});
    CHECK(read_json(backfill_report).at("run").at("mode") == "full");
    CHECK(again.out.starts_with("namekeeper full: 237 artifacts, 38 names (0 new), "));
}

TEST_CASE("reconcile --dry-run without a ledger plans against an empty one and creates nothing", "[cli]") {
    Company company;
    const auto report_path = company.dir / "dry.json";
    const auto result = company.run({"backfill", "--dry-run", "--report", report_path.string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out ==
          "namekeeper full dry run: 237 artifacts, 38 names (38 new), 38 looked up, 0 uploads | "
          "ledger: 0 pending, 0 reserved, 0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed\n");
    CHECK_FALSE(std::filesystem::exists(company.ledger_path()));
    CHECK_FALSE(std::filesystem::exists(company.ledger_path().parent_path()));
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 0);
    const auto doc = read_json(report_path);
    std::map<std::string, int> actions;
    std::map<std::string, std::string> planned;
    for (const auto& p : doc.at("planned")) {
        ++actions[p.at("action").get<std::string>()];
        planned[p.at("name").get<std::string>()] = p.at("action").get<std::string>();
    }
    // py-yaml is planned as a reservation: only the upload would tell that the index refuses it.
    CHECK(actions == std::map<std::string, int>{
                         {"alert", 3}, {"block", 1}, {"ignore", 1}, {"record", 1}, {"reserve", 32}});
    CHECK(planned.at("acme-toolkit") == "alert");
    CHECK(planned.at("tomllib") == "block");
    CHECK(planned.at("acme-sdk") == "record");
}

TEST_CASE("reconcile --repo lists only the named repository, incremental runs ask for what is new", "[cli]") {
    Company company;
    const auto result = company.run({"reconcile", "--repo", "pypi-team"});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto states = company.states();
    CHECK(states.contains("acme-common"));
    CHECK(states.contains("py-yaml"));
    CHECK(states.contains("acme-utils"));
    CHECK_FALSE(states.contains("acme-sdk"));
    CHECK(company.record("acme-utils").repositories == std::vector<std::string>{"pypi-team"});
    for (const auto& query : company.artifactory.received_queries()) {
        CHECK(query.find(R"("repo":"pypi-team")") != std::string::npos);
        CHECK(query.find("$gt") == std::string::npos);
    }

    const auto listed = company.artifactory.aql_request_count();
    REQUIRE(company.run({"reconcile", "--repo", "pypi-team"}).exit_code == 0);
    const auto queries = company.artifactory.received_queries();
    REQUIRE(queries.size() > listed);
    for (std::size_t i = listed; i < queries.size(); ++i) {
        // The newest pypi-team artifact (.pypi/simple.html is not listed) less the hour of overlap.
        CHECK(queries[i].find(R"("created":{"$gt":)") != std::string::npos);
    }
}
