// Reading a version the way packaging 23 does. packaging matches, with re.VERBOSE | re.IGNORECASE,
//
//   ^\s* v? (N!)? N(.N)* ([-_.]? (a|b|c|rc|alpha|beta|pre|preview) [-_.]? N?)?
//        ( -N | [-_.]? (post|rev|r) [-_.]? N? )? ([-_.]? dev [-_.]? N?)? (\+L([-_.]L)*)? \s*$
//
// (N digits, L [a-z0-9]+) and keeps the groups of the first match Python's backtracking finds.
// The matcher below tries the alternatives in the same order, so it accepts the same strings and
// fills the same groups: `1.0a-1` is 1.0a1 (not 1.0a0.post1), `1.0prer` is 1.0rc0.post0. Digit runs
// are always taken whole: giving digits back leaves a digit that nothing after a number accepts.
// Python's int() then refuses numbers of more than 4300 digits, so packaging fails on them too.

#include "namekeeper/pypi/version.hpp"
#include "pypi/python_text.hpp"

#include <array>
#include <fmt/format.h>

namespace namekeeper::pypi {
namespace {

using detail::is_ascii_digit;

constexpr std::size_t k_python_max_int_digits = 4300;

struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
};

// A letter segment as matched: the letter (absent for the implicit post `-N`) and its number.
struct LetterMatch {
    std::optional<Span> letter;
    std::optional<Span> number;
};

constexpr std::array<std::string_view, 8> k_pre_words{"a", "b", "c", "rc", "alpha", "beta", "pre", "preview"};
constexpr std::array<std::string_view, 3> k_post_words{"post", "rev", "r"};
constexpr std::array<std::string_view, 1> k_dev_words{"dev"};

bool is_separator(char c) {
    return c == '-' || c == '_' || c == '.';
}

std::string without_leading_zeros(std::string_view digits) {
    const auto first = digits.find_first_not_of('0');
    return first == std::string_view::npos ? std::string("0") : std::string(digits.substr(first));
}

} // namespace

class VersionParser {
public:
    explicit VersionParser(std::string_view text) : m_text(text) {}

    std::expected<Version, std::string> run() {
        if (!match_version()) {
            return std::unexpected(fmt::format("invalid version '{}': {}", detail::printable(m_text), why()));
        }
        return build();
    }

private:
    std::string_view m_text;
    std::size_t m_furthest = 0; // the furthest byte any attempt looked at, for the error message

    std::optional<Span> m_epoch;
    std::vector<Span> m_release;
    std::optional<LetterMatch> m_pre;
    std::optional<LetterMatch> m_post;
    std::optional<LetterMatch> m_dev;
    std::optional<Span> m_local;
    std::vector<Span> m_numbers; // every digit run that Python converts with int()

    std::string why() const {
        std::size_t start = 0;
        while (std::size_t n = detail::python_space_length(m_text, start)) {
            start += n;
        }
        if (start == m_text.size()) {
            return "it is empty";
        }
        if (m_furthest >= m_text.size()) {
            return "it ends too early";
        }
        return fmt::format("unexpected '{}' at offset {}", detail::printable(m_text.substr(m_furthest, 1)),
                           m_furthest);
    }

    bool at(std::size_t pos, char c) {
        m_furthest = std::max(m_furthest, pos);
        return pos < m_text.size() && m_text[pos] == c;
    }
    bool at_separator(std::size_t pos) {
        m_furthest = std::max(m_furthest, pos);
        return pos < m_text.size() && is_separator(m_text[pos]);
    }
    std::size_t digits_end(std::size_t pos) {
        while (pos < m_text.size() && is_ascii_digit(m_text[pos])) {
            ++pos;
        }
        m_furthest = std::max(m_furthest, pos);
        return pos;
    }
    // End of `word` matched case-insensitively at `pos`, or npos.
    std::size_t word_end(std::size_t pos, std::string_view word) {
        std::string ignored;
        for (char letter : word) {
            m_furthest = std::max(m_furthest, pos);
            const std::size_t n = detail::match_folded_letter(m_text, pos, letter, ignored);
            if (n == 0) {
                return std::string_view::npos;
            }
            pos += n;
        }
        return pos;
    }

    bool match_version() {
        std::size_t pos = 0;
        while (std::size_t n = detail::python_space_length(m_text, pos)) {
            pos += n;
        }
        if (at(pos, 'v') || at(pos, 'V')) {
            ++pos;
        }
        std::size_t end = digits_end(pos);
        if (end > pos && at(end, '!')) {
            m_epoch = Span{pos, end};
            pos = end + 1;
            end = digits_end(pos);
        }
        if (end == pos) {
            return false;
        }
        m_release.push_back(Span{pos, end});
        pos = end;
        while (at(pos, '.') && (end = digits_end(pos + 1)) > pos + 1) {
            m_release.push_back(Span{pos + 1, end});
            pos = end;
        }
        return match_pre(pos);
    }

    // `[-_.]? word [-_.]? N?` at `pos` for each word, in the pattern's order; calls `next` with
    // the end of each candidate until one completes the match.
    template <std::size_t Words, class Next>
    bool match_letter_segment(std::size_t pos, const std::array<std::string_view, Words>& words,
                              std::optional<LetterMatch>& out, Next next) {
        for (std::size_t start : {pos + 1, pos}) {
            if (start == pos + 1 && !at_separator(pos)) {
                continue;
            }
            for (std::string_view word : words) {
                const std::size_t word_stop = word_end(start, word);
                if (word_stop == std::string_view::npos) {
                    continue;
                }
                for (std::size_t number_start : {word_stop + 1, word_stop}) {
                    if (number_start == word_stop + 1 && !at_separator(word_stop)) {
                        continue;
                    }
                    const std::size_t number_end = digits_end(number_start);
                    out = LetterMatch{Span{start, word_stop}, std::nullopt};
                    if (number_end > number_start) {
                        out->number = Span{number_start, number_end};
                    }
                    if ((this->*next)(number_end)) {
                        return true;
                    }
                }
            }
        }
        out.reset();
        return false;
    }

    bool match_pre(std::size_t pos) {
        return match_letter_segment(pos, k_pre_words, m_pre, &VersionParser::match_post) || match_post(pos);
    }

    bool match_post(std::size_t pos) {
        if (at(pos, '-')) {
            const std::size_t end = digits_end(pos + 1);
            if (end > pos + 1) {
                m_post = LetterMatch{std::nullopt, Span{pos + 1, end}};
                if (match_dev(end)) {
                    return true;
                }
                m_post.reset();
            }
        }
        return match_letter_segment(pos, k_post_words, m_post, &VersionParser::match_dev) || match_dev(pos);
    }

    bool match_dev(std::size_t pos) {
        return match_letter_segment(pos, k_dev_words, m_dev, &VersionParser::match_tail) || match_tail(pos);
    }

    // (\+L([-_.]L)*)? \s* $
    bool match_tail(std::size_t pos) {
        m_local.reset();
        if (at(pos, '+')) {
            std::size_t end = alnum_run_end(pos + 1);
            if (end > pos + 1) {
                std::size_t run_end = 0;
                while (at_separator(end) && (run_end = alnum_run_end(end + 1)) > end + 1) {
                    end = run_end;
                }
                m_local = Span{pos + 1, end};
                pos = end;
            }
        }
        while (std::size_t n = detail::python_space_length(m_text, pos)) {
            pos += n;
        }
        m_furthest = std::max(m_furthest, pos);
        if (pos == m_text.size()) {
            return true;
        }
        m_local.reset();
        return false;
    }

    std::size_t alnum_run_end(std::size_t pos) {
        std::string ignored;
        while (std::size_t n = detail::match_folded_alnum(m_text, pos, ignored)) {
            pos += n;
        }
        m_furthest = std::max(m_furthest, pos);
        return pos;
    }

    std::string_view text(Span span) const { return m_text.substr(span.begin, span.end - span.begin); }

    std::string number(const std::optional<Span>& span) {
        if (!span) {
            return "0"; // packaging reads a missing number as 0
        }
        m_numbers.push_back(*span);
        return without_leading_zeros(text(*span));
    }

    std::string lowered(Span span) const {
        std::string out;
        for (std::size_t pos = span.begin; pos < span.end;) {
            pos += detail::match_folded_alnum(m_text, pos, out);
        }
        return out;
    }

    Version::Segment segment(const LetterMatch& match, std::string_view implicit_letter) {
        const std::string letter = match.letter ? lowered(*match.letter) : std::string(implicit_letter);
        return Version::Segment{std::string(preferred_spelling(letter)), number(match.number)};
    }

    // packaging's preferred spellings; anything else (only reachable through the non-ASCII case
    // folds) stays as lowercased, as it does in packaging.
    static std::string_view preferred_spelling(std::string_view letter) {
        if (letter == "alpha") {
            return "a";
        }
        if (letter == "beta") {
            return "b";
        }
        if (letter == "c" || letter == "pre" || letter == "preview") {
            return "rc";
        }
        if (letter == "rev" || letter == "r") {
            return "post";
        }
        return letter;
    }

    std::vector<Version::LocalPart> local_parts(Span span) {
        std::vector<Version::LocalPart> parts;
        std::size_t begin = span.begin;
        for (std::size_t pos = span.begin; pos <= span.end; ++pos) {
            if (pos < span.end && !is_separator(m_text[pos])) {
                continue;
            }
            const Span part{begin, pos};
            const std::string_view part_text = text(part);
            if (part_text.find_first_not_of("0123456789") == std::string_view::npos) {
                parts.push_back(Version::LocalPart{true, number(part)});
            } else {
                parts.push_back(Version::LocalPart{false, lowered(part)});
            }
            begin = pos + 1;
        }
        return parts;
    }

    std::expected<Version, std::string> build() {
        Version version;
        if (m_epoch) {
            version.m_epoch = number(m_epoch);
        }
        version.m_release.reserve(m_release.size());
        for (const Span& part : m_release) {
            version.m_release.push_back(number(part));
        }
        if (m_pre) {
            version.m_pre = segment(*m_pre, "");
        }
        if (m_post) {
            version.m_post = segment(*m_post, "post");
        }
        if (m_dev) {
            version.m_dev = segment(*m_dev, "");
        }
        if (m_local) {
            version.m_local = local_parts(*m_local);
        }
        for (const Span& span : m_numbers) {
            if (span.end - span.begin > k_python_max_int_digits) {
                return std::unexpected(fmt::format(
                    "invalid version '{}': a number has more than {} digits, which Python refuses",
                    detail::printable(m_text), k_python_max_int_digits));
            }
        }
        return version;
    }
};

std::expected<Version, std::string> Version::parse(std::string_view text) {
    return VersionParser(text).run();
}

} // namespace namekeeper::pypi
