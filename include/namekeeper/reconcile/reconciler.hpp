#pragma once

// One reconcile pass (SPEC.md, `reconcile`): list internal artifacts -> record names -> look up ->
// reserve -> notify -> report. Incremental by default: artifacts created since the last successful
// listing of each repository, minus an overlap; a full listing when asked, when a repository has never
// been listed, or when the last full listing is older than policy.full_listing_every.

#include "namekeeper/artifactory/client.hpp"
#include "namekeeper/notify/notifier.hpp"
#include "namekeeper/reconcile/settler.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace namekeeper::reconcile {

enum class ListingMode { incremental, full };

struct ReconcileOptions {
    ListingMode mode = ListingMode::incremental;
    DryRun dry_run = DryRun::no;
    std::vector<std::string> repositories; // --repo; empty: the configured or discovered ones
    std::optional<int> max_new;
};

struct RunReport {
    ListingMode mode = ListingMode::incremental;
    DryRun dry_run = DryRun::no;
    std::size_t artifacts = 0;
    std::size_t names = 0;     // distinct names in this listing
    std::size_t new_names = 0; // names the ledger had not seen
    std::size_t looked_up = 0; // names settled in this run
    std::size_t skipped_paths = 0;
    std::vector<std::string> listing_errors;
    std::vector<std::string> mismatches;
    RunState run;
    ledger::TimePoint started_at;
    ledger::TimePoint finished_at;
    std::optional<ledger::TimePoint> next_upload_slot_at; // when names wait for the budget
    notify::Delivery notifications;
};

class Reconciler {
public:
    Reconciler(Services services, artifactory::Client& artifactory, notify::Notifier& notifier);

    [[nodiscard]] RunReport run(const ReconcileOptions& options);

private:
    [[nodiscard]] ListingMode choose_mode(const ReconcileOptions& options,
                                          const std::vector<std::string>& repos);
    [[nodiscard]] std::vector<std::string> repositories(const ReconcileOptions& options, RunReport& report);
    void list_repository(const std::string& repo, ListingMode mode, RunReport& report);
    void settle_due(Settler& settler, RunReport& report);
    void settle_waiting(Settler& settler, RunReport& report);

    Services m_services;
    artifactory::Client& m_artifactory;
    notify::Notifier& m_notifier;
    std::unordered_map<std::string, ledger::NameRecord> m_unrecorded; // dry run: names not in the ledger
    std::unordered_set<std::string> m_seen;                           // names listed in this run
};

} // namespace namekeeper::reconcile
