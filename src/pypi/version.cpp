// Printing and ordering versions as packaging 23 does (its _cmpkey): the order key is
// (epoch, release without trailing zeros, pre, post, dev, local), where a missing pre is +inf
// (or -inf when only dev is present, so 1.0.dev0 < 1.0a0), a missing post is -inf, a missing dev
// is +inf and a missing local is -inf. Local parts compare as (number, "") or (-inf, text).

#include "namekeeper/pypi/version.hpp"

namespace namekeeper::pypi {
namespace {

// A segment's place in the order key: -inf, a (letter, number) value, or +inf.
enum class Bound { negative_infinity, value, infinity };

struct SegmentKey {
    Bound bound = Bound::value;
    const Version::Segment* segment = nullptr;
};

std::weak_ordering compare_keys(const SegmentKey& a, const SegmentKey& b) {
    if (a.bound != b.bound) {
        return a.bound <=> b.bound;
    }
    if (a.bound != Bound::value) {
        return std::weak_ordering::equivalent;
    }
    // Python compares str by code point, which is the byte order of their UTF-8 forms.
    if (auto c = a.segment->letter <=> b.segment->letter; c != 0) {
        return c;
    }
    return compare_decimal(a.segment->number, b.segment->number);
}

SegmentKey key_or(const std::optional<Version::Segment>& segment, Bound missing) {
    return segment ? SegmentKey{Bound::value, &*segment} : SegmentKey{missing, nullptr};
}

std::size_t significant_length(const std::vector<std::string>& release) {
    std::size_t n = release.size();
    while (n > 0 && release[n - 1] == "0") {
        --n;
    }
    return n;
}

std::weak_ordering compare_release(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    const std::size_t na = significant_length(a);
    const std::size_t nb = significant_length(b);
    for (std::size_t i = 0; i < na && i < nb; ++i) {
        if (auto c = compare_decimal(a[i], b[i]); c != 0) {
            return c;
        }
    }
    return na <=> nb;
}

std::weak_ordering compare_local(const std::optional<std::vector<Version::LocalPart>>& a,
                                 const std::optional<std::vector<Version::LocalPart>>& b) {
    if (!a || !b) {
        return a.has_value() <=> b.has_value();
    }
    for (std::size_t i = 0; i < a->size() && i < b->size(); ++i) {
        const Version::LocalPart& pa = (*a)[i];
        const Version::LocalPart& pb = (*b)[i];
        if (pa.numeric != pb.numeric) {
            return pa.numeric <=> pb.numeric; // text parts sort before numeric ones
        }
        const std::weak_ordering c =
            pa.numeric ? compare_decimal(pa.text, pb.text) : std::weak_ordering(pa.text <=> pb.text);
        if (c != 0) {
            return c;
        }
    }
    return a->size() <=> b->size();
}

} // namespace

std::strong_ordering compare_decimal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return a.size() <=> b.size();
    }
    return a.compare(b) <=> 0;
}

std::string Version::to_string() const {
    std::string out;
    if (m_epoch != "0") {
        out += m_epoch;
        out += '!';
    }
    for (std::size_t i = 0; i < m_release.size(); ++i) {
        if (i > 0) {
            out += '.';
        }
        out += m_release[i];
    }
    if (m_pre) {
        out += m_pre->letter;
        out += m_pre->number;
    }
    if (m_post) {
        out += ".post"; // packaging prints the number only, whatever the letter was
        out += m_post->number;
    }
    if (m_dev) {
        out += ".dev";
        out += m_dev->number;
    }
    if (m_local) {
        out += '+';
        for (std::size_t i = 0; i < m_local->size(); ++i) {
            if (i > 0) {
                out += '.';
            }
            out += (*m_local)[i].text;
        }
    }
    return out;
}

std::weak_ordering Version::operator<=>(const Version& other) const {
    if (auto c = compare_decimal(m_epoch, other.m_epoch); c != 0) {
        return c;
    }
    if (auto c = compare_release(m_release, other.m_release); c != 0) {
        return c;
    }
    const Bound no_pre = (!m_post && m_dev) ? Bound::negative_infinity : Bound::infinity;
    const Bound other_no_pre = (!other.m_post && other.m_dev) ? Bound::negative_infinity : Bound::infinity;
    if (auto c = compare_keys(key_or(m_pre, no_pre), key_or(other.m_pre, other_no_pre)); c != 0) {
        return c;
    }
    if (auto c = compare_keys(key_or(m_post, Bound::negative_infinity),
                              key_or(other.m_post, Bound::negative_infinity));
        c != 0) {
        return c;
    }
    if (auto c = compare_keys(key_or(m_dev, Bound::infinity), key_or(other.m_dev, Bound::infinity)); c != 0) {
        return c;
    }
    return compare_local(m_local, other.m_local);
}

bool Version::operator==(const Version& other) const {
    return (*this <=> other) == 0;
}

} // namespace namekeeper::pypi
