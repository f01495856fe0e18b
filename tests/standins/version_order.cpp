#include "standins/version_order.hpp"

#include <cctype>
#include <charconv>
#include <compare>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace namekeeper::standins {
namespace {

struct ParsedVersion {
    long epoch = 0;
    std::vector<long> release;
    // Ranks make PEP 440's order a tuple compare: dev-only < a < b < rc < final, and post after.
    int pre_rank = 3; // 0 dev-only release, 1 a, 2 b, 3 rc-or-final placeholder, see below
    long pre_number = 0;
    long post = -1; // -1: none
    long dev = -1;  // -1: none
    std::string local;
};

class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}
    bool done() const { return m_pos >= m_text.size(); }
    bool skip_separator() {
        if (!done() && (m_text[m_pos] == '.' || m_text[m_pos] == '-' || m_text[m_pos] == '_')) {
            ++m_pos;
            return true;
        }
        return false;
    }
    std::optional<long> number() {
        long value = 0;
        const auto* begin = m_text.data() + m_pos;
        const auto [end, ec] = std::from_chars(begin, m_text.data() + m_text.size(), value);
        if (ec != std::errc{}) {
            return std::nullopt;
        }
        m_pos += static_cast<std::size_t>(end - begin);
        return value;
    }
    bool word(std::string_view w) {
        if (m_text.substr(m_pos).starts_with(w)) {
            m_pos += w.size();
            return true;
        }
        return false;
    }
    std::size_t position() const { return m_pos; }
    void reset(std::size_t position) { m_pos = position; }
    std::string_view rest() const { return m_text.substr(m_pos); }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::optional<ParsedVersion> parse(std::string_view raw) {
    std::string text;
    for (const char c : raw) {
        text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (!text.empty() && text.front() == 'v') {
        text.erase(0, 1);
    }
    ParsedVersion v;
    if (const auto plus = text.find('+'); plus != std::string::npos) {
        v.local = text.substr(plus + 1);
        text.resize(plus);
    }
    Cursor cursor(text);
    auto first = cursor.number();
    if (!first) {
        return std::nullopt;
    }
    if (cursor.word("!")) {
        v.epoch = *first;
        first = cursor.number();
        if (!first) {
            return std::nullopt;
        }
    }
    v.release.push_back(*first);
    while (cursor.rest().size() > 1 && cursor.rest()[0] == '.' &&
           std::isdigit(static_cast<unsigned char>(cursor.rest()[1])) != 0) {
        cursor.word(".");
        v.release.push_back(cursor.number().value_or(0));
    }
    bool has_pre = false;
    const std::size_t before_pre = cursor.position();
    cursor.skip_separator();
    for (const auto& [spelling, rank] : {std::pair{"alpha", 1},
                                         {"a", 1},
                                         {"beta", 2},
                                         {"b", 2},
                                         {"rc", 3},
                                         {"c", 3},
                                         {"preview", 3},
                                         {"pre", 3}}) {
        if (cursor.word(spelling)) {
            cursor.skip_separator();
            v.pre_rank = rank;
            v.pre_number = cursor.number().value_or(0);
            has_pre = true;
            break;
        }
    }
    if (!has_pre) {
        cursor.reset(before_pre);
    }
    const std::size_t before_post = cursor.position();
    cursor.skip_separator();
    if (cursor.word("post") || cursor.word("rev") || cursor.word("r")) {
        cursor.skip_separator();
        v.post = cursor.number().value_or(0);
    } else if (cursor.position() > before_post && cursor.rest().size() > 0 &&
               std::isdigit(static_cast<unsigned char>(cursor.rest().front())) != 0) {
        v.post = cursor.number().value_or(0); // "1.0-1" is 1.0.post1
    } else {
        cursor.reset(before_post);
    }
    cursor.skip_separator();
    if (cursor.word("dev")) {
        cursor.skip_separator();
        v.dev = cursor.number().value_or(0);
    }
    if (!cursor.done()) {
        return std::nullopt;
    }
    if (!has_pre) {
        // A final release sorts after its pre-releases; a dev-only release before them all.
        v.pre_rank = (v.post < 0 && v.dev >= 0) ? 0 : 4;
    }
    while (v.release.size() > 1 && v.release.back() == 0) {
        v.release.pop_back();
    }
    return v;
}

} // namespace

int compare_versions(std::string_view a, std::string_view b) {
    const auto left = parse(a);
    const auto right = parse(b);
    if (!left || !right) {
        if (left || right) {
            return left ? 1 : -1;
        }
        return a < b ? -1 : (a == b ? 0 : 1);
    }
    // A dev release of the same (pre/post) release sorts before it: dev -1 means "none", so map it high.
    const auto dev_key = [](long dev) { return dev < 0 ? std::numeric_limits<long>::max() : dev; };
    const auto key = [&](const ParsedVersion& v) {
        return std::tie(v.epoch, v.release, v.pre_rank, v.pre_number, v.post);
    };
    if (const auto order = key(*left) <=> key(*right); order != 0) {
        return order < 0 ? -1 : 1;
    }
    if (dev_key(left->dev) != dev_key(right->dev)) {
        return dev_key(left->dev) < dev_key(right->dev) ? -1 : 1;
    }
    return left->local.compare(right->local) < 0 ? -1 : (left->local == right->local ? 0 : 1);
}

bool is_prerelease(std::string_view version) {
    const auto parsed = parse(version);
    return parsed && (parsed->pre_rank < 4 || parsed->dev >= 0);
}

} // namespace namekeeper::standins
