// How long the ledger takes for a large internal index: record_seen of 40,000 names in one
// transaction (first sight, then again as a no-op merge), apply() for each, and the reads a
// report needs. Prints wall-clock figures; asserts nothing.

#include "namekeeper/ledger/ledger.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace namekeeper::ledger;

namespace {

template <typename F> double seconds_for(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename T> T must(Result<T> r) {
    if (!r) {
        fmt::print(stderr, "{}\n", r.error().message);
        std::exit(1);
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(*r);
    }
}

} // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 40'000;
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("namekeeper-bench-{}", ::getpid());
    const auto path = dir / "ledger.sqlite3";
    const auto less = [](std::string_view a, std::string_view b) { return a < b; };
    const TimePoint now = Clock::now();

    std::vector<SeenName> batch;
    batch.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const std::string name = fmt::format("acme-package-{:06}", i);
        batch.push_back(SeenName{name, name, i % 3 == 0 ? "pypi-team" : "pypi-local",
                                 "1.0." + std::to_string(i % 50), std::nullopt});
    }
    Ledger ledger = must(Ledger::open(path, "bench"));
    std::size_t fresh = 0;
    const double first = seconds_for([&] { fresh = must(ledger.record_seen(batch, now, less)).size(); });
    const double again = seconds_for([&] { must(ledger.record_seen(batch, now, less)); });
    const Outcome reserved{NameState::reserved, {}, {}, "0.0.0", {"acme-security"}, {}};
    const double applied = seconds_for([&] {
        for (const SeenName& s : batch) {
            must(ledger.apply(s.name, reserved, now));
        }
    });
    std::size_t listed = 0;
    const double list = seconds_for([&] { listed = must(ledger.list()).size(); });
    const double counts = seconds_for([&] { must(ledger.counts()); });
    const double due = seconds_for([&] { must(ledger.due_for_lookup(now, std::chrono::hours(24))); });

    Ledger memory = must(Ledger::open(":memory:", "bench"));
    const double in_memory = seconds_for([&] { must(memory.record_seen(batch, now, less)); });

    fmt::print("record_seen, {} new names, one transaction: {:.3f} s (in memory, no I/O: {:.3f} s)\n", fresh,
               first, in_memory);
    fmt::print("record_seen, same {} names again (merge, no change): {:.3f} s\n", batch.size(), again);
    fmt::print("apply reserved, {} calls (one transaction each): {:.3f} s ({:.0f} us/call)\n", batch.size(),
               applied, applied * 1e6 / static_cast<double>(batch.size()));
    fmt::print("list {} names: {:.3f} s, counts: {:.4f} s, due_for_lookup: {:.3f} s\n", listed, list, counts,
               due);
    fmt::print("file size: {} KiB\n", std::filesystem::file_size(path) / 1024);
    std::filesystem::remove_all(dir);
    return 0;
}
