// Wheel and sdist filenames, read as packaging 23's parse_wheel_filename and parse_sdist_filename
// read them. Their checks are looser than PEP 427 in places, and we keep them so: an empty name
// part is accepted, a name part may end in one "\n" (Python's `$` matches before a final newline),
// the build tag is digits followed by anything up to a newline, and tags are not validated.

#include "namekeeper/pypi/filename.hpp"

#include "namekeeper/pypi/name.hpp"
#include "pypi/python_text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace namekeeper::pypi {
namespace {

using detail::is_ascii_digit;
using detail::split;

constexpr std::size_t k_python_max_int_digits = 4300;

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// packaging's `re.match(r"^[\w\d._]*$", name)` on ASCII, and no "__" in it.
bool is_wheel_name_part(std::string_view name) {
    if (name.find("__") != std::string_view::npos) {
        return false;
    }
    if (name.ends_with('\n')) {
        name.remove_suffix(1);
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
    });
}

std::expected<BuildTag, std::string> parse_build_tag(std::string_view build, std::string_view stem) {
    std::size_t digits = 0;
    while (digits < build.size() && is_ascii_digit(build[digits])) {
        ++digits;
    }
    if (digits == 0) {
        return std::unexpected(fmt::format("Invalid build number: {} in '{}'", detail::printable(build),
                                           detail::printable(stem)));
    }
    if (digits > k_python_max_int_digits) {
        return std::unexpected(fmt::format("Invalid build number: more than {} digits in '{}'",
                                           k_python_max_int_digits, detail::printable(stem)));
    }
    const std::string_view number = build.substr(0, digits);
    const std::size_t first = number.find_first_not_of('0');
    std::string_view suffix = build.substr(digits);
    suffix = suffix.substr(0, suffix.find('\n')); // Python's `.` stops at a newline
    return BuildTag{first == std::string_view::npos ? std::string("0") : std::string(number.substr(first)),
                    std::string(suffix)};
}

std::vector<WheelTag> expand_tags(std::string_view compressed) {
    const std::vector<std::string_view> fields = split(compressed, '-'); // exactly three here
    std::vector<WheelTag> tags;
    for (std::string_view interpreter : split(fields[0], '.')) {
        for (std::string_view abi : split(fields[1], '.')) {
            for (std::string_view platform : split(fields[2], '.')) {
                tags.push_back(WheelTag{ascii_lower(interpreter), ascii_lower(abi), ascii_lower(platform)});
            }
        }
    }
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

} // namespace

std::expected<WheelFilename, std::string> parse_wheel_filename(std::string_view filename) {
    if (!is_ascii(filename)) {
        return std::unexpected(
            fmt::format("Invalid wheel filename (not ASCII): {}", detail::printable(filename)));
    }
    if (!filename.ends_with(".whl")) {
        return std::unexpected(fmt::format("Invalid wheel filename (extension must be '.whl'): {}",
                                           detail::printable(filename)));
    }
    const std::string_view stem = filename.substr(0, filename.size() - 4);
    const auto dashes = std::count(stem.begin(), stem.end(), '-');
    if (dashes != 4 && dashes != 5) {
        return std::unexpected(
            fmt::format("Invalid wheel filename (wrong number of parts): {}", detail::printable(stem)));
    }
    const std::vector<std::string_view> fields = split(stem, '-');
    if (!is_wheel_name_part(fields[0])) {
        return std::unexpected(fmt::format("Invalid project name: {}", detail::printable(stem)));
    }
    auto version = Version::parse(fields[1]);
    if (!version) {
        return std::unexpected(version.error());
    }
    std::optional<BuildTag> build;
    if (dashes == 5) {
        auto tag = parse_build_tag(fields[2], stem);
        if (!tag) {
            return std::unexpected(tag.error());
        }
        build = std::move(*tag);
    }
    // The last three fields, dashes included.
    const std::size_t tags_start = static_cast<std::size_t>(fields.end()[-3].data() - stem.data());
    return WheelFilename{normalize(fields[0]), std::move(*version), std::move(build),
                         expand_tags(stem.substr(tags_start))};
}

std::expected<SdistFilename, std::string> parse_sdist_filename(std::string_view filename) {
    if (!is_ascii(filename)) {
        return std::unexpected(
            fmt::format("Invalid sdist filename (not ASCII): {}", detail::printable(filename)));
    }
    std::string_view stem;
    if (filename.ends_with(".tar.gz")) {
        stem = filename.substr(0, filename.size() - 7);
    } else if (filename.ends_with(".zip")) {
        stem = filename.substr(0, filename.size() - 4);
    } else {
        return std::unexpected(
            fmt::format("Invalid sdist filename (extension must be '.tar.gz' or '.zip'): {}",
                        detail::printable(filename)));
    }
    // A PEP 440 version holds no '-' in its normal form, so the name ends at the last one.
    const std::size_t dash = stem.rfind('-');
    if (dash == std::string_view::npos) {
        return std::unexpected(fmt::format("Invalid sdist filename: {}", detail::printable(filename)));
    }
    auto version = Version::parse(stem.substr(dash + 1));
    if (!version) {
        return std::unexpected(version.error());
    }
    return SdistFilename{normalize(stem.substr(0, dash)), std::move(*version)};
}

} // namespace namekeeper::pypi
