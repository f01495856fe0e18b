#include "namekeeper/placeholder/metadata.hpp"

#include "namekeeper/pypi/name.hpp"

#include <fmt/format.h>

namespace namekeeper::placeholder {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Consumes a number without leading zeros ("0" alone is fine) at `pos`.
bool take_number(std::string_view text, std::size_t& pos) {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
        ++pos;
    }
    return pos > start && !(text[start] == '0' && pos - start > 1);
}

bool take_literal(std::string_view text, std::size_t& pos, std::string_view literal) {
    if (text.substr(pos, literal.size()) != literal) {
        return false;
    }
    pos += literal.size();
    return true;
}

// "\r\n" and lone "\r" become "\n"; trailing blank lines go; the text ends with one "\n".
std::string normalize_body(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else {
            out.push_back(text[i]);
        }
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t')) {
        out.pop_back();
    }
    out.push_back('\n');
    return out;
}

bool is_blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

} // namespace

bool is_placeholder_version(std::string_view version) {
    std::size_t pos = 0;
    if (!take_number(version, pos)) {
        return false;
    }
    while (pos < version.size() && version[pos] == '.' && pos + 1 < version.size() &&
           is_digit(version[pos + 1])) {
        ++pos;
        if (!take_number(version, pos)) {
            return false;
        }
    }
    for (std::string_view pre : {"a", "b", "rc"}) {
        if (take_literal(version, pos, pre)) {
            if (!take_number(version, pos)) {
                return false;
            }
            break;
        }
    }
    if (take_literal(version, pos, ".post") && !take_number(version, pos)) {
        return false;
    }
    if (take_literal(version, pos, ".dev") && !take_number(version, pos)) {
        return false;
    }
    return pos == version.size();
}

std::string sanitize_header_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        const bool is_space = byte < 0x20 || byte == 0x7f || c == ' ';
        if (is_space) {
            if (!out.empty() && out.back() != ' ') {
                out.push_back(' ');
            }
            continue;
        }
        out.push_back(c);
    }
    if (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

std::string default_description(std::string_view normalized_name, const config::PlaceholderConfig& config) {
    const std::string author = sanitize_header_value(config.author);
    const std::string email = sanitize_header_value(config.author_email);
    const std::string url = sanitize_header_value(config.project_url);
    const std::string holder = author.empty() ? std::string("its owner") : author;

    std::string text = fmt::format("# {}\n\n", normalized_name);
    text += fmt::format("This project name is reserved by {} to protect their users from dependency "
                        "confusion: a package of this name exists on a private package index, and "
                        "holding the name here keeps anyone else from publishing a package under it "
                        "that installers could pick instead.\n\n",
                        holder);
    text += "This package contains no code and installs nothing usable. If you install it by mistake, "
            "check which package index your installer uses.\n";
    if (!email.empty() || !url.empty()) {
        text += "\n## Contact\n\n";
        if (!email.empty()) {
            text += fmt::format("- E-mail: <{}>\n", email);
        }
        if (!url.empty()) {
            text += fmt::format("- More information: <{}>\n", url);
        }
    }
    return text;
}

std::expected<PlaceholderMetadata, PlaceholderError> make_metadata(std::string_view name,
                                                                   const config::PlaceholderConfig& config) {
    if (!pypi::is_valid_name(name)) {
        return std::unexpected(PlaceholderError{PlaceholderErrorKind::invalid_name,
                                                fmt::format("\"{}\" is not a valid project name", name)});
    }
    if (!is_placeholder_version(config.version)) {
        return std::unexpected(PlaceholderError{
            PlaceholderErrorKind::invalid_version,
            fmt::format("placeholder.version \"{}\" is not a canonical public PEP 440 version like 0.0.0",
                        config.version)});
    }
    PlaceholderMetadata metadata;
    metadata.name = pypi::normalize(name);
    metadata.version = config.version;
    metadata.summary = sanitize_header_value(config.summary);
    metadata.author = sanitize_header_value(config.author);
    metadata.author_email = sanitize_header_value(config.author_email);
    metadata.project_url = sanitize_header_value(config.project_url);
    metadata.description = normalize_body(
        is_blank(config.description) ? default_description(metadata.name, config) : config.description);
    return metadata;
}

std::string render_core_metadata(const PlaceholderMetadata& metadata) {
    std::string text = fmt::format("Metadata-Version: {}\nName: {}\nVersion: {}\n", k_metadata_version,
                                   metadata.name, metadata.version);
    if (!metadata.summary.empty()) {
        text += fmt::format("Summary: {}\n", metadata.summary);
    }
    if (!metadata.author.empty()) {
        text += fmt::format("Author: {}\n", metadata.author);
    }
    if (!metadata.author_email.empty()) {
        text += fmt::format("Author-email: {}\n", metadata.author_email);
    }
    if (!metadata.project_url.empty()) {
        text += fmt::format("Project-URL: Homepage, {}\n", metadata.project_url);
    }
    text += fmt::format("Description-Content-Type: {}\n\n", k_description_content_type);
    text += metadata.description;
    return text;
}

} // namespace namekeeper::placeholder
