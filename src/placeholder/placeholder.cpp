#include "namekeeper/placeholder/placeholder.hpp"

#include "namekeeper/util/digest.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace namekeeper::placeholder {
namespace {

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\u{:04X}", static_cast<unsigned>(byte));
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

} // namespace

void set_digests(Distribution& file) {
    file.md5 = util::digest_hex(util::DigestKind::md5, file.bytes);
    file.sha256 = util::digest_hex(util::DigestKind::sha256, file.bytes);
    file.blake2_256 = util::digest_hex(util::DigestKind::blake2b_256, file.bytes);
}

// setuptools rather than flit_core: flit_core refuses to build a project without a module of its
// name, and setuptools is what pip falls back to anyway. The empty package and module lists turn
// off its discovery, so a build of this sdist runs only the backend and yields an empty wheel.
std::string render_pyproject(const PlaceholderMetadata& metadata) {
    std::string text = "[build-system]\n"
                       "requires = [\"setuptools>=61\"]\n"
                       "build-backend = \"setuptools.build_meta\"\n\n"
                       "[project]\n";
    text +=
        fmt::format("name = {}\nversion = {}\n", toml_string(metadata.name), toml_string(metadata.version));
    if (!metadata.summary.empty()) {
        text += fmt::format("description = {}\n", toml_string(metadata.summary));
    }
    text += fmt::format("readme = {{text = {}, content-type = {}}}\n", toml_string(metadata.description),
                        toml_string(k_description_content_type));
    std::vector<std::string> author_fields;
    if (!metadata.author.empty()) {
        author_fields.push_back("name = " + toml_string(metadata.author));
    }
    if (!metadata.author_email.empty()) {
        author_fields.push_back("email = " + toml_string(metadata.author_email));
    }
    if (!author_fields.empty()) {
        text += fmt::format("authors = [{{{}}}]\n", fmt::join(author_fields, ", "));
    }
    if (!metadata.project_url.empty()) {
        text += fmt::format("urls = {{Homepage = {}}}\n", toml_string(metadata.project_url));
    }
    text += "\n[tool.setuptools]\npackages = []\npy-modules = []\n";
    return text;
}

std::expected<std::vector<Distribution>, PlaceholderError>
build_placeholders(std::string_view name, const config::PlaceholderConfig& config) {
    const auto metadata = make_metadata(name, config);
    if (!metadata) {
        return std::unexpected(metadata.error());
    }
    const auto wants = [&](config::PlaceholderFormat format) {
        return std::find(config.formats.begin(), config.formats.end(), format) != config.formats.end();
    };
    std::vector<Distribution> files;
    if (wants(config::PlaceholderFormat::wheel)) {
        auto wheel = build_wheel(*metadata);
        if (!wheel) {
            return std::unexpected(wheel.error());
        }
        files.push_back(std::move(*wheel));
    }
    if (wants(config::PlaceholderFormat::sdist)) {
        auto sdist = build_sdist(*metadata);
        if (!sdist) {
            return std::unexpected(sdist.error());
        }
        files.push_back(std::move(*sdist));
    }
    return files;
}

std::vector<std::pair<std::string, std::string>> upload_fields(const Distribution& file,
                                                               const PlaceholderMetadata& metadata) {
    std::vector<std::pair<std::string, std::string>> fields{
        {":action", "file_upload"},
        {"protocol_version", "1"},
        {"filetype", file.filetype},
        {"pyversion", file.pyversion},
        {"metadata_version", std::string(k_metadata_version)},
        {"name", metadata.name},
        {"version", metadata.version},
        {"summary", metadata.summary},
        {"description", metadata.description},
        {"description_content_type", std::string(k_description_content_type)},
        {"author", metadata.author},
        {"author_email", metadata.author_email},
    };
    if (!metadata.project_url.empty()) {
        fields.emplace_back("project_urls", "Homepage, " + metadata.project_url);
    }
    fields.emplace_back("md5_digest", file.md5);
    fields.emplace_back("sha256_digest", file.sha256);
    fields.emplace_back("blake2_256_digest", file.blake2_256);
    return fields;
}

} // namespace namekeeper::placeholder
