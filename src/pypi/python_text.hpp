#pragma once

// The few Unicode rules of Python's `re` that packaging's version pattern exposes, on UTF-8 bytes:
// `\s` (str.isspace) and IGNORECASE letters, under which four non-ASCII characters match ASCII
// ones: U+0130 and U+0131 match `i`, U+017F matches `s`, U+212A (Kelvin sign) matches `k`.
// Python then lowercases what matched with str.lower(), which these helpers reproduce.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::pypi::detail {

// Byte length of the whitespace character starting at `pos`, or 0 when there is none.
[[nodiscard]] std::size_t python_space_length(std::string_view text, std::size_t pos);

// Byte length of the character at `pos` when it matches the lowercase ASCII letter `letter`
// case-insensitively as Python's `re` does, or 0. Appends str.lower() of it to `lowered`.
std::size_t match_folded_letter(std::string_view text, std::size_t pos, char letter, std::string& lowered);

// Byte length of a character at `pos` that matches [a-z0-9] case-insensitively, or 0; appends its
// str.lower() to `lowered`.
std::size_t match_folded_alnum(std::string_view text, std::size_t pos, std::string& lowered);

// `text` made safe to quote in a message: printable ASCII as is, everything else as \xNN, and
// cut after 100 bytes (with the full length said) so that hostile input cannot flood a log.
[[nodiscard]] std::string printable(std::string_view text);

// `text` cut at every `separator`; empty fields are kept ("a--b" gives a, "", b).
[[nodiscard]] std::vector<std::string_view> split(std::string_view text, char separator);

[[nodiscard]] inline bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace namekeeper::pypi::detail
