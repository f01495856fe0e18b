// How fast the PyPI rules run: names normalized, versions parsed and versions compared per second,
// each the median of several runs over a few hundred thousand generated inputs.

#include "namekeeper/pypi/name.hpp"
#include "namekeeper/pypi/version.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

using namekeeper::pypi::normalize;
using namekeeper::pypi::Version;

constexpr std::size_t k_inputs = 300000;
constexpr int k_runs = 7;

std::uint64_t g_state = 42;
std::uint64_t next_random() { // xorshift64: deterministic inputs
    g_state ^= g_state << 13U;
    g_state ^= g_state >> 7U;
    g_state ^= g_state << 17U;
    return g_state;
}

std::vector<std::string> make_names() {
    static constexpr const char* k_parts[] = {"acme", "Utils", "core", "HTTP", "client", "py", "tools", "x2"};
    static constexpr const char* k_separators[] = {"-", "_", ".", "--", "_."};
    std::vector<std::string> names;
    for (std::size_t i = 0; i < k_inputs; ++i) {
        std::string name = k_parts[next_random() % 8];
        for (std::uint64_t n = next_random() % 4; n > 0; --n) {
            name += k_separators[next_random() % 5];
            name += k_parts[next_random() % 8];
        }
        names.push_back(std::move(name));
    }
    return names;
}

std::vector<std::string> make_versions() {
    static constexpr const char* k_suffixes[] = {"",       "",      "",         "a1",     "rc2",
                                                 ".post1", ".dev3", "+local.7", "b1.dev0"};
    std::vector<std::string> versions;
    for (std::size_t i = 0; i < k_inputs; ++i) {
        std::string version = std::to_string(next_random() % 30);
        for (std::uint64_t n = 1 + next_random() % 3; n > 0; --n) {
            version += '.';
            version += std::to_string(next_random() % 200);
        }
        version += k_suffixes[next_random() % 9];
        versions.push_back(std::move(version));
    }
    return versions;
}

// Median operations per second of `k_runs` runs of `body`, which performs `operations` each.
double median_rate(std::size_t operations, const std::function<void()>& body) {
    std::vector<double> rates;
    for (int run = 0; run < k_runs; ++run) {
        const auto start = std::chrono::steady_clock::now();
        body();
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        rates.push_back(static_cast<double>(operations) / elapsed.count());
    }
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

} // namespace

int main() {
    const std::vector<std::string> names = make_names();
    const std::vector<std::string> texts = make_versions();
    std::size_t sink = 0; // keeps the work observable so that it is not optimized away

    const double normalized = median_rate(names.size(), [&] {
        for (const std::string& name : names) {
            sink += normalize(name).size();
        }
    });

    std::vector<Version> versions;
    versions.reserve(texts.size());
    const double parsed = median_rate(texts.size(), [&] {
        versions.clear();
        for (const std::string& text : texts) {
            if (auto version = Version::parse(text)) {
                versions.push_back(std::move(*version));
            }
        }
    });

    const double compared = median_rate(versions.size() - 1, [&] {
        for (std::size_t i = 0; i + 1 < versions.size(); ++i) {
            sink += (versions[i] < versions[i + 1]) ? 1 : 0;
        }
    });

    std::printf("inputs: %zu names, %zu versions (%zu valid); median of %d runs\n", names.size(),
                texts.size(), versions.size(), k_runs);
    std::printf("names normalized:   %12.0f per second\n", normalized);
    std::printf("versions parsed:    %12.0f per second\n", parsed);
    std::printf("version comparisons: %11.0f per second\n", compared);
    std::printf("(checksum %zu)\n", sink);
    return 0;
}
