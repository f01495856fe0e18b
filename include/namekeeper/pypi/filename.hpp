#pragma once

// Distribution filenames and the project name an artifact path stands for.
//
// parse_wheel_filename and parse_sdist_filename accept and refuse what packaging 23's functions of
// the same names do, for ASCII filenames; non-ASCII filenames are refused outright (packaging
// would read some through Python's Unicode `\w` and str.lower(), which PyPI names never need).
//
// derive_artifact_name applies SPEC.md "From artifact to name" to a path relative to a
// repository's root (`acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.whl`):
//   - paths under `.pypi/` and files that are not distributions are skipped (no name, no error);
//   - a wheel's name is the first `-` field of its filename;
//   - an sdist's or egg's name is what stands before the last `-` whose remainder parses as a
//     PEP 440 version (for an egg, the field after that `-`, since `-pyX.Y[-platform]` follows);
//   - otherwise the first path segment (the `<name>/<version>/<file>` layout of pip and twine).
// Paths that could escape the repository or hide bytes from a log are refused before anything.

#include "namekeeper/pypi/version.hpp"

#include <compare>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::pypi {

struct WheelTag {
    std::string interpreter; // lowercase, as packaging.tags.Tag keeps them
    std::string abi;
    std::string platform;
    auto operator<=>(const WheelTag&) const = default;
};

struct BuildTag {
    std::string number; // the leading digits, without leading zeros
    std::string suffix; // what follows them
    auto operator<=>(const BuildTag&) const = default;
};

struct WheelFilename {
    std::string name; // normalized (PEP 503)
    Version version;
    std::optional<BuildTag> build;
    std::vector<WheelTag> tags; // the expanded compressed tag set, sorted, without duplicates
};

struct SdistFilename {
    std::string name; // normalized (PEP 503)
    Version version;
};

// `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`; the error is a human reason.
[[nodiscard]] std::expected<WheelFilename, std::string> parse_wheel_filename(std::string_view filename);

// `{name}-{version}.tar.gz` or `.zip`, split at the last `-`; the error is a human reason.
[[nodiscard]] std::expected<SdistFilename, std::string> parse_sdist_filename(std::string_view filename);

// Which of SPEC.md's three rules gave an artifact its name.
enum class NameRule { wheel_filename, archive_filename, first_path_segment };
[[nodiscard]] std::string_view to_string(NameRule rule);

struct ArtifactName {
    std::string name;               // normalized (PEP 503)
    std::string raw_name;           // as the filename (or folder) spells it
    std::optional<Version> version; // from the filename, or the `<name>/<version>/` folder
    NameRule rule = NameRule::first_path_segment;
    // The first path segment, when the filename gives a name that it does not normalize to.
    std::optional<std::string> mismatched_folder;
};

enum class NameErrorKind {
    empty,
    unsafe_path,       // absolute, `.`/`..` or empty segments, backslashes
    control_character, // bytes below 0x20 and 0x7F
    non_ascii,
    too_long, // a path over 4096 bytes or a segment over 255 (no file system holds such a file)
    malformed_wheel,
    missing_version,
    invalid_version,
    invalid_name,
};

struct NameError {
    NameErrorKind kind = NameErrorKind::empty;
    std::string reason; // for people: quotes the offending part, escaped and shortened
};

// A name (with its version), nothing (a skipped path), or why the path yields no name.
[[nodiscard]] std::expected<std::optional<ArtifactName>, NameError>
derive_artifact_name(std::string_view repo_path);

} // namespace namekeeper::pypi
