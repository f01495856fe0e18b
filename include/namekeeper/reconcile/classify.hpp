#pragma once

// What a name's public look-up means for us (SPEC.md, "Deciding a name's state"), and the rules that
// settle a name without asking anyone: policy.ignore, PyPI's name rules, the standard library, and
// names too similar to a public project we already know of.

#include "namekeeper/config/config.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/ledger/records.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace namekeeper::reconcile {

// A held name's state: owned/reserved when one of `owners`/`organizations` (or, without ownership
// data, `known_emails`) holds it — reserved when all it publishes is our placeholder version —
// else taken, at risk critical when the public version beats the internal one (or either is unknown).
[[nodiscard]] ledger::Outcome classify_held(const index::Project& project,
                                            const std::optional<std::string>& internal_version,
                                            const config::PypiConfig& pypi,
                                            const config::PlaceholderConfig& placeholder);

// True when `normalized_name` matches one of the glob patterns (fnmatch: `*`, `?`, `[...]`).
[[nodiscard]] bool is_ignored(std::string_view normalized_name, std::span<const std::string> patterns);

// The similarity keys of public projects we know of (ledger names held by anyone), for the local
// "too similar" check; a free name whose key is in the set would be refused by PyPI.
class KnownProjects {
public:
    void add(std::string_view name);
    // A known project other than `name` itself with the same key.
    [[nodiscard]] bool too_similar(std::string_view name) const;

private:
    std::unordered_set<std::string> m_keys;
    std::unordered_set<std::string> m_names;
};

// The state of a name that needs no request, if any: ignored, or blocked (invalid-name, stdlib).
[[nodiscard]] std::optional<ledger::Outcome> settle_locally(std::string_view name,
                                                            std::span<const std::string> ignore_patterns);

// pypi::Version order on version texts; invalid versions sort first.
[[nodiscard]] bool version_less(std::string_view a, std::string_view b);

} // namespace namekeeper::reconcile
