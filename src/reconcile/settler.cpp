#include "namekeeper/reconcile/settler.hpp"

#include "namekeeper/placeholder/placeholder.hpp"
#include "namekeeper/pypi/stdlib.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace namekeeper::reconcile {
namespace {

using ledger::NameState;
using ledger::Outcome;

constexpr std::chrono::minutes k_claim_lease{10};

bool settled(NameState state) {
    return state != NameState::pending && state != NameState::failed;
}

std::string planned_action(const Outcome& outcome) {
    switch (outcome.state) {
    case NameState::taken:
        return "alert";
    case NameState::reserved:
    case NameState::owned:
        return "record";
    case NameState::blocked:
        return "block";
    case NameState::ignored:
        return "ignore";
    case NameState::pending:
        return "wait";
    case NameState::failed:
        return "retry";
    }
    return "record";
}

} // namespace

Settler::Settler(Services services, DryRun dry_run) : m_services(std::move(services)), m_dry_run(dry_run) {}

KnownProjects& Settler::known() {
    if (!m_known) {
        m_known.emplace();
        for (const auto state : {NameState::owned, NameState::reserved, NameState::taken}) {
            if (auto records = m_services.ledger.list(state)) {
                for (const auto& r : *records) {
                    m_known->add(r.name);
                }
            }
        }
    }
    return *m_known;
}

void Settler::plan(RunState& run, const std::string& name, std::string action, std::string detail) {
    run.planned.push_back({name, std::move(action), std::move(detail)});
}

void Settler::apply_outcome(const std::string& name, const Outcome& outcome, RunState& run, ApplyWhen when) {
    if (outcome.state == NameState::failed) {
        ++run.failed;
        run.failures.push_back(fmt::format("{}: {}", name, outcome.error.value_or("failed")));
    }
    if (m_dry_run == DryRun::yes) {
        plan(run, name, planned_action(outcome), outcome.reason.value_or(outcome.error.value_or("")));
        return;
    }
    const auto now = m_services.now();
    ledger::Result<ledger::ApplyResult> applied;
    if (when == ApplyWhen::always) {
        applied = m_services.ledger.apply(name, outcome, now);
    } else if (auto conditional = m_services.ledger.apply_if_unsettled(name, outcome, now); !conditional) {
        applied = std::unexpected(std::move(conditional.error()));
    } else {
        applied = conditional->value_or(ledger::ApplyResult{}); // settled meanwhile: nothing written
    }
    if (!applied) {
        spdlog::error("{}: could not record {}: {}", name, ledger::to_string(outcome.state),
                      applied.error().message);
        run.failures.push_back(fmt::format("{}: {}", name, applied.error().message));
        return;
    }
    if (applied->state_changed) {
        spdlog::info("{}: {}{}{}", name, ledger::to_string(outcome.state),
                     outcome.reason ? " (" + *outcome.reason + ")" : "",
                     outcome.risk ? fmt::format(" risk {}", ledger::to_string(*outcome.risk)) : "");
    }
}

void Settler::settle(std::span<const ledger::NameRecord> names, RunState& run) {
    const auto& config = m_services.config;

    // 1. What needs no request: ignored names and names PyPI would refuse as invalid.
    std::vector<const ledger::NameRecord*> remote;
    for (const auto& record : names) {
        if (auto local = settle_locally(record.display_name, config.policy.ignore)) {
            record_local(record, *local, run);
            continue;
        }
        remote.push_back(&record);
    }

    // 2. Look the rest up, concurrently.
    std::vector<std::string> keys;
    keys.reserve(remote.size());
    for (const auto* record : remote) {
        keys.push_back(record->name);
    }
    const auto results = m_services.index.look_up_all(keys);
    // Every held name of this batch counts for the "too similar" check, whatever its place in it.
    for (std::size_t i = 0; i < remote.size(); ++i) {
        if (results[i] && results[i]->has_value()) {
            known().add(remote[i]->name);
        }
    }

    // 3. Held names are recorded; free ones are reserved unless PyPI would refuse them anyway.
    for (std::size_t i = 0; i < remote.size(); ++i) {
        const auto& record = *remote[i];
        const auto& result = results[i];
        if (!result) {
            const auto state = result.error().rate_limited ? NameState::pending : NameState::failed;
            apply_outcome(record.name, Outcome{.state = state, .error = result.error().message}, run);
        } else if (result->has_value()) {
            apply_outcome(record.name,
                          classify_held(**result, record.internal_version, config.pypi, config.placeholder),
                          run);
        } else if (pypi::is_stdlib_name(record.name)) {
            apply_outcome(record.name, Outcome{.state = NameState::blocked, .reason = "stdlib"}, run);
        } else if (known().too_similar(record.name)) {
            apply_outcome(record.name, Outcome{.state = NameState::blocked, .reason = "too-similar"}, run);
        } else {
            reserve(record, run);
        }
    }
}

void Settler::record_local(const ledger::NameRecord& record, const Outcome& outcome, RunState& run) {
    if (record.state == outcome.state && record.reason == outcome.reason) {
        return; // nothing new: no event, no write
    }
    apply_outcome(record.name, outcome, run);
}

std::optional<std::string> Settler::why_not_upload(RunState& run) {
    if (run.auth_failed) {
        return "uploads stopped for this run: the index refused the upload credential";
    }
    if (run.rate_limited) {
        return "uploads stopped for this run: the index is rate-limiting new projects (HTTP 429)";
    }
    if (run.max_new && run.uploads >= *run.max_new) {
        return fmt::format("waiting: --max-new {} reached in this run", *run.max_new);
    }
    return std::nullopt;
}

void Settler::reserve(const ledger::NameRecord& record, RunState& run) {
    const auto& config = m_services.config;
    auto& ledger = m_services.ledger;
    const std::string& name = record.name;
    if (m_dry_run == DryRun::yes) {
        plan(run, name, "reserve", fmt::format("upload {} {}", name, config.placeholder.version));
        return;
    }
    if (const auto why = why_not_upload(run)) {
        apply_outcome(name, Outcome{.state = NameState::pending, .error = *why, .checked = true}, run);
        return;
    }
    const auto now = m_services.now();
    // Once this run found the budget spent, a read tells whether a slot came free since: without one,
    // the name waits as it would after a refused slot, without taking and releasing a claim.
    if (run.budget_exhausted) {
        if (auto slots = ledger.upload_slots_available(now, config.pypi.max_new_projects_per_hour);
            slots && *slots <= 0) {
            // No claim held: the ledger checks in the same transaction that nobody settled it since.
            apply_outcome(name, wait_for_budget(now), run, ApplyWhen::unsettled);
            return;
        }
    }
    // Another process (the webhook service or a parallel run) may be settling it right now.
    const auto claimed = ledger.try_claim(name, m_services.claim_owner, now, k_claim_lease);
    if (!claimed || !*claimed) {
        spdlog::info("{}: another namekeeper process is settling it; skipped", name);
        return;
    }
    const auto release = [&] {
        if (auto r = ledger.release_claim(name, m_services.claim_owner); !r) {
            spdlog::warn("{}: could not release the claim: {}", name, r.error().message);
        }
    };
    if (auto current = ledger.get(name); current && *current && settled((*current)->state)) {
        release();
        return; // settled by someone else since our look-up
    }
    const auto slot = ledger.try_take_upload_slot(now, config.pypi.max_new_projects_per_hour);
    if (!slot || !*slot) {
        run.budget_exhausted = true;
        apply_outcome(name, wait_for_budget(now), run);
        release();
        return;
    }
    upload_placeholders(record, **slot, run);
    release();
}

Outcome Settler::wait_for_budget(ledger::TimePoint now) {
    const int limit = m_services.config.pypi.max_new_projects_per_hour;
    if (limit <= 0) {
        return Outcome{.state = NameState::pending,
                       .error = "waiting: uploads are disabled (pypi.max_new_projects_per_hour is 0)",
                       .checked = true};
    }
    const auto next = m_services.ledger.next_upload_slot_at(now, limit);
    return Outcome{.state = NameState::pending,
                   .error =
                       fmt::format("waiting for the upload budget ({} new projects an hour); next slot at {}",
                                   limit, next ? ledger::format_utc(*next) : std::string("unknown")),
                   .checked = true};
}

void Settler::upload_placeholders(const ledger::NameRecord& record, ledger::UploadSlot slot, RunState& run) {
    const auto& config = m_services.config;
    auto& ledger = m_services.ledger;
    const std::string& name = record.name;
    const auto give_back_slot = [&] {
        if (auto r = ledger.return_upload_slot(slot); !r) {
            spdlog::warn("could not return an upload slot: {}", r.error().message);
        }
    };
    const auto metadata = placeholder::make_metadata(name, config.placeholder);
    auto files = metadata ? placeholder::build_placeholders(name, config.placeholder)
                          : std::unexpected(metadata.error());
    if (!files) {
        give_back_slot();
        apply_outcome(name, Outcome{.state = NameState::failed, .error = files.error().message}, run);
        return;
    }
    bool created = false;
    for (const auto& file : *files) {
        const auto result = m_services.uploader.upload(
            {file.filename, file.bytes, placeholder::upload_fields(file, *metadata)});
        const char* outcome_text = index::to_string(result.outcome);
        if (m_services.on_upload) {
            m_services.on_upload(outcome_text);
        }
        if (auto r = ledger.record_upload(name, file.filename, file.sha256, outcome_text, m_services.now());
            !r) {
            spdlog::error("{}: could not record the upload of {}: {}", name, file.filename,
                          r.error().message);
        }
        spdlog::info("{}: upload of {} -> {} ({})", name, file.filename, outcome_text, result.message);
        if (result.outcome == index::UploadOutcome::accepted) {
            created = true;
            continue;
        }
        if (created) {
            // The project exists and is ours; a missing second format is worth a warning, not a state.
            spdlog::warn("{}: {} was not accepted ({}); the name is held by the earlier file", name,
                         file.filename, result.message);
            break;
        }
        if (result.outcome != index::UploadOutcome::unavailable) {
            give_back_slot(); // the index created nothing
        }
        handle_refusal(record, result, run);
        return;
    }
    ++run.uploads;
    apply_outcome(name,
                  Outcome{.state = NameState::reserved,
                          .public_version = metadata->version,
                          .owners = config.pypi.owners},
                  run);
}

void Settler::handle_refusal(const ledger::NameRecord& record, const index::UploadResult& result,
                             RunState& run) {
    using index::UploadOutcome;
    const std::string& name = record.name;
    switch (result.outcome) {
    case UploadOutcome::too_similar:
    case UploadOutcome::prohibited:
    case UploadOutcome::stdlib:
    case UploadOutcome::invalid_name:
        apply_outcome(name, Outcome{.state = NameState::blocked, .reason = index::to_string(result.outcome)},
                      run);
        return;
    case UploadOutcome::file_exists:
    case UploadOutcome::not_allowed:
        look_up_again(record, run); // someone (perhaps our crashed run) holds it now
        return;
    case UploadOutcome::auth_failed:
        if (!run.auth_failed) {
            run.auth_failed = true;
            spdlog::error("the index refused the upload credential ({}); no more uploads in this run",
                          result.message);
            const nlohmann::json payload{
                {"event", "upload.auth_failed"}, {"status", result.status}, {"message", result.message}};
            if (auto r = m_services.ledger.enqueue_run_notification("upload.auth_failed", payload.dump(),
                                                                    m_services.now());
                !r) {
                spdlog::error("could not queue the notification: {}", r.error().message);
            }
        }
        apply_outcome(
            name, Outcome{.state = NameState::pending, .error = *why_not_upload(run), .checked = true}, run);
        return;
    case UploadOutcome::rate_limited:
        run.rate_limited = true;
        spdlog::warn("the index is rate-limiting new projects ({}); the rest wait for the next run",
                     result.message);
        apply_outcome(
            name, Outcome{.state = NameState::pending, .error = *why_not_upload(run), .checked = true}, run);
        return;
    default:
        apply_outcome(name,
                      Outcome{.state = NameState::failed,
                              .error = fmt::format("upload refused: {} {}", result.status, result.message)},
                      run);
        return;
    }
}

void Settler::look_up_again(const ledger::NameRecord& record, RunState& run) {
    const auto result = m_services.index.look_up(record.name);
    if (result && result->has_value()) {
        known().add(record.name);
        apply_outcome(record.name,
                      classify_held(**result, record.internal_version, m_services.config.pypi,
                                    m_services.config.placeholder),
                      run);
        return;
    }
    const std::string why =
        result ? "the index refused the upload but shows no such project" : result.error().message;
    apply_outcome(record.name, Outcome{.state = NameState::failed, .error = why}, run);
}

} // namespace namekeeper::reconcile
