#pragma once

// Reading a YAML mapping key by key, keeping where each key and value stand in the file so that
// every error names FILE:LINE:COL and the dotted key. Every scalar is ${VAR}-expanded here, before
// any other parsing. Messages never quote a value.

#include "namekeeper/config/config.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace namekeeper::config {

// A 1-based line and column (yaml-cpp's marks are 0-based).
struct Location {
    int line = 1;
    int column = 1;
};

[[nodiscard]] Location location_of(const YAML::Mark& mark);

// Names the file in messages and throws ConfigError.
class Document {
public:
    explicit Document(std::string name) : m_name(std::move(name)) {}

    // "FILE:LINE:COL: KEY: PROBLEM", or without "KEY: " when key_path is empty.
    [[noreturn]] void fail(Location where, std::string_view key_path, std::string_view problem) const;

private:
    std::string m_name;
};

// A mapping whose keys are all known in advance.
class Section {
public:
    // The problem with a value as the end of a message, or nullopt when it is fine.
    using Check = std::function<std::optional<std::string>(const std::string&)>;

    // `node` is a mapping, or null for an absent or empty section. Fails on anything else, on a
    // key not in `keys` and on a key given twice. `where` locates the section itself.
    Section(const Document& document, const YAML::Node& node, std::string path, Location where,
            std::vector<std::string> keys);

    // The nested section under `key` (empty when absent).
    [[nodiscard]] Section section(const std::string& key, std::vector<std::string> keys) const;

    [[nodiscard]] bool has(std::string_view key) const;
    [[nodiscard]] std::string path_of(std::string_view key) const;

    // Fails pointing at the key (conflicts) / at its value (bad values) / at the section (missing).
    [[noreturn]] void fail_key(std::string_view key, std::string_view problem) const;
    [[noreturn]] void fail_value(std::string_view key, std::string_view problem) const;
    [[noreturn]] void fail_missing(std::string_view key, std::string_view problem) const;

    // Each returns nullopt when the key is absent and fails when its value is not of the kind.
    [[nodiscard]] std::optional<std::string> string(std::string_view key, const Check& check = {}) const;
    [[nodiscard]] std::optional<std::vector<std::string>> strings(std::string_view key,
                                                                  const Check& item_check = {}) const;
    [[nodiscard]] std::optional<long long> whole_number(std::string_view key, long long min,
                                                        long long max) const;
    [[nodiscard]] std::optional<Seconds> duration(std::string_view key) const;
    [[nodiscard]] std::optional<bool> boolean(std::string_view key) const;

    // A secret given inline as `key` or read from the file named by `key`_file (one trailing newline
    // stripped); both at once is an error, and so is a line break or control character in it.
    [[nodiscard]] std::optional<Secret> secret(const std::string& key) const;

private:
    struct Entry {
        std::string key;
        YAML::Node value;
        Location key_at;
        Location value_at; // the key's location when the value is empty
    };

    [[nodiscard]] const Entry* find(std::string_view key) const;
    // The expanded text of a scalar value, or a failure with `problem` when it is not a scalar.
    [[nodiscard]] std::string scalar(const YAML::Node& node, Location where, const std::string& path,
                                     std::string_view problem) const;

    const Document* m_document;
    std::string m_path;
    Location m_where;
    std::vector<Entry> m_entries;
};

} // namespace namekeeper::config
