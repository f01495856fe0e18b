// The ledger calls the batch reconciler uses at scale: due names a page at a time, and an outcome
// recorded only while no other process has settled the name.

#include "ledger_test_support.hpp"

using namespace namekeeper::ledger;
using namespace namekeeper::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> names_of(const std::vector<NameRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) {
        out.push_back(r.name);
    }
    return out;
}

} // namespace

TEST_CASE("due names come a page at a time, in the order of the whole list", "[ledger]") {
    Ledger l = open_ok(":memory:", "reconcile");
    std::vector<SeenName> batch;
    for (const char* name : {"acme-e", "acme-a", "acme-d", "acme-b", "acme-c", "acme-f", "acme-g"}) {
        batch.push_back(seen(name, "pypi-local"));
    }
    ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    // Not due: blocked, and a free name looked up an hour ago that waits for the budget.
    ok(l.apply("acme-c", Outcome{NameState::blocked, "stdlib", {}, {}, {}, {}}, at("2026-12-04T10:00:01Z")));
    ok(l.apply("acme-f", Outcome{.state = NameState::pending, .error = "waiting", .checked = true},
               at("2026-12-04T10:00:01Z")));
    const auto now = at("2026-12-04T11:00:00Z");

    const auto whole = names_of(ok(l.due_for_lookup(now, 24h)));
    CHECK(whole == std::vector<std::string>{"acme-a", "acme-b", "acme-d", "acme-e", "acme-g"});
    std::vector<std::string> paged;
    std::string after;
    std::vector<std::size_t> sizes;
    while (true) {
        const auto page = ok(l.due_for_lookup(now, 24h, after, 2));
        sizes.push_back(page.size());
        if (page.empty()) {
            break;
        }
        for (const auto& name : names_of(page)) {
            paged.push_back(name);
        }
        after = page.back().name;
    }
    CHECK(paged == whole);
    CHECK(sizes == std::vector<std::size_t>{2, 2, 1, 0});
}

TEST_CASE("apply_if_unsettled writes nothing once another process settled the name", "[ledger]") {
    Ledger l = open_ok(":memory:", "reconcile");
    ok(l.record_seen(std::vector<SeenName>{seen("acme-a", "pypi-local"), seen("acme-b", "pypi-local")},
                     at("2026-12-04T10:00:00Z"), dotted_less));
    const Outcome waiting{
        .state = NameState::pending, .error = "waiting for the upload budget", .checked = true};

    const auto applied = ok(l.apply_if_unsettled("acme-a", waiting, at("2026-12-04T10:00:01Z")));
    REQUIRE(applied.has_value());
    CHECK_FALSE(applied->state_changed);
    const auto a = ok(l.get("acme-a"));
    CHECK(a->last_error == "waiting for the upload budget");
    CHECK(a->checked_at == at("2026-12-04T10:00:01Z"));

    const Outcome reserved{NameState::reserved, {}, {}, "0.0.0", {"acme-security"}, {}};
    ok(l.apply("acme-b", reserved, at("2026-12-04T10:00:02Z")));
    const auto events_before = ok(l.events("acme-b")).size();
    CHECK_FALSE(ok(l.apply_if_unsettled("acme-b", waiting, at("2026-12-04T10:00:03Z"))).has_value());
    const auto b = ok(l.get("acme-b"));
    CHECK(b->state == NameState::reserved);
    CHECK_FALSE(b->last_error.has_value());
    CHECK(ok(l.events("acme-b")).size() == events_before);

    const auto unknown = l.apply_if_unsettled("acme-z", waiting, at("2026-12-04T10:00:04Z"));
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().kind == LedgerErrorKind::unknown_name);
}
