#pragma once

// PEP 440 versions exactly as Debian's python3-packaging 23 (packaging.version.Version) reads,
// prints and orders them, because that is what pip uses to pick the "highest" version across
// indexes, which decides whether a public upload beats an internal release.
//
// Numbers are kept as decimal digit strings without leading zeros, so they may be arbitrarily long
// (up to Python's 4300-digit int conversion limit, past which packaging fails as well).

#include <compare>
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::pypi {

class Version {
public:
    // Accepts every spelling packaging accepts (leading `v`, surrounding whitespace, any case,
    // `alpha`/`beta`/`c`/`pre`/`preview`, `rev`/`r`, implicit post `1.0-1`, `.`/`-`/`_` separators,
    // local `+abc.1`) and refuses everything else. The error reads
    // "invalid version 'x': <why>".
    [[nodiscard]] static std::expected<Version, std::string> parse(std::string_view text);

    // The canonical spelling, as str(packaging.version.Version(text)): `1.0a0.post1.dev2+abc.1`.
    [[nodiscard]] std::string to_string() const;

    // A pre-release or a development release (`1.0a1`, `1.0.dev0`, `1.0.post1.dev0`).
    [[nodiscard]] bool is_prerelease() const { return m_pre.has_value() || m_dev.has_value(); }
    [[nodiscard]] bool is_postrelease() const { return m_post.has_value(); }
    [[nodiscard]] bool is_devrelease() const { return m_dev.has_value(); }
    [[nodiscard]] bool has_local() const { return m_local.has_value(); }

    // packaging's order: epoch, release (trailing zeros ignored), pre-release (`.devN` alone sorts
    // before any pre-release), post, dev, then the local segment (alphanumeric parts before
    // numeric ones, a longer local after its prefix). Equal means packaging's order keys are
    // equal: 1.0 == 1.0.0 and 1.0+01 == 1.0+1, although to_string() tells the first pair apart.
    [[nodiscard]] std::weak_ordering operator<=>(const Version& other) const;
    [[nodiscard]] bool operator==(const Version& other) const;

    // A normalized letter segment: the letter is `a`, `b`, `rc`, `post` or `dev` for every ASCII
    // spelling; `number` is decimal digits without leading zeros.
    struct Segment {
        std::string letter;
        std::string number;
    };
    // One dot-separated part of the local version: digits without leading zeros, or lowercase text.
    struct LocalPart {
        bool numeric = false;
        std::string text;
    };

    [[nodiscard]] const std::string& epoch() const { return m_epoch; }
    [[nodiscard]] const std::vector<std::string>& release() const { return m_release; }
    [[nodiscard]] const std::optional<Segment>& pre() const { return m_pre; }
    [[nodiscard]] const std::optional<Segment>& post() const { return m_post; }
    [[nodiscard]] const std::optional<Segment>& dev() const { return m_dev; }
    [[nodiscard]] const std::optional<std::vector<LocalPart>>& local() const { return m_local; }

private:
    friend class VersionParser;
    Version() = default;

    std::string m_epoch = "0";
    std::vector<std::string> m_release;
    std::optional<Segment> m_pre;
    std::optional<Segment> m_post;
    std::optional<Segment> m_dev;
    std::optional<std::vector<LocalPart>> m_local;
};

// Compares two decimal digit strings without leading zeros by value.
[[nodiscard]] std::strong_ordering compare_decimal(std::string_view a, std::string_view b);

} // namespace namekeeper::pypi
