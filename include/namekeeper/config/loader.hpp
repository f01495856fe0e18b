#pragma once

// Loading the YAML configuration of SPEC.md. The loader is strict: unknown keys, wrong types and
// values out of range are errors that name the file, line, column and key. Every scalar may hold
// ${VAR} (expanded from the environment; $$ is a literal $), and every secret has a *_file twin.

#include "namekeeper/config/config.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

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

// Parses a duration: a positive whole number and one unit of s, m, h or d (30s, 10m, 24h, 7d), with
// no sign, space or fraction, and at most 36500d so that adding it to a clock's now() cannot
// overflow. nullopt when it is not one.
[[nodiscard]] std::optional<Seconds> parse_duration(std::string_view text);

// A listener address split from HOST:PORT; an IPv6 host is written [::1]:8080 and kept here
// without its brackets.
struct ListenAddress {
    std::string host;
    int port = 0;
};

// Parses HOST:PORT where HOST is an IPv4 address, a bracketed IPv6 address or a host name, and PORT
// is 1..65535. nullopt when it is not one.
// Whether port 0 ("any free port", for `serve --listen` in tests and demos) is accepted.
enum class PortZero { refused, allowed };

[[nodiscard]] std::optional<ListenAddress> parse_listen_address(std::string_view text,
                                                                PortZero port_zero = PortZero::refused);

// Whether a listener host (as in ListenAddress::host) only accepts local connections:
// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or localhost.
[[nodiscard]] bool is_loopback_host(std::string_view host);

} // namespace namekeeper::config
