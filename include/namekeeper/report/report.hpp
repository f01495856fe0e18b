#pragma once

// The JSON and one-line summaries of SPEC.md, "Reports": `status --json`, `reconcile --report FILE`.

#include "namekeeper/ledger/records.hpp"
#include "namekeeper/reconcile/reconciler.hpp"

#include <span>
#include <string>

namespace namekeeper::report {

// {"names": [...], "counts": {...}} for the given records.
[[nodiscard]] std::string status_json(std::span<const ledger::NameRecord> records,
                                      const ledger::StateCounts& counts);

// status_json plus "run" and, in a dry run, "planned".
[[nodiscard]] std::string reconcile_json(const reconcile::RunReport& run,
                                         std::span<const ledger::NameRecord> records,
                                         const ledger::StateCounts& counts);

// The line a person reads at the end of a run: counts, uploads, what waits and why.
[[nodiscard]] std::string summary_line(const reconcile::RunReport& run, const ledger::StateCounts& counts);

// A fixed-width table for `status` without --json.
[[nodiscard]] std::string status_table(std::span<const ledger::NameRecord> records,
                                       const ledger::StateCounts& counts);

} // namespace namekeeper::report
