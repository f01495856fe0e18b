#pragma once

// The subset of Artifactory Query Language that namekeeper sends (REFERENCE.md, AQL):
//
//   items.find(<criteria JSON>).include("repo",...).sort({"$asc":[...]}).offset(N).limit(M)
//
// Criteria: {"field": value} is equality; {"field": {"$op": value}} with $eq $ne $gt $gte $lt $lte
// $match $nmatch ($match takes '*' and '?' wildcards); "$and"/"$or" take an array of criteria (or an
// object); several keys in one object are joined by "and". Fields: repo, type, path, name, created.
// Values compare as strings (ISO-8601 dates sort as strings). Every stored item is a file.

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

struct AqlItem {
    std::string_view repo;
    std::string_view path;
    std::string_view name;
    std::string_view created;
};

struct AqlCriterion {
    enum class Kind { all_of, any_of, compare };
    Kind kind = Kind::all_of;
    std::vector<AqlCriterion> children; // all_of, any_of
    std::string field;                  // compare
    std::string op;                     // compare: "$eq", "$match", ...
    std::string value;                  // compare
};

struct AqlSortKey {
    std::string field;
    bool ascending = true;
};

struct AqlQuery {
    AqlCriterion criteria;
    std::string criteria_text; // canonical JSON of the criteria: a cache key
    std::vector<std::string> include;
    std::vector<AqlSortKey> sort;
    std::size_t offset = 0;
    std::optional<std::size_t> limit;
};

// Parses the query text; the error is the message Artifactory would answer with a 400.
[[nodiscard]] std::expected<AqlQuery, std::string> parse_aql(std::string_view text);

[[nodiscard]] bool aql_matches(const AqlCriterion& criterion, const AqlItem& item);

// AQL's $match: '*' stands for any run of characters, '?' for exactly one.
[[nodiscard]] bool aql_wildcard_match(std::string_view pattern, std::string_view text);

// The value of a field of the item domain ("type" is always "file").
[[nodiscard]] std::string_view aql_field(const AqlItem& item, std::string_view field);

} // namespace namekeeper::standins
