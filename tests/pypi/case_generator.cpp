#include "pypi/case_generator.hpp"

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace namekeeper::test {
namespace {

constexpr std::array<std::string_view, 3> k_separators{"-", "_", "."};

std::string number(Rng& rng) {
    const std::size_t kind = rng.below(100);
    if (kind < 55) {
        return std::to_string(rng.below(10));
    }
    if (kind < 80) {
        return std::to_string(rng.below(100000));
    }
    if (kind < 88) {
        return std::string(1 + rng.below(3), '0') + std::to_string(rng.below(100));
    }
    if (kind < 99) { // past 64 bits
        std::string digits = std::to_string(1 + rng.below(9));
        for (std::size_t i = 0, n = 18 + rng.below(40); i < n; ++i) {
            digits += static_cast<char>('0' + rng.below(10));
        }
        return digits;
    }
    // Around Python's 4300-digit limit for int().
    return std::string(4299 + rng.below(3), '9');
}

std::string optional_separator(Rng& rng, std::size_t percent) {
    return rng.chance(percent) ? std::string(rng.pick(k_separators)) : std::string();
}

// `word` with each letter in a random case, and now and then a non-ASCII character that Python's
// re.IGNORECASE takes for an ASCII letter.
enum class Folds { no, yes };

std::string random_case(Rng& rng, std::string_view word, Folds folds = Folds::yes) {
    std::string out;
    for (char c : word) {
        if (folds == Folds::yes && rng.chance(2) && (c == 'i' || c == 's' || c == 'k')) {
            out += c == 'i' ? (rng.chance(50) ? "\xC4\xB0" : "\xC4\xB1")
                            : (c == 's' ? "\xC5\xBF" : "\xE2\x84\xAA");
        } else if (rng.chance(30)) {
            out += static_cast<char>(c - 'a' + 'A');
        } else {
            out += c;
        }
    }
    return out;
}

std::string whitespace(Rng& rng) {
    static constexpr std::array<std::string_view, 9> k_spaces{
        " ", "\t", "\n", "\r", "\v", "\x1c", "\xC2\xA0", "\xE3\x80\x80", "\xE2\x80\xA8"};
    return rng.chance(92) ? std::string() : std::string(rng.pick(k_spaces));
}

std::string local_part(Rng& rng) {
    static constexpr std::array<std::string_view, 10> k_parts{"1",   "01", "0",  "abc",    "ABC",
                                                              "a1b", "z",  "99", "ubuntu", "kernel"};
    return rng.chance(50) ? number(rng) : random_case(rng, rng.pick(k_parts));
}

} // namespace

std::string spelled_version(Rng& rng) {
    static constexpr std::array<std::string_view, 8> k_pre{"a",     "b",    "c",   "rc",
                                                           "alpha", "beta", "pre", "preview"};
    static constexpr std::array<std::string_view, 3> k_post{"post", "rev", "r"};
    std::string out = whitespace(rng);
    if (rng.chance(10)) {
        out += rng.chance(50) ? "v" : "V";
    }
    if (rng.chance(10)) {
        out += number(rng) + "!";
    }
    out += number(rng);
    for (std::size_t i = 0, n = rng.below(5); i < n; ++i) {
        out += "." + number(rng);
    }
    if (rng.chance(35)) {
        out += optional_separator(rng, 30) + random_case(rng, rng.pick(k_pre)) + optional_separator(rng, 20);
        out += rng.chance(80) ? number(rng) : "";
    }
    if (rng.chance(30)) {
        if (rng.chance(25)) {
            out += "-" + number(rng);
        } else {
            out += optional_separator(rng, 60) + random_case(rng, rng.pick(k_post)) +
                   optional_separator(rng, 20);
            out += rng.chance(80) ? number(rng) : "";
        }
    }
    if (rng.chance(30)) {
        out += optional_separator(rng, 70) + random_case(rng, "dev") + optional_separator(rng, 20);
        out += rng.chance(80) ? number(rng) : "";
    }
    if (rng.chance(25)) {
        out += "+" + local_part(rng);
        for (std::size_t i = 0, n = rng.below(3); i < n; ++i) {
            out += std::string(rng.pick(k_separators)) + local_part(rng);
        }
    }
    return out + whitespace(rng);
}

namespace {

// The values of a close version, so that one value can be spelled twice.
struct CloseValues {
    bool epoch = false;
    std::vector<std::size_t> release;
    std::optional<std::pair<std::size_t, std::size_t>> pre; // which letter, which number
    std::optional<std::size_t> post;
    std::optional<std::size_t> dev;
    std::optional<std::size_t> local;
};

CloseValues close_values(Rng& rng) {
    CloseValues values;
    values.epoch = rng.chance(5);
    for (std::size_t i = 0, n = 1 + rng.below(3); i < n; ++i) {
        values.release.push_back(rng.below(2));
    }
    if (rng.chance(30)) {
        values.pre = std::make_pair(rng.below(3), rng.below(2));
    }
    if (rng.chance(30)) {
        values.post = rng.below(2);
    }
    if (rng.chance(30)) {
        values.dev = rng.below(2);
    }
    if (rng.chance(30)) {
        values.local = rng.below(4);
    }
    return values;
}

// One of the spellings of `values`: trailing zeros, leading zeros, alternative words, case,
// implicit numbers and implicit post releases vary; the order key does not.
std::string spell(Rng& rng, const CloseValues& values) {
    static constexpr std::array<std::array<std::string_view, 2>, 3> k_pre{
        {{"a", "alpha"}, {"b", "Beta"}, {"rc", "c"}}};
    static constexpr std::array<std::array<std::string_view, 2>, 4> k_locals{
        {{"1", "01"}, {"a", "A"}, {"1.a", "1-A"}, {"a.0", "a_00"}}};
    const auto zeros = [&] { return std::string(rng.chance(10) ? 1 : 0, '0'); };
    std::string out = values.epoch ? zeros() + "1!" : (rng.chance(10) ? "0!" : "");
    for (std::size_t i = 0; i < values.release.size(); ++i) {
        out += (i > 0 ? "." : "") + zeros() + std::to_string(values.release[i]);
    }
    for (std::size_t i = 0, n = rng.below(2); i < n; ++i) {
        out += ".0";
    }
    if (values.pre) {
        out += std::string(k_pre[values.pre->first][rng.below(2)]);
        out +=
            (values.pre->second == 0 && rng.chance(50)) ? "" : zeros() + std::to_string(values.pre->second);
    }
    if (values.post) {
        out += (*values.post > 0 && rng.chance(30))
                   ? "-" + std::to_string(*values.post)
                   : (rng.chance(50) ? ".post" : "-rev") + zeros() + std::to_string(*values.post);
    }
    if (values.dev) {
        out += (*values.dev == 0 && rng.chance(30)) ? "dev" : ".dev" + std::to_string(*values.dev);
    }
    if (values.local) {
        out += "+" + std::string(k_locals[*values.local][rng.below(2)]);
    }
    return out;
}

} // namespace

std::string close_version(Rng& rng) {
    return spell(rng, close_values(rng));
}

std::pair<std::string, std::string> close_version_pair(Rng& rng) {
    const CloseValues a = close_values(rng);
    if (rng.chance(30)) {
        return {spell(rng, a), spell(rng, a)};
    }
    return {spell(rng, a), spell(rng, close_values(rng))};
}

std::string mutated(Rng& rng, std::string text) {
    static constexpr std::string_view k_alphabet = "0123456789.-_+!vVaAbBcCrRpPdDeEzZ \t/#*~";
    for (std::size_t edits = 1 + rng.below(3); edits > 0; --edits) {
        const std::size_t at = text.empty() ? 0 : rng.below(text.size() + 1);
        switch (rng.below(5)) {
        case 0:
            if (at < text.size()) {
                text.erase(at, 1);
            }
            break;
        case 1:
        case 2:
            text.insert(at, 1, k_alphabet[rng.below(k_alphabet.size())]);
            break;
        case 3:
            if (at + 1 < text.size()) {
                std::swap(text[at], text[at + 1]);
            }
            break;
        default:
            text.resize(at);
            break;
        }
    }
    return text;
}

std::string junk_version(Rng& rng) {
    static constexpr std::string_view k_alphabet = "0123456789.-_+!vabcrpostdevilwx ";
    std::string out;
    for (std::size_t i = 0, n = rng.below(12); i < n; ++i) {
        out += k_alphabet[rng.below(k_alphabet.size())];
    }
    return out;
}

std::string random_name(Rng& rng) {
    static constexpr std::array<std::string_view, 22> k_words{
        "os",     "path", "xml",   "etree",   "ElementTree", "json",   "asyncio", "email",
        "mime",   "text", "_",     "future",  "__future__",  "thread", "http",    "client",
        "config", "acme", "utils", "tomllib", "importlib",   "Lib2to3"};
    std::string out;
    if (rng.chance(50)) {
        for (std::size_t i = 0, n = 1 + rng.below(3); i < n; ++i) {
            if (i > 0) {
                out += rng.pick(k_separators);
            }
            const std::string_view word = rng.pick(k_words);
            out += rng.chance(20) ? random_case(rng, word, Folds::no) : std::string(word);
        }
        return rng.chance(15) ? mutated(rng, out) : out;
    }
    static constexpr std::string_view k_common = "abcXYZ019-_.";
    for (std::size_t i = 0, n = rng.below(10); i < n; ++i) {
        out += rng.chance(95) ? k_common[rng.below(k_common.size())] : static_cast<char>(rng.below(128));
    }
    return out;
}

std::string wheel_filename(Rng& rng) {
    static constexpr std::array<std::string_view, 6> k_tags{
        "py3-none-any", "py2.py3-none-any",          "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
        "PY3-NONE-ANY", "cp39.cp310-abi3-win_amd64", "py3-none-any.any"};
    std::string name = random_name(rng);
    if (rng.chance(50)) { // the escaped spelling wheels use
        for (char& c : name) {
            c = (c == '-' || c == '.') ? '_' : c;
        }
    }
    std::string out = name + "-" + (rng.chance(80) ? close_version(rng) : spelled_version(rng));
    if (rng.chance(20)) {
        out += "-" + (rng.chance(80) ? std::to_string(rng.below(20)) + (rng.chance(30) ? "abc" : "") : "x1");
    }
    out += "-" + std::string(rng.pick(k_tags)) + (rng.chance(95) ? ".whl" : ".zip");
    std::string ascii;
    for (char c : out) { // the version may carry non-ASCII folds and spaces; filenames stay ASCII
        if (static_cast<unsigned char>(c) < 0x80) {
            ascii += c;
        }
    }
    return rng.chance(15) ? mutated(rng, ascii) : ascii;
}

std::string sdist_filename(Rng& rng) {
    static constexpr std::array<std::string_view, 5> k_extensions{".tar.gz", ".zip", ".tgz", ".tar.bz2",
                                                                  ".tar"};
    std::string out = random_name(rng) + (rng.chance(90) ? "-" : "") +
                      (rng.chance(80) ? close_version(rng) : junk_version(rng)) +
                      std::string(rng.chance(85) ? k_extensions[rng.below(2)] : rng.pick(k_extensions));
    return rng.chance(15) ? mutated(rng, out) : out;
}

} // namespace namekeeper::test
