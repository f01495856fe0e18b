#include "pypi/python_text.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace namekeeper::pypi::detail {
namespace {

struct Fold {
    std::string_view utf8;    // the non-ASCII character
    char letter;              // the ASCII letter it matches
    std::string_view lowered; // its str.lower()
};

// Found by testing every code point against every ASCII letter with Python 3.11's re.IGNORECASE.
constexpr std::array<Fold, 4> k_folds{{
    {"\xC4\xB0", 'i', "i\xCC\x87"}, // LATIN CAPITAL LETTER I WITH DOT ABOVE
    {"\xC4\xB1", 'i', "\xC4\xB1"},  // LATIN SMALL LETTER DOTLESS I
    {"\xC5\xBF", 's', "\xC5\xBF"},  // LATIN SMALL LETTER LONG S
    {"\xE2\x84\xAA", 'k', "k"},     // KELVIN SIGN
}};

// Non-ASCII code points for which Python's str.isspace() holds, as UTF-8.
constexpr std::array<std::string_view, 19> k_unicode_spaces{
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81",
    "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86",
    "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8",
    "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",
};

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::size_t python_space_length(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) {
        return 0;
    }
    const auto byte = static_cast<unsigned char>(text[pos]);
    // \t \n \v \f \r, the four information separators 0x1C-0x1F, and space.
    if ((byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x20)) {
        return 1;
    }
    if (byte < 0x80) {
        return 0;
    }
    const std::string_view rest = text.substr(pos);
    for (std::string_view space : k_unicode_spaces) {
        if (rest.starts_with(space)) {
            return space.size();
        }
    }
    return 0;
}

std::size_t match_folded_letter(std::string_view text, std::size_t pos, char letter, std::string& lowered) {
    if (pos >= text.size()) {
        return 0;
    }
    if (ascii_lower(text[pos]) == letter) {
        lowered.push_back(letter);
        return 1;
    }
    const std::string_view rest = text.substr(pos);
    for (const Fold& fold : k_folds) {
        if (fold.letter == letter && rest.starts_with(fold.utf8)) {
            lowered.append(fold.lowered);
            return fold.utf8.size();
        }
    }
    return 0;
}

std::size_t match_folded_alnum(std::string_view text, std::size_t pos, std::string& lowered) {
    if (pos >= text.size()) {
        return 0;
    }
    const char c = ascii_lower(text[pos]);
    if (is_ascii_digit(c) || (c >= 'a' && c <= 'z')) {
        lowered.push_back(c);
        return 1;
    }
    const std::string_view rest = text.substr(pos);
    for (const Fold& fold : k_folds) {
        if (rest.starts_with(fold.utf8)) {
            lowered.append(fold.lowered);
            return fold.utf8.size();
        }
    }
    return 0;
}

std::string printable(std::string_view text) {
    constexpr std::size_t k_shown = 100;
    std::string out;
    out.reserve(std::min(text.size(), k_shown) + 32);
    for (char c : text.substr(0, k_shown)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7F && c != '\\') {
            out.push_back(c);
        } else {
            out += fmt::format("\\x{:02x}", byte);
        }
    }
    if (text.size() > k_shown) {
        out += fmt::format("... ({} bytes)", text.size());
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = text.find(separator, start);
        parts.push_back(
            text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) {
            return parts;
        }
        start = at + 1;
    }
}

} // namespace namekeeper::pypi::detail
