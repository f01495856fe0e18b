#include "standins/aql.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace namekeeper::standins {
namespace {

using nlohmann::json;

constexpr std::array k_fields{"repo", "type", "path", "name", "created"};
constexpr std::array k_operators{"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$match", "$nmatch"};

struct ParseError {
    std::string message;
};

bool is_known(std::string_view value, const auto& known) {
    for (std::string_view candidate : known) {
        if (candidate == value) {
            return true;
        }
    }
    return false;
}

std::string scalar_text(const json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_number() || value.is_boolean()) {
        return value.dump();
    }
    throw ParseError{fmt::format("unsupported value {}", value.dump())};
}

AqlCriterion build_criterion(const json& node);

AqlCriterion field_criterion(const std::string& field, const json& value) {
    if (!is_known(field, k_fields)) {
        throw ParseError{fmt::format("unknown field '{}'", field)};
    }
    if (!value.is_object()) {
        return {AqlCriterion::Kind::compare, {}, field, "$eq", scalar_text(value)};
    }
    AqlCriterion all{AqlCriterion::Kind::all_of, {}, {}, {}, {}};
    for (const auto& [op, operand] : value.items()) {
        if (!is_known(op, k_operators)) {
            throw ParseError{fmt::format("unknown operator '{}'", op)};
        }
        all.children.push_back({AqlCriterion::Kind::compare, {}, field, op, scalar_text(operand)});
    }
    return all;
}

AqlCriterion logical_criterion(AqlCriterion::Kind kind, const json& operands) {
    AqlCriterion result{kind, {}, {}, {}, {}};
    if (operands.is_array()) {
        for (const auto& operand : operands) {
            result.children.push_back(build_criterion(operand));
        }
    } else if (operands.is_object()) {
        // {"$or": {"repo": "a", "name": "b"}}: each key is one operand.
        for (const auto& [key, value] : operands.items()) {
            result.children.push_back(build_criterion(json::object({{key, value}})));
        }
    } else {
        throw ParseError{"$and/$or need an array or an object"};
    }
    return result;
}

AqlCriterion build_criterion(const json& node) {
    if (!node.is_object()) {
        throw ParseError{"criteria must be a JSON object"};
    }
    AqlCriterion all{AqlCriterion::Kind::all_of, {}, {}, {}, {}};
    for (const auto& [key, value] : node.items()) {
        if (key == "$and") {
            all.children.push_back(logical_criterion(AqlCriterion::Kind::all_of, value));
        } else if (key == "$or") {
            all.children.push_back(logical_criterion(AqlCriterion::Kind::any_of, value));
        } else {
            all.children.push_back(field_criterion(key, value));
        }
    }
    return all;
}

// A cursor over the query text.
class Scanner {
public:
    explicit Scanner(std::string_view text) : m_text(text) {}

    void skip_space() {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])) != 0) {
            ++m_pos;
        }
    }
    bool consume(std::string_view token) {
        skip_space();
        if (m_text.substr(m_pos).starts_with(token)) {
            m_pos += token.size();
            return true;
        }
        return false;
    }
    void expect(std::string_view token) {
        if (!consume(token)) {
            throw ParseError{fmt::format("expected '{}'", token)};
        }
    }
    bool at_end() {
        skip_space();
        return m_pos >= m_text.size();
    }
    std::string identifier() {
        skip_space();
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) != 0)) {
            ++m_pos;
        }
        return std::string(m_text.substr(start, m_pos - start));
    }
    // The text up to the ')' that closes the current argument list, skipping over strings and nesting.
    std::string_view arguments() {
        skip_space();
        const std::size_t start = m_pos;
        int depth = 0;
        bool in_string = false;
        for (; m_pos < m_text.size(); ++m_pos) {
            const char c = m_text[m_pos];
            if (in_string) {
                if (c == '\\') {
                    ++m_pos;
                } else if (c == '"') {
                    in_string = false;
                }
            } else if (c == '"') {
                in_string = true;
            } else if (c == '(' || c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                --depth;
            } else if (c == ')') {
                if (depth == 0) {
                    return m_text.substr(start, m_pos - start);
                }
                --depth;
            }
        }
        throw ParseError{"unbalanced parentheses"};
    }
    [[nodiscard]] std::string_view rest() const { return m_text.substr(std::min(m_pos, m_text.size())); }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::size_t parse_count(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw ParseError{fmt::format("expected a number, got '{}'", text)};
    }
    return value;
}

std::vector<std::string> parse_include(std::string_view arguments) {
    const json fields = json::parse(fmt::format("[{}]", arguments), nullptr, false);
    if (fields.is_discarded() || !fields.is_array()) {
        throw ParseError{"include takes quoted field names"};
    }
    std::vector<std::string> include;
    for (const auto& field : fields) {
        if (!field.is_string()) {
            throw ParseError{"include takes quoted field names"};
        }
        include.push_back(field.get<std::string>());
    }
    return include;
}

std::vector<AqlSortKey> parse_sort(std::string_view arguments) {
    const json sort = json::parse(arguments, nullptr, false);
    if (sort.is_discarded() || !sort.is_object()) {
        throw ParseError{"sort takes {\"$asc\"|\"$desc\": [fields]}"};
    }
    std::vector<AqlSortKey> keys;
    for (const auto& [direction, fields] : sort.items()) {
        if ((direction != "$asc" && direction != "$desc") || !fields.is_array()) {
            throw ParseError{"sort takes {\"$asc\"|\"$desc\": [fields]}"};
        }
        for (const auto& field : fields) {
            if (!field.is_string() || !is_known(field.get<std::string>(), k_fields)) {
                throw ParseError{fmt::format("cannot sort by {}", field.dump())};
            }
            keys.push_back({field.get<std::string>(), direction == "$asc"});
        }
    }
    return keys;
}

} // namespace

std::expected<AqlQuery, std::string> parse_aql(std::string_view text) {
    Scanner scanner(text);
    try {
        AqlQuery query;
        scanner.expect("items");
        scanner.expect(".");
        scanner.expect("find");
        scanner.expect("(");
        const std::string_view criteria_text = scanner.arguments();
        const json criteria = json::parse(criteria_text, nullptr, false);
        if (criteria.is_discarded()) {
            throw ParseError{"criteria are not valid JSON"};
        }
        query.criteria = build_criterion(criteria);
        query.criteria_text = criteria.dump();
        scanner.expect(")");
        while (!scanner.at_end()) {
            scanner.expect(".");
            const std::string method = scanner.identifier();
            scanner.expect("(");
            const std::string_view arguments = scanner.arguments();
            if (method == "include") {
                query.include = parse_include(arguments);
            } else if (method == "sort") {
                query.sort = parse_sort(arguments);
            } else if (method == "offset") {
                query.offset = parse_count(arguments);
            } else if (method == "limit") {
                query.limit = parse_count(arguments);
            } else {
                throw ParseError{fmt::format("unknown method '{}'", method)};
            }
            scanner.expect(")");
        }
        return query;
    } catch (const ParseError&) {
        // Artifactory's wording: it names the query and where parsing gave up, not why.
        return std::unexpected(fmt::format("Failed to parse query: {}, it looks like there is syntax error "
                                           "near the following sub-query: {}",
                                           text, scanner.rest()));
    }
}

std::string_view aql_field(const AqlItem& item, std::string_view field) {
    if (field == "repo") {
        return item.repo;
    }
    if (field == "path") {
        return item.path;
    }
    if (field == "name") {
        return item.name;
    }
    if (field == "created") {
        return item.created;
    }
    return "file"; // "type": the stand-in stores files only
}

bool aql_wildcard_match(std::string_view pattern, std::string_view text) {
    // Iterative glob matching with one backtrack point for the last '*'.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t star_text = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            star_text = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

bool aql_matches(const AqlCriterion& criterion, const AqlItem& item) {
    switch (criterion.kind) {
    case AqlCriterion::Kind::all_of:
        for (const auto& child : criterion.children) {
            if (!aql_matches(child, item)) {
                return false;
            }
        }
        return true;
    case AqlCriterion::Kind::any_of:
        for (const auto& child : criterion.children) {
            if (aql_matches(child, item)) {
                return true;
            }
        }
        return false;
    case AqlCriterion::Kind::compare:
        break;
    }
    const std::string_view actual = aql_field(item, criterion.field);
    const std::string_view value = criterion.value;
    const std::string_view op = criterion.op;
    if (criterion.field == "type" && value == "any") {
        return op != "$ne";
    }
    if (op == "$eq") {
        return actual == value;
    }
    if (op == "$ne") {
        return actual != value;
    }
    if (op == "$gt") {
        return actual > value;
    }
    if (op == "$gte") {
        return actual >= value;
    }
    if (op == "$lt") {
        return actual < value;
    }
    if (op == "$lte") {
        return actual <= value;
    }
    if (op == "$match") {
        return aql_wildcard_match(value, actual);
    }
    return !aql_wildcard_match(value, actual); // $nmatch
}

} // namespace namekeeper::standins
