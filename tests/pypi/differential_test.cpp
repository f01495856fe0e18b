// Differential tests: our PEP 440 / PEP 503 / filename rules against Debian's packaging 23, on
// inputs from a seeded generator. Each test asks packaging_oracle.py once for its whole batch and
// prints how many cases it compared.

#include "namekeeper/pypi/filename.hpp"
#include "namekeeper/pypi/name.hpp"
#include "namekeeper/pypi/stdlib.hpp"
#include "namekeeper/pypi/version.hpp"
#include "pypi/case_generator.hpp"
#include "pypi/oracle.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <iostream>

using namespace namekeeper::pypi;
using namekeeper::test::ask_packaging;
using namekeeper::test::Disagreements;
using namekeeper::test::Rng;
using nlohmann::json;

namespace {

bool is_valid_utf8(std::string_view text) {
    try {
        (void)json(std::string(text)).dump();
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

// `count` distinct-enough inputs from `make`, skipping any a mutation left as broken UTF-8.
std::vector<std::string> generate(std::size_t count, const std::function<std::string()>& make) {
    std::vector<std::string> inputs;
    inputs.reserve(count);
    while (inputs.size() < count) {
        std::string input = make();
        if (is_valid_utf8(input)) {
            inputs.push_back(std::move(input));
        }
    }
    return inputs;
}

std::string as_json(std::string_view text) {
    return json(std::string(text)).dump();
}

void report(std::string_view what, std::size_t compared, const Disagreements& disagreements) {
    std::cout << "differential: " << compared << ' ' << what << " compared, " << disagreements.count()
              << " disagreements\n";
    INFO(disagreements.first_few());
    CHECK(disagreements.count() == 0);
}

} // namespace

TEST_CASE("versions parse and print as packaging's Version does", "[pypi][version][differential]") {
    Rng rng(20260401);
    std::vector<std::string> inputs = generate(6000, [&] { return spelled_version(rng); });
    const auto mutations = generate(4500, [&] { return mutated(rng, spelled_version(rng)); });
    const auto junk = generate(1500, [&] { return junk_version(rng); });
    inputs.insert(inputs.end(), mutations.begin(), mutations.end());
    inputs.insert(inputs.end(), junk.begin(), junk.end());

    std::vector<json> questions;
    for (const std::string& input : inputs) {
        questions.push_back({{"op", "version"}, {"s", input}});
    }
    const std::vector<json> answers = ask_packaging(questions);
    Disagreements disagreements;
    std::size_t valid = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto ours = Version::parse(inputs[i]);
        const json& theirs = answers[i];
        valid += theirs["ok"].get<bool>() ? 1 : 0;
        if (ours.has_value() != theirs["ok"].get<bool>()) {
            disagreements.add(as_json(inputs[i]) + ": packaging " +
                              (theirs["ok"].get<bool>() ? "accepts" : "refuses") + ", we " +
                              (ours ? "accept" : "refuse: " + ours.error()));
        } else if (ours && (ours->to_string() != theirs["str"].get<std::string>() ||
                            ours->is_prerelease() != theirs["pre"].get<bool>())) {
            disagreements.add(as_json(inputs[i]) + ": packaging reads " + theirs.dump() + ", we " +
                              as_json(ours->to_string()) + (ours->is_prerelease() ? " (pre)" : ""));
        }
    }
    std::cout << "differential: " << valid << " of the versions are valid for packaging\n";
    CHECK(valid > 5000);
    CHECK(inputs.size() - valid > 3000);
    report("versions", inputs.size(), disagreements);
}

TEST_CASE("versions order as packaging's Version does", "[pypi][version][differential]") {
    Rng rng(20260402);
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t i = 0; i < 12000; ++i) {
        pairs.push_back(close_version_pair(rng));
    }
    const auto spelled = generate(6000, [&] { return spelled_version(rng); });
    for (std::size_t i = 0; i + 1 < spelled.size(); i += 2) {
        pairs.emplace_back(spelled[i], rng.chance(50) ? spelled[i + 1] : mutated(rng, spelled[i]));
    }
    std::erase_if(pairs, [](const auto& pair) { return !is_valid_utf8(pair.second); });

    std::vector<json> questions;
    for (const auto& [a, b] : pairs) {
        questions.push_back({{"op", "compare"}, {"a", a}, {"b", b}});
    }
    const std::vector<json> answers = ask_packaging(questions);
    Disagreements disagreements;
    std::size_t compared = 0;
    std::size_t equal = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto a = Version::parse(pairs[i].first);
        const auto b = Version::parse(pairs[i].second);
        const json& theirs = answers[i]["cmp"];
        const std::string shown = as_json(pairs[i].first) + " vs " + as_json(pairs[i].second);
        if ((a && b) != !theirs.is_null()) {
            disagreements.add(shown + ": validity differs");
            continue;
        }
        if (theirs.is_null()) {
            continue;
        }
        ++compared;
        const auto order = *a <=> *b;
        const int ours = order < 0 ? -1 : (order > 0 ? 1 : 0);
        equal += ours == 0 ? 1 : 0;
        if (ours != theirs.get<int>() || (*a == *b) != (ours == 0) || ((*b <=> *a) < 0) != (ours > 0)) {
            disagreements.add(shown + ": packaging says " + theirs.dump() + ", we " + std::to_string(ours));
        }
    }
    std::cout << "differential: " << equal << " of the pairs are equal\n";
    CHECK(compared >= 10000);
    CHECK(equal > 3000);
    report("version pairs", compared, disagreements);
}

TEST_CASE("names normalize, validate and match the standard library as PyPI does",
          "[pypi][name][stdlib][differential]") {
    Rng rng(20260403);
    const auto inputs = generate(8000, [&] { return random_name(rng); });
    std::vector<json> questions;
    for (const std::string& input : inputs) {
        questions.push_back({{"op", "name"}, {"s", input}});
    }
    const std::vector<json> answers = ask_packaging(questions);
    Disagreements disagreements;
    std::size_t stdlib = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const json ours{{"normalized", normalize(inputs[i])},
                        {"valid", is_valid_name(inputs[i])},
                        {"stdlib", is_stdlib_name(inputs[i])}};
        stdlib += answers[i]["stdlib"].get<bool>() ? 1 : 0;
        if (ours != answers[i]) {
            disagreements.add(as_json(inputs[i]) + ": packaging " + answers[i].dump() + ", we " +
                              ours.dump());
        }
    }
    std::cout << "differential: " << stdlib << " of the names are standard-library names\n";
    CHECK(stdlib > 500);
    report("names", inputs.size(), disagreements);
}

TEST_CASE("wheel and sdist filenames parse as packaging.utils parses them",
          "[pypi][filename][differential]") {
    Rng rng(20260404);
    const auto wheels = generate(5000, [&] { return wheel_filename(rng); });
    const auto sdists = generate(5000, [&] { return sdist_filename(rng); });
    std::vector<json> questions;
    for (const std::string& input : wheels) {
        questions.push_back({{"op", "wheel"}, {"s", input}});
    }
    for (const std::string& input : sdists) {
        questions.push_back({{"op", "sdist"}, {"s", input}});
    }
    const std::vector<json> answers = ask_packaging(questions);
    Disagreements disagreements;
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < wheels.size(); ++i) {
        json ours{{"ok", false}};
        if (const auto wheel = parse_wheel_filename(wheels[i])) {
            json tags = json::array();
            for (const WheelTag& tag : wheel->tags) {
                tags.push_back(tag.interpreter + "-" + tag.abi + "-" + tag.platform);
            }
            ours = {
                {"ok", true},
                {"name", wheel->name},
                {"version", wheel->version.to_string()},
                {"build", wheel->build ? json::array({wheel->build->number, wheel->build->suffix}) : json()},
                {"tags", tags}};
        }
        accepted += answers[i]["ok"].get<bool>() ? 1 : 0;
        if (ours != answers[i]) {
            disagreements.add(as_json(wheels[i]) + ": packaging " + answers[i].dump() + ", we " +
                              ours.dump());
        }
    }
    for (std::size_t i = 0; i < sdists.size(); ++i) {
        const json& theirs = answers[wheels.size() + i];
        json ours{{"ok", false}};
        if (const auto sdist = parse_sdist_filename(sdists[i])) {
            ours = {{"ok", true}, {"name", sdist->name}, {"version", sdist->version.to_string()}};
        }
        accepted += theirs["ok"].get<bool>() ? 1 : 0;
        if (ours != theirs) {
            disagreements.add(as_json(sdists[i]) + ": packaging " + theirs.dump() + ", we " + ours.dump());
        }
    }
    std::cout << "differential: " << accepted << " of the filenames are accepted by packaging\n";
    CHECK(accepted > 4000);
    report("wheel and sdist filenames", wheels.size() + sdists.size(), disagreements);
}
