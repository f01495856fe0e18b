#pragma once

// Parsers and checks for single configuration values, apart from YAML. Each check returns the
// problem as the end of a message ("expected ...") or nullopt when the value is fine; none of them
// ever quotes the value, which may be a secret.

#include <cstddef>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace namekeeper::config {

// Why ${VAR} expansion failed. `variable` is set for missing_variable only.
struct ExpandError {
    enum class Kind { missing_variable, unterminated, bad_name, lone_dollar };
    Kind kind;
    std::string variable;

    [[nodiscard]] std::string message() const;
};

// Returns the value of an environment variable, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment, through getenv.
[[nodiscard]] std::optional<std::string> process_env(const std::string& name);

// Replaces every ${NAME} with the variable's value (not expanded again) and $$ with $. NAME is
// [A-Za-z_][A-Za-z0-9_]*. Any other $ is an error, so that a forgotten brace never passes silently.
[[nodiscard]] std::expected<std::string, ExpandError> expand_variables(std::string_view text,
                                                                       const EnvLookup& lookup = process_env);

// Reads a whole file. The error is an errno value (EFBIG when it holds more than `max_bytes`).
[[nodiscard]] std::expected<std::string, int> read_file(const std::filesystem::path& path,
                                                        std::size_t max_bytes);

// Removes one trailing "\n" or "\r\n", as left by editors and `echo`.
[[nodiscard]] std::string strip_one_newline(std::string text);

// A decimal whole number with an optional leading '-', nothing else; nullopt on overflow.
[[nodiscard]] std::optional<long long> parse_whole_number(std::string_view text);

// Whether a URL may carry user:password@ (only secret URLs may).
enum class UrlCredentials { refused, allowed };

// http:// or https://, a host, an optional port 1..65535, no space or control character.
[[nodiscard]] std::optional<std::string> url_problem(std::string_view url, UrlCredentials credentials);

// Removes trailing slashes, keeping at least "scheme://host".
[[nodiscard]] std::string strip_trailing_slashes(std::string url);

// Whether the text holds a control character (newline, tab, NUL, DEL...), which would break a
// header or a METADATA field.
[[nodiscard]] bool has_control_characters(std::string_view text);

// A PEP 440 version in normalized form without a local part (PyPI refuses local versions).
[[nodiscard]] bool is_public_version(std::string_view text);

// An Artifactory repository key: letters, digits, '.', '_' and '-'.
[[nodiscard]] bool is_repository_key(std::string_view text);

// A plausible e-mail address: something@something, with no space or control character.
[[nodiscard]] bool is_email_address(std::string_view text);

} // namespace namekeeper::config
