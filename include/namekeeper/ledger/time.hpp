#pragma once

// Instants as the ledger stores them: ISO-8601 UTC text with second precision, `2026-12-04T10:00:03Z`.
// Fixed width, so text order is time order and SQL can compare them as strings.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace namekeeper::ledger {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// Truncates to the second (towards the past) and spells it `YYYY-MM-DDTHH:MM:SSZ`.
[[nodiscard]] std::string format_utc(TimePoint t);

// Accepts exactly the form format_utc writes; anything else is nullopt.
[[nodiscard]] std::optional<TimePoint> parse_utc(std::string_view text);

} // namespace namekeeper::ledger
