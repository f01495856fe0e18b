#include "standins/artifact_catalog.hpp"

#include <algorithm>
#include <tuple>

namespace namekeeper::standins {
namespace {

constexpr std::size_t k_cached_queries = 8;

bool is_default_order(const std::vector<AqlSortKey>& sort) {
    if (sort.empty()) {
        return true;
    }
    static const std::vector<std::string> k_default{"repo", "path", "name"};
    if (sort.size() > k_default.size()) {
        return false;
    }
    for (std::size_t i = 0; i < sort.size(); ++i) {
        if (!sort[i].ascending || sort[i].field != k_default[i]) {
            return false;
        }
    }
    return true;
}

std::string cache_key(const AqlQuery& query) {
    std::string key = query.criteria_text;
    for (const auto& sort_key : query.sort) {
        key += sort_key.ascending ? "|+" : "|-";
        key += sort_key.field;
    }
    return key;
}

} // namespace

void ArtifactCatalog::add(std::string_view repo, std::string_view full_path, std::string_view created) {
    StoredArtifact artifact;
    artifact.repo = repo;
    const auto slash = full_path.rfind('/');
    if (slash == std::string_view::npos) {
        artifact.path.assign(1, '.'); // not = ".": GCC 12 -O3 warns -Wrestrict falsely (GCC bug 105329)
        artifact.name = full_path;
    } else {
        artifact.path = full_path.substr(0, slash);
        artifact.name = full_path.substr(slash + 1);
    }
    artifact.created = created;
    if (!m_artifacts.empty() && m_sorted) {
        const auto& last = m_artifacts.back();
        m_sorted = std::tie(last.repo, last.path, last.name) <=
                   std::tie(artifact.repo, artifact.path, artifact.name);
    }
    m_artifacts.push_back(std::move(artifact));
    ++m_generation;
}

void ArtifactCatalog::ensure_sorted() {
    if (m_sorted) {
        return;
    }
    std::ranges::stable_sort(m_artifacts, [](const StoredArtifact& a, const StoredArtifact& b) {
        return std::tie(a.repo, a.path, a.name) < std::tie(b.repo, b.path, b.name);
    });
    m_sorted = true;
}

const std::vector<std::uint32_t>& ArtifactCatalog::matching_rows(const AqlQuery& query) {
    const std::string key = cache_key(query);
    for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
        if (it->key == key && it->generation == m_generation) {
            m_cache.splice(m_cache.begin(), m_cache, it);
            return m_cache.front().rows;
        }
    }
    CachedMatch match{key, m_generation, {}};
    for (std::uint32_t row = 0; row < m_artifacts.size(); ++row) {
        if (aql_matches(query.criteria, m_artifacts[row].item())) {
            match.rows.push_back(row);
        }
    }
    if (!is_default_order(query.sort)) {
        std::ranges::stable_sort(match.rows, [&](std::uint32_t a, std::uint32_t b) {
            const AqlItem left = m_artifacts[a].item();
            const AqlItem right = m_artifacts[b].item();
            for (const auto& sort_key : query.sort) {
                const auto l = aql_field(left, sort_key.field);
                const auto r = aql_field(right, sort_key.field);
                if (l != r) {
                    return sort_key.ascending ? l < r : l > r;
                }
            }
            return false;
        });
    }
    m_cache.push_front(std::move(match));
    if (m_cache.size() > k_cached_queries) {
        m_cache.pop_back();
    }
    return m_cache.front().rows;
}

std::vector<StoredArtifact> ArtifactCatalog::page(const AqlQuery& query) {
    ensure_sorted();
    const auto& rows = matching_rows(query);
    std::vector<StoredArtifact> result;
    const std::size_t begin = std::min(query.offset, rows.size());
    const std::size_t end = query.limit ? std::min(rows.size(), begin + *query.limit) : rows.size();
    result.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) {
        result.push_back(m_artifacts[rows[i]]);
    }
    return result;
}

} // namespace namekeeper::standins
