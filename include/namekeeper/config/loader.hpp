#pragma once

#include "namekeeper/config/config.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace namekeeper::config {

// A configuration error. what() is the whole message a person reads, in the form
// "config.yaml:12:3: pypi.timeout: expected a duration like 30s". Never contains a secret value.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads and validates the YAML file at `path`. Throws ConfigError.
[[nodiscard]] Config load(const std::filesystem::path& path);

// Parses YAML text; `source` names it in messages. Throws ConfigError.
[[nodiscard]] Config parse(const std::string& yaml_text, const std::filesystem::path& source);

// Parses a duration such as 30s, 10m, 24h or 7d; nullopt when it is not one.
[[nodiscard]] std::optional<Seconds> parse_duration(std::string_view text);

} // namespace namekeeper::config
