#include "namekeeper/pypi/filename.hpp"
#include "namekeeper/pypi/name.hpp"
#include "pypi/python_text.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace namekeeper::pypi {
namespace {

using detail::printable;
using detail::split;

constexpr std::size_t k_max_path_bytes = 4096;
constexpr std::size_t k_max_segment_bytes = 255; // NAME_MAX of common file systems

enum class Kind { wheel, sdist, egg };

struct Extension {
    std::string_view suffix;
    Kind kind;
};

// What Artifactory's PyPI repositories hold and pip can install; matched case-sensitively, as pip
// matches them.
constexpr std::array<Extension, 7> k_extensions{{
    {".whl", Kind::wheel},
    {".tar.gz", Kind::sdist},
    {".tgz", Kind::sdist},
    {".zip", Kind::sdist},
    {".tar.bz2", Kind::sdist},
    {".tar.xz", Kind::sdist},
    {".egg", Kind::egg},
}};

NameError fail(NameErrorKind kind, std::string reason) {
    return NameError{kind, std::move(reason)};
}

// The checks that come before anything else: the path must be one that cannot leave the
// repository and that a log can quote.
std::expected<std::vector<std::string_view>, NameError> safe_segments(std::string_view path) {
    if (path.empty()) {
        return std::unexpected(fail(NameErrorKind::empty, "artifact path is empty"));
    }
    const std::string quoted = printable(path);
    if (std::any_of(path.begin(), path.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte < 0x20 || byte == 0x7F;
        })) {
        return std::unexpected(fail(NameErrorKind::control_character,
                                    fmt::format("artifact path '{}' holds a control character", quoted)));
    }
    if (path.find('\\') != std::string_view::npos) {
        return std::unexpected(
            fail(NameErrorKind::unsafe_path, fmt::format("artifact path '{}' holds a backslash", quoted)));
    }
    if (path.front() == '/') {
        return std::unexpected(
            fail(NameErrorKind::unsafe_path, fmt::format("artifact path '{}' is absolute", quoted)));
    }
    if (path.size() > k_max_path_bytes) {
        return std::unexpected(
            fail(NameErrorKind::too_long,
                 fmt::format("artifact path '{}' is longer than {} bytes", quoted, k_max_path_bytes)));
    }
    std::vector<std::string_view> segments = split(path, '/');
    for (std::string_view segment : segments) {
        if (segment.empty() || segment == "." || segment == "..") {
            return std::unexpected(
                fail(NameErrorKind::unsafe_path,
                     fmt::format("artifact path '{}' has an empty, '.' or '..' segment", quoted)));
        }
        if (segment.size() > k_max_segment_bytes) {
            return std::unexpected(fail(NameErrorKind::too_long,
                                        fmt::format("artifact path '{}' has a segment longer than {} bytes",
                                                    quoted, k_max_segment_bytes)));
        }
    }
    return segments;
}

const Extension* distribution_extension(std::string_view filename) {
    for (const Extension& extension : k_extensions) {
        if (filename.size() > extension.suffix.size() && filename.ends_with(extension.suffix)) {
            return &extension;
        }
    }
    return nullptr;
}

// A name from the filename: the raw name and the version that follows it.
struct FilenameName {
    std::string_view raw_name;
    Version version;
};

std::expected<FilenameName, NameError> wheel_name(std::string_view filename, std::string_view stem) {
    const std::vector<std::string_view> fields = split(stem, '-');
    if (fields.size() != 5 && fields.size() != 6) {
        return std::unexpected(
            fail(NameErrorKind::malformed_wheel, fmt::format("wheel '{}' has {} '-' fields, not 5 or 6",
                                                             printable(filename), fields.size())));
    }
    if (fields[1].empty()) {
        return std::unexpected(fail(NameErrorKind::missing_version,
                                    fmt::format("wheel '{}' has no version", printable(filename))));
    }
    auto version = Version::parse(fields[1]);
    if (!version) {
        return std::unexpected(fail(NameErrorKind::invalid_version,
                                    fmt::format("wheel '{}': {}", printable(filename), version.error())));
    }
    return FilenameName{fields[0], std::move(*version)};
}

// The rightmost `-` whose remainder is a version; for an egg the remainder ends at the next `-`
// (`name-1.0-py3.8-linux_x86_64.egg`). Nothing when no `-` qualifies.
std::optional<FilenameName> archive_name(std::string_view stem, Kind kind) {
    for (std::size_t dash = stem.rfind('-'); dash != std::string_view::npos && dash > 0;
         dash = stem.rfind('-', dash - 1)) {
        std::string_view remainder = stem.substr(dash + 1);
        if (kind == Kind::egg) {
            remainder = remainder.substr(0, remainder.find('-'));
        }
        if (auto version = Version::parse(remainder)) {
            return FilenameName{stem.substr(0, dash), std::move(*version)};
        }
    }
    return std::nullopt;
}

} // namespace

std::string_view to_string(NameRule rule) {
    switch (rule) {
    case NameRule::wheel_filename:
        return "wheel-filename";
    case NameRule::archive_filename:
        return "archive-filename";
    case NameRule::first_path_segment:
        return "first-path-segment";
    }
    return "unknown";
}

std::expected<std::optional<ArtifactName>, NameError> derive_artifact_name(std::string_view repo_path) {
    auto segments = safe_segments(repo_path);
    if (!segments) {
        return std::unexpected(std::move(segments.error()));
    }
    const std::string_view filename = segments->back();
    const Extension* extension = distribution_extension(filename);
    if (segments->front() == ".pypi" || extension == nullptr) {
        return std::optional<ArtifactName>{}; // Artifactory's own index files, or not a distribution
    }
    if (!std::all_of(repo_path.begin(), repo_path.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        return std::unexpected(fail(NameErrorKind::non_ascii,
                                    fmt::format("artifact path '{}' is not ASCII", printable(repo_path))));
    }

    const std::string_view stem = filename.substr(0, filename.size() - extension->suffix.size());
    const bool in_folder = segments->size() >= 2;
    ArtifactName result;
    if (extension->kind == Kind::wheel) {
        auto found = wheel_name(filename, stem);
        if (!found) {
            return std::unexpected(std::move(found.error()));
        }
        result.raw_name = found->raw_name;
        result.version = std::move(found->version);
        result.rule = NameRule::wheel_filename;
    } else if (auto found = archive_name(stem, extension->kind)) {
        result.raw_name = found->raw_name;
        result.version = std::move(found->version);
        result.rule = NameRule::archive_filename;
    } else if (in_folder) {
        result.raw_name = segments->front();
        result.rule = NameRule::first_path_segment;
        if (segments->size() >= 3) {
            if (auto version = Version::parse((*segments)[1])) {
                result.version = std::move(*version);
            }
        }
    } else {
        return std::unexpected(
            fail(NameErrorKind::missing_version,
                 fmt::format("'{}' has no '-' followed by a PEP 440 version, and no folder "
                             "to take the name from",
                             printable(filename))));
    }

    if (!is_valid_name(result.raw_name)) {
        return std::unexpected(fail(NameErrorKind::invalid_name,
                                    fmt::format("'{}' in artifact path '{}' is not a valid project name",
                                                printable(result.raw_name), printable(repo_path))));
    }
    result.name = normalize(result.raw_name);
    if (result.rule != NameRule::first_path_segment && in_folder &&
        normalize(segments->front()) != result.name) {
        result.mismatched_folder = std::string(segments->front());
    }
    return result;
}

} // namespace namekeeper::pypi
