#include "namekeeper/ledger/records.hpp"

#include <numeric>

namespace namekeeper::ledger {

namespace {

constexpr std::array<std::string_view, k_state_count> k_state_names{"pending", "reserved", "owned", "taken",
                                                                    "blocked", "ignored",  "failed"};

} // namespace

std::string_view to_string(NameState state) {
    return k_state_names[static_cast<std::size_t>(state)];
}

std::string_view to_string(Risk risk) {
    return risk == Risk::critical ? "critical" : "warning";
}

std::optional<NameState> parse_state(std::string_view text) {
    for (std::size_t i = 0; i < k_state_count; ++i) {
        if (k_state_names[i] == text) {
            return k_all_states[i];
        }
    }
    return std::nullopt;
}

std::optional<Risk> parse_risk(std::string_view text) {
    if (text == "critical") {
        return Risk::critical;
    }
    if (text == "warning") {
        return Risk::warning;
    }
    return std::nullopt;
}

std::int64_t StateCounts::total() const {
    return std::accumulate(by_state.begin(), by_state.end(), std::int64_t{0});
}

} // namespace namekeeper::ledger
