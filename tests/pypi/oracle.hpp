#pragma once

// The differential tests' two helpers: a deterministic random source (the same cases on every
// machine, since std:: distributions are implementation-defined) and packaging_oracle.py, asked
// once for a whole batch of questions.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::test {

// splitmix64: small, fast and fully specified.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next();
    // Uniform enough in [0, n) for test generation; n > 0.
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(std::size_t percent) { return below(100) < percent; }
    template <class Container> const auto& pick(const Container& items) {
        return items[below(std::size(items))];
    }

private:
    std::uint64_t m_state;
};

// Runs tests/pypi/packaging_oracle.py with /usr/bin/python3 on one JSON question a line and
// returns its answers in order; fails the test (REQUIRE) when the oracle does not answer each.
std::vector<nlohmann::json> ask_packaging(const std::vector<nlohmann::json>& questions);

// Collects disagreements between our answer and packaging's, keeping the first few for display.
class Disagreements {
public:
    void add(std::string description);
    [[nodiscard]] std::size_t count() const { return m_count; }
    [[nodiscard]] std::string first_few() const;

private:
    std::size_t m_count = 0;
    std::vector<std::string> m_shown;
};

} // namespace namekeeper::test
