#include "ledger_test_support.hpp"
#include "namekeeper/ledger/time.hpp"

using namespace namekeeper::ledger;
using namespace std::chrono;

TEST_CASE("format_utc spells second-precision UTC ISO-8601", "[ledger][time]") {
    const TimePoint epoch{};
    CHECK(format_utc(epoch) == "1970-01-01T00:00:00Z");
    CHECK(format_utc(epoch + 1s) == "1970-01-01T00:00:01Z");
    CHECK(format_utc(epoch + 1500ms) == "1970-01-01T00:00:01Z");
    CHECK(format_utc(epoch - 500ms) == "1969-12-31T23:59:59Z");
    const auto t = sys_days{year{2026} / December / 4} + 10h + 3s;
    CHECK(format_utc(TimePoint{t}) == "2026-12-04T10:00:03Z");
}

TEST_CASE("parse_utc reads what format_utc writes and nothing else", "[ledger][time]") {
    const auto t = parse_utc("2026-12-04T10:00:03Z");
    REQUIRE(t.has_value());
    CHECK(format_utc(*t) == "2026-12-04T10:00:03Z");
    CHECK(parse_utc("2024-02-29T23:59:59Z").has_value());
    CHECK_FALSE(parse_utc("2023-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_utc("2026-12-04 10:00:03Z").has_value());
    CHECK_FALSE(parse_utc("2026-12-04T10:00:03").has_value());
    CHECK_FALSE(parse_utc("2026-12-04T24:00:00Z").has_value());
    CHECK_FALSE(parse_utc("2026-12-04T10:00:03.5Z").has_value());
    CHECK_FALSE(parse_utc("").has_value());
}

TEST_CASE("state and risk names round-trip", "[ledger][time]") {
    for (NameState s : k_all_states) {
        CHECK(parse_state(to_string(s)) == s);
    }
    CHECK(to_string(NameState::failed) == "failed");
    CHECK_FALSE(parse_state("free").has_value());
    CHECK(parse_risk("critical") == Risk::critical);
    CHECK(to_string(Risk::warning) == "warning");
    CHECK_FALSE(parse_risk("high").has_value());
}
