#include "namekeeper/reconcile/reconciler.hpp"

#include "namekeeper/pypi/filename.hpp"
#include "namekeeper/pypi/name.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace namekeeper::reconcile {
namespace {

using ledger::NameState;

// Artifactory's clocks and indexing are not instantaneous: an incremental listing starts this long
// before the newest `created` of the previous one. Names seen twice cost nothing.
constexpr std::chrono::hours k_listing_overlap{1};

// How many names are looked up and settled per batch: bounds memory and gives progress lines.
constexpr std::size_t k_settle_batch = 2000;

// `created` as Artifactory writes it (2026-12-01T10:00:00.000Z, or with an offset such as +01:00),
// minus the overlap, in the same form.
std::optional<std::string> listing_start(const std::string& max_created) {
    if (max_created.size() < 19) {
        return std::nullopt;
    }
    const auto base = ledger::parse_utc(max_created.substr(0, 19) + "Z");
    if (!base) {
        return std::nullopt;
    }
    auto t = *base;
    const auto tz = max_created.find_first_of("+-", 19);
    if (tz != std::string::npos && max_created.size() >= tz + 6) {
        const int sign = max_created[tz] == '+' ? 1 : -1;
        const int hours = std::stoi(max_created.substr(tz + 1, 2));
        const int minutes = std::stoi(max_created.substr(tz + 4, 2));
        t -= sign * (std::chrono::hours(hours) + std::chrono::minutes(minutes));
    }
    const std::string utc = ledger::format_utc(t - k_listing_overlap);
    return utc.substr(0, 19) + ".000Z";
}

} // namespace

Reconciler::Reconciler(Services services, artifactory::Client& artifactory, notify::Notifier& notifier)
    : m_services(std::move(services)), m_artifactory(artifactory), m_notifier(notifier) {}

RunReport Reconciler::run(const ReconcileOptions& options) {
    RunReport report;
    report.dry_run = options.dry_run;
    report.started_at = m_services.now();
    report.run.max_new = options.max_new;

    // 1. Which repositories, and whether this pass lists everything or only what is new.
    const auto repos = repositories(options, report);
    report.mode = choose_mode(options, repos);
    spdlog::info("reconcile ({}{}): {} repositories",
                 report.mode == ListingMode::full ? "full" : "incremental",
                 options.dry_run == DryRun::yes ? ", dry run" : "", repos.size());

    // 2. List internal artifacts and record their names: a new name enters the ledger as pending.
    for (const auto& repo : repos) {
        list_repository(repo, report.mode, report);
    }
    report.names = m_seen.size();

    // 3. Look up every name that is due, and reserve the free ones within the budget; then give the
    //    budget that is left to free names that have been waiting for it.
    Settler settler(m_services, options.dry_run);
    settle_due(settler, report);
    settle_waiting(settler, report);

    // 4. Tell people what changed (the ledger's outbox), unless this is a dry run.
    if (options.dry_run == DryRun::no) {
        report.notifications = m_notifier.deliver(m_services.ledger, m_services.now);
        if (report.run.budget_exhausted || report.run.rate_limited) {
            if (auto next = m_services.ledger.next_upload_slot_at(
                    m_services.now(), m_services.config.pypi.max_new_projects_per_hour)) {
                if (*next != ledger::TimePoint::max()) { // max: uploads are disabled
                    report.next_upload_slot_at = *next;
                }
            }
        }
    }
    report.finished_at = m_services.now();
    return report;
}

std::vector<std::string> Reconciler::repositories(const ReconcileOptions& options, RunReport& report) {
    if (!options.repositories.empty()) {
        return options.repositories;
    }
    if (!m_services.config.artifactory.repositories.empty()) {
        return m_services.config.artifactory.repositories;
    }
    auto discovered = m_artifactory.discover_repositories();
    if (!discovered) {
        report.listing_errors.push_back(discovered.error().message);
        spdlog::error("{}", discovered.error().message);
        return {};
    }
    return *discovered;
}

ListingMode Reconciler::choose_mode(const ReconcileOptions& options, const std::vector<std::string>& repos) {
    if (options.mode == ListingMode::full) {
        return ListingMode::full;
    }
    const auto now = m_services.now();
    for (const auto& repo : repos) {
        const auto mark = m_services.ledger.watermark(repo);
        if (!mark || !*mark || !(*mark)->last_full_listing_at) {
            return ListingMode::full; // never listed in full: the first pass is a backfill
        }
        if (now - *(*mark)->last_full_listing_at >= m_services.config.policy.full_listing_every) {
            return ListingMode::full;
        }
    }
    return ListingMode::incremental;
}

void Reconciler::list_repository(const std::string& repo, ListingMode mode, RunReport& report) {
    auto& ledger = m_services.ledger;
    artifactory::ListingQuery query{repo, std::nullopt};
    if (mode == ListingMode::incremental) {
        if (auto mark = ledger.watermark(repo); mark && *mark && (*mark)->max_created) {
            query.created_after = listing_start(*(*mark)->max_created);
        }
    }
    const auto on_page = [&](std::span<const artifactory::Artifact> page) {
        std::vector<ledger::SeenName> batch;
        batch.reserve(page.size());
        std::vector<std::size_t> first_seen_here; // indexes into batch
        for (const auto& artifact : page) {
            const auto derived = pypi::derive_artifact_name(artifact.repo_path());
            if (!derived) {
                ++report.skipped_paths;
                spdlog::warn("{}/{}: no package name: {}", repo, artifact.repo_path(),
                             derived.error().reason);
                continue;
            }
            if (!derived->has_value()) {
                ++report.skipped_paths; // .pypi/ index files and non-distributions
                continue;
            }
            const auto& name = **derived;
            std::optional<std::string> mismatch;
            if (name.mismatched_folder) {
                mismatch = fmt::format("folder {} holds {}", *name.mismatched_folder, artifact.name);
                report.mismatches.push_back(fmt::format("{}/{}: {}", repo, artifact.repo_path(), *mismatch));
            }
            if (m_seen.insert(name.name).second) {
                first_seen_here.push_back(batch.size());
            }
            batch.push_back({name.name, name.raw_name, repo,
                             name.version ? std::optional(name.version->to_string()) : std::nullopt,
                             mismatch});
        }
        report.artifacts += page.size();
        if (report.dry_run == DryRun::yes) {
            // Only a name this run had not listed before may be missing from the ledger: one read per
            // name, not one per artifact.
            for (const std::size_t i : first_seen_here) {
                const auto& seen = batch[i];
                auto known = ledger.get(seen.name);
                if (known && !*known) {
                    ledger::NameRecord record;
                    record.name = seen.name;
                    record.display_name = seen.display_name;
                    record.repositories = {seen.repository};
                    record.internal_version = seen.version;
                    m_unrecorded.emplace(seen.name, std::move(record));
                    ++report.new_names; // what a real run would add to the ledger
                }
            }
            return;
        }
        auto recorded = ledger.record_seen(batch, m_services.now(), version_less);
        if (!recorded) {
            report.listing_errors.push_back(recorded.error().message);
            return;
        }
        report.new_names += recorded->size();
    };
    const auto listed = m_artifactory.list(query, on_page);
    if (!listed) {
        // The names of the pages already read are recorded; the watermark stays where it was, so the
        // next run lists this part again.
        report.listing_errors.push_back(listed.error().message);
        spdlog::error("{}", listed.error().message);
        return;
    }
    spdlog::info("{}: {} artifacts in {} pages", repo, listed->artifacts, listed->pages);
    if (report.dry_run == DryRun::no) {
        const std::optional<std::string_view> max_created =
            listed->max_created.empty() ? std::nullopt : std::optional<std::string_view>(listed->max_created);
        const auto kind =
            mode == ListingMode::full ? ledger::ListingKind::full : ledger::ListingKind::incremental;
        if (auto r = ledger.set_watermark(repo, max_created, kind, m_services.now()); !r) {
            report.listing_errors.push_back(r.error().message);
        }
    }
}

void Reconciler::settle_waiting(Settler& settler, RunReport& report) {
    auto& run = report.run;
    if (report.dry_run == DryRun::yes || run.auth_failed || run.rate_limited || run.budget_exhausted) {
        return;
    }
    const auto slots = m_services.ledger.upload_slots_available(
        m_services.now(), m_services.config.pypi.max_new_projects_per_hour);
    if (!slots || *slots <= 0) {
        // Names still waiting for the budget: the summary says when the next slot comes.
        if (auto waiting = m_services.ledger.waiting_for_upload(1); waiting && !waiting->empty()) {
            run.budget_exhausted = true;
        }
        return;
    }
    std::int64_t room = *slots;
    if (run.max_new) {
        room = std::min<std::int64_t>(room, *run.max_new - run.uploads);
    }
    if (room <= 0) {
        return;
    }
    auto waiting = m_services.ledger.waiting_for_upload(static_cast<std::size_t>(room));
    if (!waiting || waiting->empty()) {
        return;
    }
    // Looked up again right before the upload: the name may have been taken while it waited.
    spdlog::info("{} free names waiting for an upload slot get one now", waiting->size());
    settler.settle(*waiting, report.run);
    report.looked_up += waiting->size();
}

void Reconciler::settle_due(Settler& settler, RunReport& report) {
    // The due names come from the ledger a batch at a time, by name, so that memory holds one batch
    // however large the repositories are. A dry run merges in the names it did not record, in order.
    std::vector<ledger::NameRecord> unrecorded;
    unrecorded.reserve(m_unrecorded.size());
    for (auto& [name, record] : m_unrecorded) {
        unrecorded.push_back(std::move(record));
    }
    m_unrecorded.clear();
    std::ranges::sort(unrecorded, {}, &ledger::NameRecord::name);
    auto next_unrecorded = unrecorded.begin();

    const auto now = m_services.now();
    const auto recheck_after = m_services.config.policy.recheck_after;
    std::string after;
    std::size_t settled = 0;
    while (true) {
        auto page = m_services.ledger.due_for_lookup(now, recheck_after, after, k_settle_batch);
        if (!page) {
            report.listing_errors.push_back(page.error().message);
            return;
        }
        const bool last_page = page->size() < k_settle_batch;
        if (!last_page) {
            after = page->back().name; // read before the records are moved into the batch
        }
        std::vector<ledger::NameRecord> batch;
        batch.reserve(page->size());
        for (auto& record : *page) {
            for (; next_unrecorded != unrecorded.end() && next_unrecorded->name < record.name;
                 ++next_unrecorded) {
                batch.push_back(std::move(*next_unrecorded));
            }
            batch.push_back(std::move(record));
        }
        if (last_page) {
            for (; next_unrecorded != unrecorded.end(); ++next_unrecorded) {
                batch.push_back(std::move(*next_unrecorded));
            }
        }
        page->clear();
        // A dry run's unrecorded names may make a batch longer than k_settle_batch.
        for (std::size_t start = 0; start < batch.size(); start += k_settle_batch) {
            const std::size_t count = std::min(k_settle_batch, batch.size() - start);
            settler.settle(std::span(batch).subspan(start, count), report.run);
            settled += count;
            report.looked_up += count;
            if (!last_page || settled > count) {
                spdlog::info("settled {} names", settled);
            }
        }
        if (last_page) {
            break;
        }
    }
    spdlog::info("{} names looked up", settled);
}

} // namespace namekeeper::reconcile
