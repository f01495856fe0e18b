// How many placeholders namekeeper builds per second, in memory: the wheel alone, and wheel + sdist.
// Prints the median of several runs, and the sizes of the files for acme-utils.
//   bench_placeholder [runs] [placeholders per run]

#include "namekeeper/placeholder/placeholder.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <stdexcept>
#include <vector>

namespace {

using namespace namekeeper;

config::PlaceholderConfig bench_config(std::vector<config::PlaceholderFormat> formats) {
    config::PlaceholderConfig config;
    config.summary = "Reserved name to protect ACME users from dependency confusion";
    config.author = "ACME Security";
    config.author_email = "security@acme.example";
    config.project_url = "https://acme.example/security";
    config.formats = std::move(formats);
    return config;
}

// Placeholders per second over `count` distinct names.
double one_run(const config::PlaceholderConfig& config, int count) {
    std::size_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < count; ++i) {
        const auto files = placeholder::build_placeholders(fmt::format("acme-internal-{}", i), config);
        if (!files) {
            throw std::runtime_error(files.error().message);
        }
        bytes += files->front().bytes.size(); // keeps the work observable
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (bytes == 0) {
        throw std::runtime_error("empty placeholder");
    }
    return count / elapsed.count();
}

double median_rate(const config::PlaceholderConfig& config, int runs, int count) {
    std::vector<double> rates;
    for (int run = 0; run < runs; ++run) {
        rates.push_back(one_run(config, count));
    }
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    const int count = argc > 2 ? std::atoi(argv[2]) : 2000;
    if (runs < 1 || count < 1) {
        fmt::print(stderr, "usage: bench_placeholder [runs >= 1] [placeholders per run >= 1]\n");
        return 2;
    }
    const auto wheel_only = bench_config({config::PlaceholderFormat::wheel});
    const auto both = bench_config({config::PlaceholderFormat::wheel, config::PlaceholderFormat::sdist});

    const auto files = placeholder::build_placeholders("acme-utils", both);
    if (!files) {
        fmt::print(stderr, "{}\n", files.error().message);
        return 1;
    }
    for (const auto& file : *files) {
        fmt::print("{}: {} bytes\n", file.filename, file.bytes.size());
    }
    fmt::print("wheel only:    {:.0f} placeholders/s (median of {} runs of {})\n",
               median_rate(wheel_only, runs, count), runs, count);
    fmt::print("wheel + sdist: {:.0f} placeholders/s (median of {} runs of {})\n",
               median_rate(both, runs, count), runs, count);
    return 0;
}
