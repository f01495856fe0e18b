#include "config/section.hpp"

#include "config/values.hpp"
#include "namekeeper/config/loader.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

namespace namekeeper::config {
namespace {

// A secret file is a token or a URL; anything bigger is the wrong file.
constexpr std::size_t k_max_secret_file_bytes = 64 * 1024;

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

} // namespace

Location location_of(const YAML::Mark& mark) {
    return Location{std::max(mark.line, 0) + 1, std::max(mark.column, 0) + 1};
}

void Document::fail(Location where, std::string_view key_path, std::string_view problem) const {
    if (key_path.empty()) {
        throw ConfigError(fmt::format("{}:{}:{}: {}", m_name, where.line, where.column, problem));
    }
    throw ConfigError(fmt::format("{}:{}:{}: {}: {}", m_name, where.line, where.column, key_path, problem));
}

Section::Section(const Document& document, const YAML::Node& node, std::string path, Location where,
                 std::vector<std::string> keys)
    : m_document(&document), m_path(std::move(path)), m_where(where) {
    if (!node.IsDefined() || node.IsNull()) {
        return;
    }
    if (!node.IsMap()) {
        m_document->fail(location_of(node.Mark()), m_path,
                         fmt::format("expected a mapping of keys (one of: {})", join(keys)));
    }
    for (const auto& pair : node) {
        const Location key_at = location_of(pair.first.Mark());
        if (!pair.first.IsScalar()) {
            m_document->fail(key_at, m_path, "expected plain key names");
        }
        const std::string& key = pair.first.Scalar();
        if (std::ranges::find(keys, key) == keys.end()) {
            m_document->fail(key_at, path_of(key),
                             fmt::format("unknown key (expected one of: {})", join(keys)));
        }
        if (const Entry* first = find(key)) {
            m_document->fail(key_at, path_of(key),
                             fmt::format("given twice (first at line {})", first->key_at.line));
        }
        const bool empty = pair.second.IsNull();
        m_entries.push_back(
            Entry{key, pair.second, key_at, empty ? key_at : location_of(pair.second.Mark())});
    }
}

Section Section::section(const std::string& key, std::vector<std::string> keys) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return Section(*m_document, YAML::Node(), path_of(key), m_where, std::move(keys));
    }
    return Section(*m_document, entry->value, path_of(key), entry->key_at, std::move(keys));
}

bool Section::has(std::string_view key) const {
    return find(key) != nullptr;
}

std::string Section::path_of(std::string_view key) const {
    return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
}

void Section::fail_key(std::string_view key, std::string_view problem) const {
    const Entry* entry = find(key);
    m_document->fail(entry != nullptr ? entry->key_at : m_where, path_of(key), problem);
}

void Section::fail_value(std::string_view key, std::string_view problem) const {
    const Entry* entry = find(key);
    m_document->fail(entry != nullptr ? entry->value_at : m_where, path_of(key), problem);
}

void Section::fail_missing(std::string_view key, std::string_view problem) const {
    m_document->fail(m_where, path_of(key), problem);
}

const Section::Entry* Section::find(std::string_view key) const {
    const auto it = std::ranges::find_if(m_entries, [&](const Entry& entry) { return entry.key == key; });
    return it == m_entries.end() ? nullptr : &*it;
}

std::string Section::scalar(const YAML::Node& node, Location where, const std::string& path,
                            std::string_view problem) const {
    if (!node.IsScalar()) {
        m_document->fail(where, path, problem);
    }
    auto expanded = expand_variables(node.Scalar());
    if (!expanded) {
        m_document->fail(where, path, expanded.error().message());
    }
    return std::move(*expanded);
}

std::optional<std::string> Section::string(std::string_view key, const Check& check) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return std::nullopt;
    }
    std::string text = scalar(entry->value, entry->value_at, path_of(key), "expected a string");
    if (check) {
        if (const auto problem = check(text)) {
            fail_value(key, *problem);
        }
    }
    return text;
}

std::optional<std::vector<std::string>> Section::strings(std::string_view key,
                                                         const Check& item_check) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return std::nullopt;
    }
    if (!entry->value.IsSequence()) {
        fail_value(key, "expected a list of strings, such as [a, b]");
    }
    std::vector<std::string> items;
    for (const auto& node : entry->value) {
        const std::string item_path = fmt::format("{}[{}]", path_of(key), items.size());
        const Location where = node.IsNull() ? entry->value_at : location_of(node.Mark());
        std::string text = scalar(node, where, item_path, "expected a string");
        if (item_check) {
            if (const auto problem = item_check(text)) {
                m_document->fail(where, item_path, *problem);
            }
        }
        items.push_back(std::move(text));
    }
    return items;
}

std::optional<long long> Section::whole_number(std::string_view key, long long min, long long max) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return std::nullopt;
    }
    const std::string problem = fmt::format("expected a whole number from {} to {}", min, max);
    const auto value = parse_whole_number(scalar(entry->value, entry->value_at, path_of(key), problem));
    if (!value || *value < min || *value > max) {
        fail_value(key, problem);
    }
    return value;
}

std::optional<Seconds> Section::duration(std::string_view key) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return std::nullopt;
    }
    const std::string problem = "expected a duration like 30s, 10m, 24h or 7d";
    const auto value = parse_duration(scalar(entry->value, entry->value_at, path_of(key), problem));
    if (!value) {
        fail_value(key, problem);
    }
    return value;
}

std::optional<bool> Section::boolean(std::string_view key) const {
    const Entry* entry = find(key);
    if (entry == nullptr) {
        return std::nullopt;
    }
    const std::string problem = "expected true or false";
    const std::string text = scalar(entry->value, entry->value_at, path_of(key), problem);
    if (text == "true" || text == "True" || text == "TRUE") {
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        return false;
    }
    fail_value(key, problem);
}

std::optional<Secret> Section::secret(const std::string& key) const {
    const std::string file_key = key + "_file";
    const std::string single_line = "expected one line without control characters";
    if (has(key) && has(file_key)) {
        fail_key(file_key, fmt::format("give either {} or {}, not both", path_of(key), path_of(file_key)));
    }
    if (auto inline_value = string(key)) {
        if (has_control_characters(*inline_value)) {
            fail_value(key, single_line);
        }
        return Secret(std::move(*inline_value));
    }
    const auto path = string(file_key, [](const std::string& text) -> std::optional<std::string> {
        if (text.empty()) {
            return "expected the path of a file";
        }
        return std::nullopt;
    });
    if (!path) {
        return std::nullopt;
    }
    auto content = read_file(*path, k_max_secret_file_bytes);
    if (!content) {
        fail_value(file_key, fmt::format("cannot read {}: {}", *path, std::strerror(content.error())));
    }
    std::string value = strip_one_newline(std::move(*content));
    if (has_control_characters(value)) {
        fail_value(file_key, fmt::format("{}: {}", *path, single_line));
    }
    return Secret(std::move(value));
}

} // namespace namekeeper::config
