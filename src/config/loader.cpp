// TEMPORARY: returns defaults only; the config work replaces this file with the strict YAML loader.
#include "namekeeper/config/loader.hpp"

namespace namekeeper::config {

Config load(const std::filesystem::path& path) {
    Config config;
    config.source = path;
    return config;
}

Config parse(const std::string&, const std::filesystem::path& source) {
    Config config;
    config.source = source;
    return config;
}

std::optional<Seconds> parse_duration(std::string_view) {
    return std::nullopt;
}

} // namespace namekeeper::config
