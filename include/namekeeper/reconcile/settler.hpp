#pragma once

// Settles names: the part of the job that the batch reconcile and the webhook worker share.
//
// For a batch of names from the ledger: settle what needs no request (ignored, invalid), look the
// rest up on the public index concurrently, record held names as owned/reserved/taken, and reserve
// each free one by uploading the placeholder — within the hourly budget and the run's --max-new,
// under a ledger claim so that two processes never upload the same name. A name is recorded
// `reserved` only after the index accepted the upload; a crash between the upload and the ledger
// write leaves it pending, and the next look-up finds our placeholder there and records `reserved`.

#include "namekeeper/config/config.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "namekeeper/reconcile/classify.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace namekeeper::reconcile {

enum class DryRun { no, yes };

// What a dry run would do with a name.
struct PlannedAction {
    std::string name;
    std::string action; // reserve | alert | record | block | ignore | wait | retry
    std::string detail;
};

// The run-wide state that outlives one batch: uploads stop for the whole run after an auth failure
// or a rate limit.
struct RunState {
    std::optional<int> max_new;         // --max-new: uploads of new projects left in this run
    int uploads = 0;                    // new projects created in this run
    int failed = 0;                     // names that ended failed in this run
    bool auth_failed = false;           // the upload credential was refused
    bool rate_limited = false;          // the index answered 429 to an upload
    bool budget_exhausted = false;      // the hourly budget ran out during this run
    std::vector<PlannedAction> planned; // dry run only
    std::vector<std::string> failures;  // one line per failed name or request, for the summary
};

struct Services {
    const config::Config& config;
    ledger::Ledger& ledger;
    index::PublicIndex& index;
    index::Uploader& uploader;
    std::string claim_owner;                // unique per process, e.g. "reconcile:<pid>"
    std::function<ledger::TimePoint()> now; // the clock (tests may pin it)
    std::function<void(std::string_view outcome)> on_upload = {}; // for metrics: each upload's outcome
};

class Settler {
public:
    Settler(Services services, DryRun dry_run);

    // Settles `names` (ledger records; a dry run may pass records not yet in the ledger).
    void settle(std::span<const ledger::NameRecord> names, RunState& run);

private:
    void reserve(const ledger::NameRecord& record, RunState& run);
    [[nodiscard]] ledger::Outcome wait_for_budget(ledger::TimePoint now);
    void upload_placeholders(const ledger::NameRecord& record, ledger::UploadSlot slot, RunState& run);
    void handle_refusal(const ledger::NameRecord& record, const index::UploadResult& result, RunState& run);
    void record_local(const ledger::NameRecord& record, const ledger::Outcome& outcome, RunState& run);
    enum class ApplyWhen { always, unsettled };
    void apply_outcome(const std::string& name, const ledger::Outcome& outcome, RunState& run,
                       ApplyWhen when = ApplyWhen::always);
    void look_up_again(const ledger::NameRecord& record, RunState& run);
    [[nodiscard]] std::optional<std::string> why_not_upload(RunState& run);
    void plan(RunState& run, const std::string& name, std::string action, std::string detail);
    [[nodiscard]] KnownProjects& known();

    Services m_services;
    DryRun m_dry_run;
    std::optional<KnownProjects> m_known; // loaded from the ledger on first need
};

} // namespace namekeeper::reconcile
