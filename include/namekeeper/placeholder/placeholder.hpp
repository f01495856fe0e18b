#pragma once

// The placeholder distributions uploaded to hold a name on the public index (SPEC.md, "The
// placeholder"), built in memory. A wheel holds only its .dist-info (METADATA, WHEEL, RECORD): no
// importable code, nothing runs at install. An sdist holds one top folder with PKG-INFO and a
// pyproject.toml. The same name and configuration always give the same bytes.

#include "namekeeper/config/config.hpp"
#include "namekeeper/placeholder/metadata.hpp"

#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace namekeeper::placeholder {

// One file ready for upload.
struct Distribution {
    std::string filename; // e.g. acme_utils-0.0.0-py3-none-any.whl
    std::string bytes;
    std::string filetype;  // upload form: "bdist_wheel" or "sdist"
    std::string pyversion; // upload form: "py3" or "source"
    std::string md5;       // lowercase hex digests of `bytes`
    std::string sha256;
    std::string blake2_256;
};

// The wheel {n}-{version}-py3-none-any.whl, built with libzip (wheel.cpp).
[[nodiscard]] std::expected<Distribution, PlaceholderError> build_wheel(const PlaceholderMetadata& metadata);

// The sdist {n}-{version}.tar.gz, built with libarchive (sdist.cpp).
[[nodiscard]] std::expected<Distribution, PlaceholderError> build_sdist(const PlaceholderMetadata& metadata);

// The pyproject.toml inside the sdist.
[[nodiscard]] std::string render_pyproject(const PlaceholderMetadata& metadata);

// One distribution per configured format, the wheel first whatever the configured order, each
// format once. Errors: invalid_name, invalid_version (nothing built), archive_failed.
[[nodiscard]] std::expected<std::vector<Distribution>, PlaceholderError>
build_placeholders(std::string_view name, const config::PlaceholderConfig& config);

// The text fields of the legacy upload form (SPEC.md, "The placeholder") for `file`, in the order
// twine sends them: ":action", "protocol_version", "filetype", "pyversion", "metadata_version",
// "name", "version", "summary", "description", "description_content_type", "author",
// "author_email" (empty when not configured), "project_urls" ("Homepage, <url>", only when a
// project_url is configured), "md5_digest",
// "sha256_digest", "blake2_256_digest". The uploader adds the file itself as the "content" part
// (filename `file.filename`, body `file.bytes`) and the Basic auth.
[[nodiscard]] std::vector<std::pair<std::string, std::string>>
upload_fields(const Distribution& file, const PlaceholderMetadata& metadata);

// Fills the three digests of `file` from its bytes.
void set_digests(Distribution& file);

} // namespace namekeeper::placeholder
