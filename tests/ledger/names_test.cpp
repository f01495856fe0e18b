#include "ledger_test_support.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

using namespace namekeeper::ledger;
using namespace namekeeper::test;
using namespace std::chrono_literals;

namespace {

Outcome taken(Risk risk, std::string public_version = "2.0") {
    return Outcome{NameState::taken,          std::nullopt, risk,
                   std::move(public_version), {"mallory"},  std::nullopt};
}

Outcome failure(std::string error) {
    return Outcome{NameState::failed, std::nullopt, std::nullopt, std::nullopt, {}, std::move(error)};
}

Ledger with_names(std::initializer_list<const char*> names) {
    Ledger l = open_ok(":memory:", "reconcile");
    std::vector<SeenName> batch;
    for (const char* n : names) {
        batch.push_back(seen(n, "pypi-local", "1.0"));
    }
    ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    return l;
}

} // namespace

TEST_CASE("record_seen adds new names as pending and merges known ones", "[ledger][names]") {
    Ledger l = open_ok(":memory:", "reconcile");
    const auto t0 = at("2026-12-04T10:00:00Z");
    std::vector<SeenName> first{seen("acme-utils", "pypi-local", "1.4.0"),
                                seen("acme-utils", "pypi-local", "1.10.0"),
                                seen("acme-utils", "pypi-team", "1.2.0"), seen("acme-cli", "pypi-local")};
    first[0].display_name = "Acme_Utils";
    first[3].mismatch = "folder acme-client, file acme_cli-1.0.tar.gz";
    CHECK(ok(l.record_seen(first, t0, dotted_less)) == std::vector<std::string>{"acme-cli", "acme-utils"});

    auto utils = ok(l.get("acme-utils"));
    REQUIRE(utils.has_value());
    CHECK(utils->display_name == "Acme_Utils");
    CHECK(utils->state == NameState::pending);
    CHECK(utils->repositories == std::vector<std::string>{"pypi-local", "pypi-team"});
    CHECK(utils->internal_version == "1.10.0");
    CHECK(utils->first_seen == t0);
    CHECK(utils->updated_at == t0);
    CHECK(utils->attempts == 0);
    CHECK_FALSE(utils->checked_at.has_value());
    CHECK(ok(l.get("acme-cli"))->mismatch == "folder acme-client, file acme_cli-1.0.tar.gz");
    CHECK_FALSE(ok(l.get("acme-cli"))->internal_version.has_value());

    const auto t1 = at("2026-12-05T10:00:00Z");
    const std::vector<SeenName> second{seen("acme-utils", "pypi-remote", "1.9"),
                                       seen("acme-new", "pypi-local", "0.1")};
    CHECK(ok(l.record_seen(second, t1, dotted_less)) == std::vector<std::string>{"acme-new"});
    utils = ok(l.get("acme-utils"));
    CHECK(utils->repositories == std::vector<std::string>{"pypi-local", "pypi-remote", "pypi-team"});
    CHECK(utils->internal_version == "1.10.0");
    CHECK(utils->first_seen == t0);
    CHECK(utils->updated_at == t1);
    CHECK(ok(l.get("acme-cli"))->updated_at == t0); // untouched: not in the batch

    const auto events = ok(l.events());
    REQUIRE(events.size() == 3);
    CHECK(events[0].kind == "seen");
    CHECK(events[0].actor == "reconcile");
    CHECK(events[0].pid == static_cast<std::int64_t>(::getpid()));
    CHECK(events[0].to_state == "pending");
    CHECK(ok(l.get("nobody")) == std::nullopt);
}

TEST_CASE("record_seen never touches a settled state", "[ledger][names]") {
    Ledger l = with_names({"acme-utils"});
    ok(l.apply("acme-utils", Outcome{NameState::reserved, {}, {}, "0.0.0", {"acme-security"}, {}},
               at("2026-12-04T10:01:00Z")));
    const std::vector<SeenName> again{seen("acme-utils", "pypi-local", "2.0")};
    CHECK(ok(l.record_seen(again, at("2026-12-04T11:00:00Z"), dotted_less)).empty());
    const auto r = ok(l.get("acme-utils"));
    CHECK(r->state == NameState::reserved);
    CHECK(r->internal_version == "2.0");
}

TEST_CASE("apply settles a name, writes its event and one notification", "[ledger][names]") {
    Ledger l = with_names({"acme-utils"});
    const auto t = at("2026-12-04T10:00:03Z");
    const auto result = ok(l.apply("acme-utils", taken(Risk::critical), t));
    CHECK(result.state_changed);
    CHECK(result.notification_queued);

    const auto r = ok(l.get("acme-utils"));
    CHECK(r->state == NameState::taken);
    CHECK(r->risk == Risk::critical);
    CHECK(r->public_version == "2.0");
    CHECK(r->owners == std::vector<std::string>{"mallory"});
    CHECK(r->attempts == 1);
    CHECK(r->checked_at == t);
    CHECK(r->updated_at == t);

    const auto events = ok(l.events("acme-utils"));
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == "state_change");
    CHECK(events[1].from_state == "pending");
    CHECK(events[1].to_state == "taken");
    CHECK(nlohmann::json::parse(events[1].detail)["risk"] == "critical");

    const auto outbox = ok(l.pending_notifications());
    REQUIRE(outbox.size() == 1);
    CHECK(outbox[0].event == "name.taken");
    CHECK(outbox[0].name == "acme-utils");
    CHECK(nlohmann::json::parse(outbox[0].payload) ==
          nlohmann::json::parse(R"({"event": "name.taken", "name": "acme-utils", "state": "taken",
              "risk": "critical", "public_version": "2.0", "internal_version": "1.0", "owners": ["mallory"],
              "repositories": ["pypi-local"]})"));
}

TEST_CASE("the outbox holds one row per name, state and risk", "[ledger][names]") {
    Ledger l = with_names({"acme-utils"});
    CHECK(ok(l.apply("acme-utils", taken(Risk::warning), at("2026-12-04T10:00:00Z"))).notification_queued);
    SECTION("the same outcome again") {
        const auto again = ok(l.apply("acme-utils", taken(Risk::warning), at("2026-12-05T10:00:00Z")));
        CHECK_FALSE(again.state_changed);
        CHECK_FALSE(again.notification_queued);
        CHECK(ok(l.pending_notifications()).size() == 1);
        CHECK(ok(l.events("acme-utils")).size() == 2); // seen, state_change: nothing new to say
    }
    SECTION("a risk change notifies, flapping back does not") {
        CHECK(ok(l.apply("acme-utils", taken(Risk::critical, "3.0"), at("2026-12-05T10:00:00Z")))
                  .notification_queued);
        CHECK(ok(l.apply("acme-utils", failure("HTTP 503"), at("2026-12-06T10:00:00Z"))).notification_queued);
        CHECK_FALSE(ok(l.apply("acme-utils", taken(Risk::critical, "3.0"), at("2026-12-07T10:00:00Z")))
                        .notification_queued);
        const auto outbox = ok(l.pending_notifications());
        REQUIRE(outbox.size() == 3);
        CHECK(outbox[0].event == "name.taken");
        CHECK(outbox[1].event == "name.taken");
        CHECK(outbox[2].event == "name.failed");
    }
    SECTION("settled states that do not notify") {
        Ledger m = with_names({"acme-a", "acme-b", "acme-c"});
        CHECK_FALSE(ok(m.apply("acme-a", Outcome{NameState::owned, {}, {}, "1.0", {"acme"}, {}},
                               at("2026-12-04T10:00:00Z")))
                        .notification_queued);
        CHECK_FALSE(ok(m.apply("acme-b", Outcome{NameState::blocked, "stdlib", {}, {}, {}, {}},
                               at("2026-12-04T10:00:00Z")))
                        .notification_queued);
        CHECK_FALSE(
            ok(m.apply("acme-c", Outcome{NameState::ignored, {}, {}, {}, {}, {}}, at("2026-12-04T10:00:00Z")))
                .notification_queued);
        CHECK(ok(m.pending_notifications()).empty());
    }
}

TEST_CASE("failures back off exponentially up to a day and keep what was known", "[ledger][names]") {
    Ledger l = with_names({"acme-utils"});
    ok(l.apply("acme-utils", taken(Risk::warning), at("2026-12-04T09:00:00Z")));
    const auto t = at("2026-12-04T10:00:00Z");
    const std::vector<std::chrono::minutes> expected{5min,   10min,  20min,   40min,   80min,  160min,
                                                     320min, 640min, 1280min, 1440min, 1440min};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        ok(l.apply("acme-utils", failure("HTTP 503 from upload.pypi.org"), t));
        const auto r = ok(l.get("acme-utils"));
        CHECK(r->failures == static_cast<int>(i + 1));
        CHECK(r->next_attempt_at == t + expected[i]);
    }
    auto r = ok(l.get("acme-utils"));
    CHECK(r->state == NameState::failed);
    CHECK(r->attempts == 12);
    CHECK(r->last_error == "HTTP 503 from upload.pypi.org");
    CHECK(r->public_version == "2.0");
    CHECK(r->owners == std::vector<std::string>{"mallory"});
    const auto events = ok(l.events("acme-utils"));
    CHECK(events.back().kind == "failure");

    ok(l.apply("acme-utils", Outcome{NameState::reserved, {}, {}, "0.0.0", {"acme-security"}, {}},
               at("2026-12-05T10:00:00Z")));
    r = ok(l.get("acme-utils"));
    CHECK(r->failures == 0);
    CHECK_FALSE(r->next_attempt_at.has_value());
    CHECK_FALSE(r->last_error.has_value());
}

TEST_CASE("pending outcomes count no attempt", "[ledger][names]") {
    Ledger l = with_names({"acme-utils"});
    ok(l.apply("acme-utils", Outcome{NameState::pending, {}, {}, {}, {}, "upload budget spent"},
               at("2026-12-04T10:00:00Z")));
    const auto r = ok(l.get("acme-utils"));
    CHECK(r->attempts == 0);
    CHECK(r->last_error == "upload budget spent");
    CHECK_FALSE(r->checked_at.has_value());
}

TEST_CASE("writes about unknown names are refused", "[ledger][names]") {
    Ledger l = open_ok(":memory:");
    const auto t = at("2026-12-04T10:00:00Z");
    const auto applied = l.apply("ghost", taken(Risk::warning), t);
    REQUIRE_FALSE(applied.has_value());
    CHECK(applied.error().kind == LedgerErrorKind::unknown_name);
    CHECK(applied.error().message == "ledger :memory: has no name ghost");
    CHECK(l.mark_checked("ghost", t).error().kind == LedgerErrorKind::unknown_name);
    CHECK(l.record_upload("ghost", "ghost-0.0.0-py3-none-any.whl", "ab", "reserved", t).error().kind ==
          LedgerErrorKind::unknown_name);
}

TEST_CASE("uploads are kept per name with an event each", "[ledger][names]") {
    Ledger l = with_names({"acme-utils"});
    ok(l.record_upload("acme-utils", "acme_utils-0.0.0-py3-none-any.whl", "0a1b", "reserved",
                       at("2026-12-04T10:00:01Z")));
    ok(l.record_upload("acme-utils", "acme_utils-0.0.0.tar.gz", "2c3d", "reserved",
                       at("2026-12-04T10:00:02Z")));
    const auto uploads = ok(l.uploads("acme-utils"));
    REQUIRE(uploads.size() == 2);
    CHECK(uploads[0].filename == "acme_utils-0.0.0-py3-none-any.whl");
    CHECK(uploads[0].sha256 == "0a1b");
    CHECK(uploads[1].outcome == "reserved");
    CHECK(uploads[1].at == at("2026-12-04T10:00:02Z"));
    CHECK(ok(l.events("acme-utils")).back().kind == "upload");
    CHECK(ok(l.events(std::nullopt, 1)).size() == 1);
}

TEST_CASE("the audit trail is append-only", "[ledger][names]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    {
        Ledger l = open_ok(path);
        const std::vector<SeenName> batch{seen("acme-utils", "pypi-local")};
        ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    }
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    CHECK_THROWS_WITH(raw.exec("UPDATE events SET actor = 'mallory'"), "events are append-only");
    CHECK_THROWS_WITH(raw.exec("DELETE FROM events"), "events are append-only");
    CHECK(raw.execAndGet("SELECT count(*) FROM events WHERE actor = 'test'").getInt() == 1);
}

TEST_CASE("counts, list and due_for_lookup", "[ledger][names]") {
    Ledger l = with_names({"n-pending", "n-failed-due", "n-failed-later", "n-reserved-old",
                           "n-reserved-fresh", "n-owned-old", "n-taken-old", "n-blocked", "n-ignored"});
    const auto day1 = at("2026-12-01T00:00:00Z");
    const auto now = at("2026-12-04T00:00:00Z");
    const Outcome reserved{NameState::reserved, {}, {}, "0.0.0", {"acme-security"}, {}};
    ok(l.apply("n-failed-due", failure("timeout"), now - 1h));
    ok(l.apply("n-failed-later", failure("timeout"), now - 1min));
    ok(l.apply("n-reserved-old", reserved, day1));
    ok(l.apply("n-reserved-fresh", reserved, now - 1h));
    ok(l.apply("n-owned-old", Outcome{NameState::owned, {}, {}, "3.0", {"acme"}, {}}, day1));
    ok(l.apply("n-taken-old", taken(Risk::warning), day1));
    ok(l.apply("n-blocked", Outcome{NameState::blocked, "stdlib", {}, {}, {}, {}}, day1));
    ok(l.apply("n-ignored", Outcome{NameState::ignored, {}, {}, {}, {}, {}}, day1));
    ok(l.mark_checked("n-taken-old", now - 2h));

    const auto counts = ok(l.counts());
    CHECK(counts[NameState::pending] == 1);
    CHECK(counts[NameState::failed] == 2);
    CHECK(counts[NameState::reserved] == 2);
    CHECK(counts[NameState::owned] == 1);
    CHECK(counts[NameState::taken] == 1);
    CHECK(counts[NameState::blocked] == 1);
    CHECK(counts[NameState::ignored] == 1);
    CHECK(counts.total() == 9);
    CHECK(ok(open_ok(":memory:").counts()).total() == 0);

    std::vector<std::string> due;
    for (const auto& r : ok(l.due_for_lookup(now, 24h))) {
        due.push_back(r.name);
    }
    CHECK(due == std::vector<std::string>{"n-failed-due", "n-owned-old", "n-pending", "n-reserved-old"});

    std::vector<std::string> failed;
    for (const auto& r : ok(l.list(NameState::failed))) {
        failed.push_back(r.name);
    }
    CHECK(failed == std::vector<std::string>{"n-failed-due", "n-failed-later"});
    CHECK(ok(l.list()).size() == 9);
    CHECK(ok(l.list()).front().name == "n-blocked");
}

TEST_CASE("a free name waiting for an upload is not looked up again before recheck_after",
          "[ledger][names]") {
    Ledger l = with_names({"n-fresh", "n-waiting", "n-waiting-old", "n-unchecked"});
    const auto now = at("2026-12-04T00:00:00Z");
    const Outcome waiting{
        .state = NameState::pending, .error = "waiting for the upload budget", .checked = true};
    ok(l.apply("n-waiting", waiting, now - 1h));
    ok(l.apply("n-waiting-old", waiting, now - 25h));
    // A pending outcome without a look-up behind it (a rate-limited look-up) stays due.
    ok(l.apply("n-unchecked", Outcome{.state = NameState::pending, .error = "HTTP 429"}, now - 1h));

    std::vector<std::string> due;
    for (const auto& r : ok(l.due_for_lookup(now, 24h))) {
        due.push_back(r.name);
    }
    CHECK(due == std::vector<std::string>{"n-fresh", "n-unchecked", "n-waiting-old"});

    std::vector<std::string> waiting_names;
    for (const auto& r : ok(l.waiting_for_upload(10))) {
        waiting_names.push_back(r.name);
        CHECK(r.state == NameState::pending);
        CHECK(r.last_error == "waiting for the upload budget");
    }
    CHECK(waiting_names == std::vector<std::string>{"n-waiting", "n-waiting-old"});
    CHECK(ok(l.waiting_for_upload(1)).size() == 1);
}

TEST_CASE("upload_slots_available counts what the sliding hour leaves", "[ledger][budget]") {
    Ledger l = open_ok(":memory:");
    const auto now = at("2026-12-04T10:00:00Z");
    CHECK(ok(l.upload_slots_available(now, 3)) == 3);
    CHECK(ok(l.try_take_upload_slot(now - 30min, 3)).has_value());
    CHECK(ok(l.try_take_upload_slot(now - 2h, 3)).has_value());
    CHECK(ok(l.upload_slots_available(now, 3)) == 2);
    CHECK(ok(l.upload_slots_available(now, 0)) == 0);
}
