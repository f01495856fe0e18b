// report::*: the JSON documents of SPEC.md "Reports", the summary line and the status table.

#include "ledger/ledger_test_support.hpp"
#include "namekeeper/report/report.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace namekeeper;
using ledger::NameState;
using nlohmann::json;
using test::at;

namespace {

ledger::NameRecord reserved_record() {
    ledger::NameRecord r;
    r.name = "acme-utils";
    r.display_name = "Acme_Utils";
    r.state = NameState::reserved;
    r.repositories = {"pypi-local"};
    r.internal_version = "1.4.0";
    r.public_version = "0.0.0";
    r.owners = {"acme-security"};
    r.first_seen = at("2026-12-04T10:00:00Z");
    r.updated_at = at("2026-12-04T10:00:03Z");
    r.attempts = 1;
    return r;
}

ledger::NameRecord taken_record() {
    ledger::NameRecord r;
    r.name = "acme-data";
    r.display_name = "acme-data";
    r.state = NameState::taken;
    r.risk = ledger::Risk::critical;
    r.repositories = {"pypi-local", "pypi-team"};
    r.internal_version = "2.0";
    r.public_version = "99.0";
    r.owners = {"mallory", "org:evil"};
    r.first_seen = at("2026-12-01T08:00:00Z");
    r.updated_at = at("2026-12-04T10:00:05Z");
    r.attempts = 2;
    r.mismatch = "folder acme_data, file acme-data-2.0.tar.gz";
    return r;
}

ledger::NameRecord pending_record() {
    ledger::NameRecord r;
    r.name = "acme-new";
    r.display_name = "acme-new";
    r.repositories = {"pypi-local"};
    r.first_seen = at("2026-12-04T10:00:00Z");
    r.updated_at = at("2026-12-04T10:00:00Z");
    r.last_error = "waiting: the hourly upload budget is used up";
    return r;
}

ledger::StateCounts counts_of(std::initializer_list<std::pair<NameState, std::int64_t>> values) {
    ledger::StateCounts counts;
    for (const auto& [state, n] : values) {
        counts.by_state[static_cast<std::size_t>(state)] = n;
    }
    return counts;
}

reconcile::RunReport a_run() {
    reconcile::RunReport run;
    run.mode = reconcile::ListingMode::incremental;
    run.artifacts = 12;
    run.names = 5;
    run.new_names = 2;
    run.looked_up = 3;
    run.run.uploads = 1;
    run.started_at = at("2026-12-04T10:00:00Z");
    run.finished_at = at("2026-12-04T10:00:07Z");
    return run;
}

const std::string k_counts_line = "1 pending, 1 reserved, 0 owned, 1 taken, 0 blocked, 0 ignored, 0 failed";

} // namespace

TEST_CASE("status_json: names and counts as SPEC.md shows them", "[report]") {
    const std::vector<ledger::NameRecord> records{reserved_record()};
    const auto text = report::status_json(records, counts_of({{NameState::reserved, 1}}));
    CHECK(text == R"({
  "names": [
    {
      "name": "acme-utils",
      "state": "reserved",
      "reason": null,
      "risk": null,
      "repositories": [
        "pypi-local"
      ],
      "internal_version": "1.4.0",
      "public_version": "0.0.0",
      "owners": [
        "acme-security"
      ],
      "first_seen": "2026-12-04T10:00:00Z",
      "updated_at": "2026-12-04T10:00:03Z",
      "attempts": 1,
      "last_error": null,
      "mismatch": null
    }
  ],
  "counts": {
    "pending": 0,
    "reserved": 1,
    "owned": 0,
    "taken": 0,
    "blocked": 0,
    "ignored": 0,
    "failed": 0
  }
}
)");
}

TEST_CASE("status_json: values where SPEC.md has them, null where absent, every state counted", "[report]") {
    const std::vector<ledger::NameRecord> records{taken_record(), pending_record()};
    const auto doc = json::parse(report::status_json(
        records, counts_of({{NameState::pending, 1}, {NameState::taken, 1}, {NameState::failed, 3}})));
    const auto& taken = doc["names"][0];
    CHECK(taken["state"] == "taken");
    CHECK(taken["risk"] == "critical");
    CHECK(taken["reason"].is_null());
    CHECK(taken["repositories"] == json::array({"pypi-local", "pypi-team"}));
    CHECK(taken["owners"] == json::array({"mallory", "org:evil"}));
    CHECK(taken["public_version"] == "99.0");
    CHECK(taken["mismatch"] == "folder acme_data, file acme-data-2.0.tar.gz");
    const auto& pending = doc["names"][1];
    CHECK(pending["state"] == "pending");
    CHECK(pending["risk"].is_null());
    CHECK(pending["internal_version"].is_null());
    CHECK(pending["public_version"].is_null());
    CHECK(pending["owners"] == json::array());
    CHECK(pending["attempts"] == 0);
    CHECK(pending["last_error"] == "waiting: the hourly upload budget is used up");
    CHECK(doc["counts"] == json{{"pending", 1},
                                {"reserved", 0},
                                {"owned", 0},
                                {"taken", 1},
                                {"blocked", 0},
                                {"ignored", 0},
                                {"failed", 3}});

    const auto empty = json::parse(report::status_json({}, ledger::StateCounts{}));
    CHECK(empty["names"] == json::array());
    CHECK(empty["counts"].size() == 7);
}

TEST_CASE("reconcile_json: the run, and the plan of a dry run", "[report]") {
    const std::vector<ledger::NameRecord> records{reserved_record(), taken_record(), pending_record()};
    const auto counts = counts_of({{NameState::pending, 1}, {NameState::reserved, 1}, {NameState::taken, 1}});
    auto run = a_run();

    SECTION("a real run has no plan") {
        const auto doc = json::parse(report::reconcile_json(run, records, counts));
        CHECK(doc["names"].size() == 3);
        CHECK(doc["counts"]["taken"] == 1);
        CHECK_FALSE(doc.contains("planned"));
        const auto& r = doc["run"];
        CHECK(r["mode"] == "incremental");
        CHECK(r["dry_run"] == false);
        CHECK(r["artifacts"] == 12);
        CHECK(r["names"] == 5);
        CHECK(r["new_names"] == 2);
        CHECK(r["uploads"] == 1);
        CHECK(r["started_at"] == "2026-12-04T10:00:00Z");
        CHECK(r["finished_at"] == "2026-12-04T10:00:07Z");
        CHECK(r["next_upload_slot_at"].is_null());
        CHECK(r["listing_errors"] == json::array());
    }
    SECTION("a dry run lists what it would do") {
        run.mode = reconcile::ListingMode::full;
        run.dry_run = reconcile::DryRun::yes;
        run.run.uploads = 0;
        run.run.planned = {{"acme-new", "reserve", "free on the public index"},
                           {"acme-data", "alert", "taken by mallory, risk critical"}};
        const auto doc = json::parse(report::reconcile_json(run, records, counts));
        CHECK(doc["run"]["mode"] == "full");
        CHECK(doc["run"]["dry_run"] == true);
        CHECK(doc["planned"] ==
              json::array(
                  {json{{"name", "acme-new"}, {"action", "reserve"}, {"detail", "free on the public index"}},
                   json{{"name", "acme-data"},
                        {"action", "alert"},
                        {"detail", "taken by mallory, risk critical"}}}));
    }
    SECTION("a dry run with nothing to do has an empty plan") {
        run.dry_run = reconcile::DryRun::yes;
        const auto doc = json::parse(report::reconcile_json(run, records, counts));
        CHECK(doc["planned"] == json::array());
    }
}

TEST_CASE("summary_line, word for word", "[report]") {
    const auto counts = counts_of({{NameState::pending, 1}, {NameState::reserved, 1}, {NameState::taken, 1}});
    auto run = a_run();
    const std::string head =
        "namekeeper incremental: 12 artifacts, 5 names (2 new), 3 looked up, 1 uploads | ledger: " +
        k_counts_line;

    SECTION("a plain run") {
        CHECK(report::summary_line(run, counts) == head);
    }
    SECTION("a full dry run") {
        run.mode = reconcile::ListingMode::full;
        run.dry_run = reconcile::DryRun::yes;
        CHECK(report::summary_line(run, counts) ==
              "namekeeper full dry run: 12 artifacts, 5 names (2 new), 3 looked up, 1 uploads | ledger: " +
                  k_counts_line);
    }
    SECTION("the budget ran out") {
        run.run.budget_exhausted = true;
        run.next_upload_slot_at = at("2026-12-04T10:42:00Z");
        CHECK(report::summary_line(run, counts) ==
              head + " | pending names wait for the hourly upload budget; next slot at 2026-12-04T10:42:00Z");
    }
    SECTION("rate limited") {
        run.run.rate_limited = true;
        run.run.budget_exhausted = true;
        run.next_upload_slot_at = at("2026-12-04T10:42:00Z");
        CHECK(report::summary_line(run, counts) ==
              head + " | uploads paused: the index rate-limits new projects");
    }
    SECTION("the upload token was refused") {
        run.run.auth_failed = true;
        run.run.rate_limited = true;
        CHECK(report::summary_line(run, counts) ==
              head + " | UPLOADS STOPPED: the index refused the upload token");
    }
    SECTION("--max-new reached") {
        run.run.max_new = 1;
        CHECK(report::summary_line(run, counts) ==
              head + " | --max-new 1 reached; the rest wait for the next run");
        // Nothing waits: nothing to say.
        CHECK(report::summary_line(run, counts_of({{NameState::reserved, 1}})).find("--max-new") ==
              std::string::npos);
    }
    SECTION("listing errors and undelivered notifications") {
        run.listing_errors = {"listing repository a at offset 0: HTTP 500",
                              "listing repository b at offset 0: HTTP 500"};
        run.notifications.failed = 3;
        CHECK(report::summary_line(run, counts) ==
              head + " | 2 listing errors | 3 notifications not delivered (retried next run)");
    }
}

TEST_CASE("status_table: one row a name and the totals", "[report]") {
    const std::vector<ledger::NameRecord> records{reserved_record(), taken_record(), pending_record()};
    const auto table = report::status_table(
        records, counts_of({{NameState::pending, 1}, {NameState::reserved, 1}, {NameState::taken, 1}}));
    const std::string expected =
        fmt::format("{:<40} {:<9} {:<14} {:<12} {:<12} {}\n", "NAME", "STATE", "REASON/RISK", "INTERNAL",
                    "PUBLIC", "OWNERS") +
        fmt::format("{:<40} {:<9} {:<14} {:<12} {:<12} {}\n", "acme-utils", "reserved", "", "1.4.0", "0.0.0",
                    "acme-security") +
        fmt::format("{:<40} {:<9} {:<14} {:<12} {:<12} {}\n", "acme-data", "taken", "critical", "2.0", "99.0",
                    "mallory,org:evil") +
        fmt::format("{:<40} {:<9} {:<14} {:<12} {:<12} {}\n", "acme-new", "pending", "", "-", "-", "") +
        k_counts_line + "\n";
    CHECK(table == expected);
    CHECK(table.starts_with(
        "NAME                                     STATE     REASON/RISK    INTERNAL     PUBLIC       "
        "OWNERS\n"));
}
