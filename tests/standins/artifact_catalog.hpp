#pragma once

// The artifacts an ArtifactoryStandin holds, kept sorted by (repo, path, name) so that AQL's usual
// sort needs no work, with the matching rows of the last few queries cached: paging through 200,000
// artifacts with offset/limit then costs a slice per page instead of a scan per page. Not
// thread-safe; the stand-in locks around it.

#include "standins/aql.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

struct StoredArtifact {
    std::string repo;
    std::string path; // the folder; "." at the repository root
    std::string name;
    std::string created;

    [[nodiscard]] AqlItem item() const { return {repo, path, name, created}; }
};

class ArtifactCatalog {
public:
    void add(std::string_view repo, std::string_view full_path, std::string_view created);
    [[nodiscard]] std::size_t size() const { return m_artifacts.size(); }

    // Rows [query.offset, query.offset + limit) of the matching artifacts in the query's order.
    [[nodiscard]] std::vector<StoredArtifact> page(const AqlQuery& query);

private:
    struct CachedMatch {
        std::string key;
        std::uint64_t generation = 0;
        std::vector<std::uint32_t> rows;
    };

    void ensure_sorted();
    const std::vector<std::uint32_t>& matching_rows(const AqlQuery& query);

    std::vector<StoredArtifact> m_artifacts;
    bool m_sorted = true;
    std::uint64_t m_generation = 0;
    std::list<CachedMatch> m_cache; // most recent first
};

} // namespace namekeeper::standins
