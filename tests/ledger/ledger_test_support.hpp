#pragma once

// Shared by the ledger tests: fixed instants, a plain version order, and "this must have worked".

#include "namekeeper/ledger/ledger.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace namekeeper::test {

inline ledger::TimePoint at(const char* iso) {
    auto t = ledger::parse_utc(iso);
    REQUIRE(t.has_value());
    return *t;
}

// Enough of a version order for tests: dotted integers compared numerically.
inline bool dotted_less(std::string_view a, std::string_view b) {
    auto next = [](std::string_view& s) {
        long v = 0;
        while (!s.empty() && s.front() != '.') {
            v = v * 10 + (s.front() - '0');
            s.remove_prefix(1);
        }
        if (!s.empty()) {
            s.remove_prefix(1);
        }
        return v;
    };
    while (!a.empty() || !b.empty()) {
        const long x = next(a);
        const long y = next(b);
        if (x != y) {
            return x < y;
        }
    }
    return false;
}

// Unwraps a Result, failing the test with the ledger's message when it holds an error.
template <typename T> T ok(ledger::Result<T> r) {
    if (!r) {
        FAIL(r.error().message);
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(*r);
    }
}

inline ledger::Ledger open_ok(const std::filesystem::path& path, std::string actor = "test",
                              ledger::OpenOptions options = {}) {
    auto l = ledger::Ledger::open(path, std::move(actor), options);
    if (!l) {
        FAIL(l.error().message);
    }
    return std::move(*l);
}

inline ledger::SeenName seen(std::string name, std::string repo, std::optional<std::string> version = {}) {
    return ledger::SeenName{name, name, std::move(repo), std::move(version), std::nullopt};
}

} // namespace namekeeper::test
