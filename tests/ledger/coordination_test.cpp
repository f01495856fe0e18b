#include "ledger_test_support.hpp"
#include "support/temp_dir.hpp"

#include <atomic>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace namekeeper::ledger;
using namespace namekeeper::test;
using namespace std::chrono_literals;

TEST_CASE("notifications are marked sent, or failed and kept", "[ledger][outbox]") {
    Ledger l = open_ok(":memory:", "reconcile");
    const std::vector<SeenName> batch{seen("acme-a", "pypi-local"), seen("acme-b", "pypi-local")};
    ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    const Outcome reserved{NameState::reserved, {}, {}, "0.0.0", {"acme-security"}, {}};
    ok(l.apply("acme-a", reserved, at("2026-12-04T10:00:01Z")));
    ok(l.apply("acme-b", reserved, at("2026-12-04T10:00:02Z")));
    const auto run_id = ok(l.enqueue_run_notification(
        "upload.auth_failed", R"({"event": "upload.auth_failed"})", at("2026-12-04T10:00:03Z")));

    auto pending = ok(l.pending_notifications());
    REQUIRE(pending.size() == 3);
    CHECK(pending[2].id == run_id);
    CHECK(pending[2].event == "upload.auth_failed");
    CHECK_FALSE(pending[2].name.has_value());
    CHECK(pending[2].created_at == at("2026-12-04T10:00:03Z"));

    ok(l.mark_notification_sent(pending[0].id, at("2026-12-04T10:01:00Z")));
    ok(l.mark_notification_failed(pending[1].id, at("2026-12-04T10:01:00Z"), "Slack answered 500"));
    ok(l.mark_notification_failed(pending[1].id, at("2026-12-04T10:02:00Z"), "Slack answered 503"));
    pending = ok(l.pending_notifications());
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].name == "acme-b");
    CHECK(pending[0].attempts == 2);
    CHECK(pending[0].last_error == "Slack answered 503");
    CHECK(ok(l.events("acme-a")).back().kind == "notification");
    CHECK(ok(l.events("acme-b")).back().kind == "notification_failed");

    // Run-level notifications are not deduplicated: the caller enqueues once per run.
    CHECK(ok(l.enqueue_run_notification("upload.auth_failed", "{}", at("2026-12-05T10:00:00Z"))) != run_id);

    const auto not_json = l.enqueue_run_notification("upload.auth_failed", "{", at("2026-12-05T10:00:00Z"));
    REQUIRE_FALSE(not_json.has_value());
    CHECK(not_json.error().message == "ledger :memory:: notification payload is not JSON");
    const auto unknown = l.mark_notification_sent(999, at("2026-12-05T10:00:00Z"));
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().message == "ledger :memory: has no notification 999");
}

TEST_CASE("the upload budget is a sliding hour shared by every connection", "[ledger][budget]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    Ledger a = open_ok(path, "reconcile");
    Ledger b = open_ok(path, "serve");
    const auto t0 = at("2026-12-04T10:00:00Z");

    CHECK(ok(a.next_upload_slot_at(t0, 2)) == t0);
    const auto first = ok(a.try_take_upload_slot(t0, 2));
    REQUIRE(first.has_value());
    REQUIRE(ok(b.try_take_upload_slot(t0 + 10min, 2)).has_value());
    CHECK_FALSE(ok(a.try_take_upload_slot(t0 + 20min, 2)).has_value());
    CHECK_FALSE(ok(b.try_take_upload_slot(t0 + 20min, 2)).has_value());
    CHECK(ok(b.next_upload_slot_at(t0 + 20min, 2)) == t0 + 1h);
    CHECK(ok(b.next_upload_slot_at(t0 + 20min, 1)) == t0 + 10min + 1h);
    CHECK(ok(b.next_upload_slot_at(t0, 0)) == TimePoint::max());

    SECTION("a slot whose upload created no project is given back") {
        ok(a.return_upload_slot(*first));
        CHECK(ok(b.try_take_upload_slot(t0 + 20min, 2)).has_value());
    }
    SECTION("slots free up an hour after they were taken") {
        CHECK(ok(b.try_take_upload_slot(t0 + 1h, 2)).has_value());
        CHECK_FALSE(ok(a.try_take_upload_slot(t0 + 1h, 2)).has_value());
        CHECK(ok(a.try_take_upload_slot(t0 + 1h + 10min, 2)).has_value());
    }
}

TEST_CASE("concurrent threads never overspend the budget", "[ledger][budget]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    { Ledger created = open_ok(path); }
    std::atomic<int> taken{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto l = Ledger::open(path, "thread");
            if (!l) {
                std::fprintf(stderr, "open: %s\n", l.error().message.c_str());
                ++errors;
                return;
            }
            for (int j = 0; j < 10; ++j) {
                auto slot = l->try_take_upload_slot(at("2026-12-04T10:00:00Z"), 7);
                if (!slot) {
                    ++errors;
                } else if (slot->has_value()) {
                    ++taken;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(errors == 0);
    CHECK(taken == 7);
}

TEST_CASE("watermarks remember the last listing of each repository", "[ledger][watermark]") {
    Ledger l = open_ok(":memory:");
    CHECK(ok(l.watermark("pypi-local")) == std::nullopt);
    ok(l.set_watermark("pypi-local", "2026-12-01T08:00:00.000Z", ListingKind::full,
                       at("2026-12-01T09:00:00Z")));
    ok(l.set_watermark("pypi-local", "2026-12-04T08:00:00.000Z", ListingKind::incremental,
                       at("2026-12-04T09:00:00Z")));
    auto w = ok(l.watermark("pypi-local"));
    REQUIRE(w.has_value());
    CHECK(w->repository == "pypi-local");
    CHECK(w->max_created == "2026-12-04T08:00:00.000Z");
    CHECK(w->last_listing_at == at("2026-12-04T09:00:00Z"));
    CHECK(w->last_full_listing_at == at("2026-12-01T09:00:00Z"));

    ok(l.set_watermark("pypi-local", std::nullopt, ListingKind::incremental, at("2026-12-05T09:00:00Z")));
    w = ok(l.watermark("pypi-local"));
    CHECK(w->max_created == "2026-12-04T08:00:00.000Z");
    CHECK(w->last_listing_at == at("2026-12-05T09:00:00Z"));
    CHECK(ok(l.watermark("pypi-team")) == std::nullopt);
}

TEST_CASE("the webhook queue holds each name once and survives reopening and a kill", "[ledger][queue]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    {
        Ledger l = open_ok(path, "serve");
        CHECK(ok(l.next_queued()) == std::nullopt);
        CHECK(ok(l.enqueue("acme-b", "pypi-local", "acme-b/1.0/acme_b-1.0.tar.gz",
                           at("2026-12-04T10:00:00Z"))) == Enqueued::newly);
        CHECK(ok(l.enqueue("acme-a", "pypi-local", "acme-a/1.0/acme_a-1.0.tar.gz",
                           at("2026-12-04T10:00:00Z"))) == Enqueued::newly);
        CHECK(ok(l.enqueue("acme-b", "pypi-team", "acme-b/1.1/acme_b-1.1.tar.gz",
                           at("2026-12-04T10:00:01Z"))) == Enqueued::already);
        CHECK(ok(l.queue_depth()) == 2);
    }
    // A process that enqueues and dies without closing: the row was committed before enqueue returned.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto l = Ledger::open(path, "serve");
        const bool queued =
            l && l->enqueue("acme-c", "pypi-local", "acme-c/1.0/c.whl", at("2026-12-04T10:00:02Z"));
        ::_exit(queued ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    Ledger l = open_ok(path, "serve");
    CHECK(ok(l.queue_depth()) == 3);
    auto next = ok(l.next_queued());
    REQUIRE(next.has_value());
    CHECK(next->name == "acme-b");
    CHECK(next->repository == "pypi-local");
    CHECK(next->path == "acme-b/1.0/acme_b-1.0.tar.gz");
    CHECK(next->queued_at == at("2026-12-04T10:00:00Z"));
    ok(l.dequeue("acme-b"));
    CHECK(ok(l.next_queued())->name == "acme-a");
    ok(l.dequeue("acme-a"));
    ok(l.dequeue("acme-a"));
    CHECK(ok(l.next_queued())->name == "acme-c");
    CHECK(ok(l.queue_depth()) == 1);
}

TEST_CASE("a claim belongs to one owner until released or expired", "[ledger][claims]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    Ledger serve = open_ok(path, "serve");
    Ledger timer = open_ok(path, "reconcile");
    const auto t0 = at("2026-12-04T10:00:00Z");

    CHECK(ok(serve.try_claim("acme-utils", "serve-1", t0, 5min)));
    CHECK_FALSE(ok(timer.try_claim("acme-utils", "reconcile-2", t0 + 1min, 5min)));
    CHECK(ok(timer.try_claim("acme-other", "reconcile-2", t0 + 1min, 5min)));
    CHECK(ok(serve.try_claim("acme-utils", "serve-1", t0 + 4min, 5min))); // renewed to t0 + 9 min
    CHECK_FALSE(ok(timer.try_claim("acme-utils", "reconcile-2", t0 + 6min, 5min)));

    SECTION("released") {
        ok(timer.release_claim("acme-utils", "reconcile-2")); // not the holder: no effect
        CHECK_FALSE(ok(timer.try_claim("acme-utils", "reconcile-2", t0 + 6min, 5min)));
        ok(serve.release_claim("acme-utils", "serve-1"));
        CHECK(ok(timer.try_claim("acme-utils", "reconcile-2", t0 + 6min, 5min)));
    }
    SECTION("expired") {
        CHECK(ok(timer.try_claim("acme-utils", "reconcile-2", t0 + 9min, 5min)));
        CHECK_FALSE(ok(serve.try_claim("acme-utils", "serve-1", t0 + 10min, 5min)));
    }
}

TEST_CASE("threads racing for a claim: exactly one wins", "[ledger][claims]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    // No file yet: the threads also race to create and migrate it.
    std::atomic<int> winners{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            auto l = Ledger::open(path, "thread");
            if (!l) {
                std::fprintf(stderr, "open: %s\n", l.error().message.c_str());
                ++errors;
                return;
            }
            auto won =
                l->try_claim("acme-utils", "owner-" + std::to_string(i), at("2026-12-04T10:00:00Z"), 5min);
            if (!won) {
                std::fprintf(stderr, "claim: %s\n", won.error().message.c_str());
                ++errors;
            } else if (*won) {
                ++winners;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(errors == 0);
    CHECK(winners == 1);
}
