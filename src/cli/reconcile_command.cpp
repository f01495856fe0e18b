#include "cli/commands.hpp"
#include "cli/runtime.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "namekeeper/reconcile/reconciler.hpp"
#include "namekeeper/report/report.hpp"
#include "namekeeper/util/file_lock.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace namekeeper::cli {
namespace {

// Writes the report next to its final place, then renames it: a reader never sees half a file.
bool write_atomically(const std::filesystem::path& path, const std::string& text) {
    const auto temporary = std::filesystem::path(path.string() + ".tmp");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) {
            return false;
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    return !error;
}

bool any_critical(const std::vector<ledger::NameRecord>& records) {
    return std::ranges::any_of(records, [](const auto& r) {
        return r.state == ledger::NameState::taken && r.risk == ledger::Risk::critical;
    });
}

} // namespace

int run_reconcile(const config::Config& config, const ReconcileArgs& args) {
    const auto dry_run = args.dry_run ? reconcile::DryRun::yes : reconcile::DryRun::no;

    // One reconcile at a time per ledger (a timer run and a cron run must not overlap). The webhook
    // service shares the ledger through claims, not through this lock.
    std::optional<util::FileLock> lock;
    if (dry_run == reconcile::DryRun::no) {
        std::error_code ignored;
        std::filesystem::create_directories(config.ledger.path.parent_path(), ignored);
        auto acquired = util::FileLock::try_acquire(config.ledger.path.string() + ".lock");
        if (!acquired) {
            std::cerr << "namekeeper: " << acquired.error() << "; this run does nothing\n";
            return k_exit_failed;
        }
        lock.emplace(std::move(*acquired));
    }

    // A dry run reads the ledger if there is one, and otherwise plans against an empty one.
    const bool no_ledger_yet =
        dry_run == reconcile::DryRun::yes && !std::filesystem::exists(config.ledger.path);
    auto ledger = no_ledger_yet ? ledger::Ledger::open(":memory:", "reconcile")
                                : ledger::Ledger::open(config.ledger.path, "reconcile",
                                                       {.access = dry_run == reconcile::DryRun::yes
                                                                      ? ledger::Access::read_only
                                                                      : ledger::Access::read_write});
    if (!ledger) {
        std::cerr << "namekeeper: " << ledger.error().message << "\n";
        return k_exit_failed;
    }

    Runtime runtime(config);
    reconcile::Services services{
        config, *ledger, runtime.index, runtime.uploader, "reconcile:" + std::to_string(::getpid()), [] {
            return ledger::Clock::now();
        }};
    reconcile::Reconciler reconciler(services, runtime.artifactory, runtime.notifier);
    const auto report = reconciler.run(
        {.mode = args.full ? reconcile::ListingMode::full : reconcile::ListingMode::incremental,
         .dry_run = dry_run,
         .repositories = args.repositories,
         .max_new = args.max_new});

    // Every record is read only for --report: at 40,000 names they would double the peak memory.
    auto records = args.report.empty() ? ledger::Result<std::vector<ledger::NameRecord>>{} : ledger->list();
    auto counts = ledger->counts();
    if (!records || !counts) {
        std::cerr << "namekeeper: " << (!records ? records.error().message : counts.error().message) << "\n";
        return k_exit_failed;
    }
    if (!args.report.empty() &&
        !write_atomically(args.report, report::reconcile_json(report, *records, *counts))) {
        std::cerr << "namekeeper: cannot write the report " << args.report.string() << "\n";
        return k_exit_failed;
    }
    std::cout << report::summary_line(report, *counts) << "\n";
    for (const auto& failure : report.run.failures) {
        spdlog::warn("failed: {}", failure);
    }

    if (args.fail_on_risk) {
        // Only the taken names: the whole ledger is loaded for --report alone (memory at scale).
        const auto taken = ledger->list(ledger::NameState::taken);
        if (!taken) {
            std::cerr << "namekeeper: " << taken.error().message << "\n";
            return k_exit_failed;
        }
        if (any_critical(*taken)) {
            return k_exit_risk;
        }
    }
    const bool failed = !report.listing_errors.empty() || report.run.failed > 0 || report.run.auth_failed ||
                        !report.run.failures.empty();
    return failed ? k_exit_failed : k_exit_ok;
}

} // namespace namekeeper::cli
