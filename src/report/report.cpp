#include "namekeeper/report/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace namekeeper::report {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json optional_text(const std::optional<std::string>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json record_json(const ledger::NameRecord& r) {
    return ordered_json{
        {"name", r.name},
        {"state", std::string(ledger::to_string(r.state))},
        {"reason", optional_text(r.reason)},
        {"risk", r.risk ? ordered_json(std::string(ledger::to_string(*r.risk))) : ordered_json(nullptr)},
        {"repositories", r.repositories},
        {"internal_version", optional_text(r.internal_version)},
        {"public_version", optional_text(r.public_version)},
        {"owners", r.owners},
        {"first_seen", ledger::format_utc(r.first_seen)},
        {"updated_at", ledger::format_utc(r.updated_at)},
        {"attempts", r.attempts},
        {"last_error", optional_text(r.last_error)},
        {"mismatch", optional_text(r.mismatch)},
    };
}

ordered_json counts_json(const ledger::StateCounts& counts) {
    ordered_json out = ordered_json::object();
    for (const auto state : ledger::k_all_states) {
        out[std::string(ledger::to_string(state))] = counts[state];
    }
    return out;
}

ordered_json names_document(std::span<const ledger::NameRecord> records, const ledger::StateCounts& counts) {
    ordered_json names = ordered_json::array();
    for (const auto& r : records) {
        names.push_back(record_json(r));
    }
    return ordered_json{{"names", std::move(names)}, {"counts", counts_json(counts)}};
}

} // namespace

std::string status_json(std::span<const ledger::NameRecord> records, const ledger::StateCounts& counts) {
    return names_document(records, counts).dump(2) + "\n";
}

std::string reconcile_json(const reconcile::RunReport& run, std::span<const ledger::NameRecord> records,
                           const ledger::StateCounts& counts) {
    ordered_json doc = names_document(records, counts);
    const bool dry = run.dry_run == reconcile::DryRun::yes;
    doc["run"] = ordered_json{
        {"mode", run.mode == reconcile::ListingMode::full ? "full" : "incremental"},
        {"dry_run", dry},
        {"artifacts", run.artifacts},
        {"names", run.names},
        {"new_names", run.new_names},
        {"looked_up", run.looked_up},
        {"uploads", run.run.uploads},
        {"failed", run.run.failed},
        {"listing_errors", run.listing_errors},
        {"mismatches", run.mismatches},
        {"uploads_stopped", run.run.auth_failed    ? ordered_json("auth-failed")
                            : run.run.rate_limited ? ordered_json("rate-limited")
                                                   : ordered_json(nullptr)},
        {"next_upload_slot_at", run.next_upload_slot_at
                                    ? ordered_json(ledger::format_utc(*run.next_upload_slot_at))
                                    : ordered_json(nullptr)},
        {"started_at", ledger::format_utc(run.started_at)},
        {"finished_at", ledger::format_utc(run.finished_at)},
    };
    if (dry) {
        ordered_json planned = ordered_json::array();
        for (const auto& p : run.run.planned) {
            planned.push_back({{"name", p.name}, {"action", p.action}, {"detail", p.detail}});
        }
        doc["planned"] = std::move(planned);
    }
    return doc.dump(2) + "\n";
}

std::string summary_line(const reconcile::RunReport& run, const ledger::StateCounts& counts) {
    std::string line =
        fmt::format("namekeeper {}{}: {} artifacts, {} names ({} new), {} looked up, {} uploads",
                    run.mode == reconcile::ListingMode::full ? "full" : "incremental",
                    run.dry_run == reconcile::DryRun::yes ? " dry run" : "", run.artifacts, run.names,
                    run.new_names, run.looked_up, run.run.uploads);
    std::string states;
    for (const auto state : ledger::k_all_states) {
        states += fmt::format("{}{} {}", states.empty() ? "" : ", ", counts[state], ledger::to_string(state));
    }
    line += " | ledger: " + states;
    if (run.run.auth_failed) {
        line += " | UPLOADS STOPPED: the index refused the upload token";
    } else if (run.run.rate_limited) {
        line += " | uploads paused: the index rate-limits new projects";
    } else if (run.run.budget_exhausted && !run.next_upload_slot_at) {
        line += " | free names wait: uploads are disabled (pypi.max_new_projects_per_hour is 0)";
    } else if (run.run.budget_exhausted && run.next_upload_slot_at) {
        line += fmt::format(" | pending names wait for the hourly upload budget; next slot at {}",
                            ledger::format_utc(*run.next_upload_slot_at));
    } else if (run.run.max_new && run.run.uploads >= *run.run.max_new &&
               counts[ledger::NameState::pending] > 0) {
        line += fmt::format(" | --max-new {} reached; the rest wait for the next run", *run.run.max_new);
    }
    if (!run.listing_errors.empty()) {
        line += fmt::format(" | {} listing errors", run.listing_errors.size());
    }
    if (run.notifications.failed > 0) {
        line += fmt::format(" | {} notifications not delivered (retried next run)", run.notifications.failed);
    }
    return line;
}

std::string status_table(std::span<const ledger::NameRecord> records, const ledger::StateCounts& counts) {
    std::string out = fmt::format("{:<40} {:<9} {:<14} {:<12} {:<12} {}\n", "NAME", "STATE", "REASON/RISK",
                                  "INTERNAL", "PUBLIC", "OWNERS");
    for (const auto& r : records) {
        std::string why = r.risk ? std::string(ledger::to_string(*r.risk)) : r.reason.value_or("");
        std::string owners;
        for (const auto& o : r.owners) {
            owners += (owners.empty() ? "" : ",") + o;
        }
        out += fmt::format("{:<40} {:<9} {:<14} {:<12} {:<12} {}\n", r.name, ledger::to_string(r.state), why,
                           r.internal_version.value_or("-"), r.public_version.value_or("-"), owners);
    }
    std::string totals;
    for (const auto state : ledger::k_all_states) {
        totals += fmt::format("{}{} {}", totals.empty() ? "" : ", ", counts[state], ledger::to_string(state));
    }
    return out + totals + "\n";
}

} // namespace namekeeper::report
