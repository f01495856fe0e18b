#include "namekeeper/reconcile/classify.hpp"

#include "namekeeper/pypi/name.hpp"
#include "namekeeper/pypi/stdlib.hpp"
#include "namekeeper/pypi/version.hpp"

#include <algorithm>
#include <cctype>
#include <fnmatch.h>

namespace namekeeper::reconcile {
namespace {

bool contains(std::span<const std::string> list, std::string_view value) {
    return std::ranges::find(list, value) != list.end();
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(
        a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

bool held_by_us(const index::Project& project, const config::PypiConfig& pypi) {
    if (project.ownership_known) {
        const bool by_user =
            std::ranges::any_of(project.owners, [&](const auto& u) { return contains(pypi.owners, u); });
        const bool by_org = project.organization && contains(pypi.organizations, *project.organization);
        return by_user || by_org;
    }
    // Without ownership data, the uploader-written e-mail is the only (weaker) evidence.
    return project.author_email && std::ranges::any_of(pypi.known_emails, [&](const auto& email) {
               return equals_ignoring_case(email, *project.author_email);
           });
}

} // namespace

bool version_less(std::string_view a, std::string_view b) {
    const auto va = pypi::Version::parse(a);
    const auto vb = pypi::Version::parse(b);
    if (!va || !vb) {
        return !va && vb.has_value();
    }
    return *va < *vb;
}

ledger::Outcome classify_held(const index::Project& project,
                              const std::optional<std::string>& internal_version,
                              const config::PypiConfig& pypi, const config::PlaceholderConfig& placeholder) {
    ledger::Outcome outcome;
    outcome.public_version = project.public_version;
    outcome.owners = project.owners;
    if (project.organization) {
        outcome.owners.push_back("org:" + *project.organization);
    }
    if (project.has_releases && held_by_us(project, pypi)) {
        const bool only_placeholder =
            !project.versions.empty() && std::ranges::all_of(project.versions, [&](const auto& v) {
                return !version_less(v, placeholder.version) && !version_less(placeholder.version, v);
            });
        outcome.state = only_placeholder ? ledger::NameState::reserved : ledger::NameState::owned;
        return outcome;
    }
    outcome.state = ledger::NameState::taken;
    if (!project.has_releases) {
        outcome.risk = ledger::Risk::warning; // holds the name, offers nothing to install
        return outcome;
    }
    const bool unknown = !internal_version || !project.public_version;
    const bool beats_ours = !unknown && version_less(*internal_version, *project.public_version);
    outcome.risk = (unknown || beats_ours) ? ledger::Risk::critical : ledger::Risk::warning;
    return outcome;
}

bool is_ignored(std::string_view normalized_name, std::span<const std::string> patterns) {
    const std::string name(normalized_name);
    return std::ranges::any_of(
        patterns, [&](const std::string& p) { return ::fnmatch(p.c_str(), name.c_str(), 0) == 0; });
}

void KnownProjects::add(std::string_view name) {
    m_keys.insert(pypi::similarity_key(name));
    m_names.insert(pypi::normalize(name));
}

bool KnownProjects::too_similar(std::string_view name) const {
    return !m_names.contains(pypi::normalize(name)) && m_keys.contains(pypi::similarity_key(name));
}

std::optional<ledger::Outcome> settle_locally(std::string_view name,
                                              std::span<const std::string> ignore_patterns) {
    if (is_ignored(pypi::normalize(name), ignore_patterns)) {
        return ledger::Outcome{.state = ledger::NameState::ignored, .reason = "policy.ignore"};
    }
    if (!pypi::is_valid_name(name)) {
        return ledger::Outcome{.state = ledger::NameState::blocked, .reason = "invalid-name"};
    }
    return std::nullopt;
}

} // namespace namekeeper::reconcile
