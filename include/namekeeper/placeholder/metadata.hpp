#pragma once

// The core metadata of a placeholder (Metadata-Version 2.1), shared by the wheel's METADATA, the
// sdist's PKG-INFO and the upload form, so that all three always say the same thing.
//
// Name choice: every field uses the PEP 503 normalized name ("Acme.Utils" -> "acme-utils"). The
// index compares normalized names anyway, the ledger keys on them, and it makes the placeholder a
// function of the project rather than of whichever spelling was seen first: every spelling of a
// project yields byte-identical files, so a re-upload after a crash is an identical file (answered 200).
//
// Author-email holds the plain address (Author carries the display name): SPEC's fallback ownership
// test compares the index's info.author_email with known_emails, and a plain address compares exactly.

#include "namekeeper/config/config.hpp"

#include <expected>
#include <string>
#include <string_view>

namespace namekeeper::placeholder {

enum class PlaceholderErrorKind { invalid_name, invalid_version, archive_failed };

struct PlaceholderError {
    PlaceholderErrorKind kind;
    std::string message; // a whole sentence for a person, without the "namekeeper: " prefix
};

// Sanitized metadata values, exactly as they appear in METADATA/PKG-INFO and the upload form.
struct PlaceholderMetadata {
    std::string name;         // PEP 503 normalized
    std::string version;      // canonical PEP 440
    std::string summary;      // one line
    std::string description;  // markdown, line endings "\n"; the message body of METADATA
    std::string author;       // one line, may be empty (the header is then left out)
    std::string author_email; // one line, may be empty (the header is then left out)
    std::string project_url;  // one line, may be empty; written as "Project-URL: Homepage, <url>"
};

inline constexpr std::string_view k_metadata_version = "2.1";
inline constexpr std::string_view k_description_content_type = "text/markdown";

// Validates the name and the configured version and fills every field, generating the default
// description when the configured one is blank. Errors: invalid_name, invalid_version.
[[nodiscard]] std::expected<PlaceholderMetadata, PlaceholderError>
make_metadata(std::string_view name, const config::PlaceholderConfig& config);

// A canonical public PEP 440 version: N(.N)*[{a|b|rc}N][.postN][.devN], no leading zeros, no
// epoch, no local part (the index refuses local versions; a canonical one is its own filename form).
[[nodiscard]] bool is_placeholder_version(std::string_view version);

// One header line's value: every control character (CR, LF, tab, ...) becomes a space, runs of
// spaces collapse, the ends are trimmed. Keeps configuration text from injecting headers.
[[nodiscard]] std::string sanitize_header_value(std::string_view value);

// The default description for `normalized_name`: why the name is held, that it holds no code, and
// whom to contact (the author, author_email and project_url of `config`, when set).
[[nodiscard]] std::string default_description(std::string_view normalized_name,
                                              const config::PlaceholderConfig& config);

// The METADATA / PKG-INFO text: headers, a blank line, the description as the body.
[[nodiscard]] std::string render_core_metadata(const PlaceholderMetadata& metadata);

} // namespace namekeeper::placeholder
