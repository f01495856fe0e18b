#include "standins/pypi_upload.hpp"

#include "namekeeper/pypi/name.hpp"
#include "namekeeper/pypi/stdlib.hpp"
#include "namekeeper/util/digest.hpp"
#include "standins/http_util.hpp"
#include "standins/sdist_inspector.hpp"
#include "standins/version_order.hpp"
#include "standins/zip_inspector.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace namekeeper::standins {
namespace {

constexpr std::string_view k_metadata_help = "https://packaging.python.org/specifications/core-metadata";
constexpr std::string_view k_project_help = "https://pypi.org/help/#project-name";
constexpr std::string_view k_file_reuse_help = "https://pypi.org/help/#file-name-reuse";
constexpr std::array k_metadata_versions{"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"};

// A rejection: thrown inside process_upload only, turned into its outcome there.
struct Refusal {
    int status;
    std::string message;
};

std::string field(const UploadRequest& request, const std::string& key) {
    const auto it = request.fields.find(key);
    return it == request.fields.end() ? std::string() : it->second;
}

std::string invalid_value(std::string_view value, std::string_view field_name, std::string_view error) {
    return fmt::format("'{}' is an invalid value for {}. Error: {} See {} for more information.", value,
                       field_name, error, k_metadata_help);
}

std::string authenticate(const PypiRegistry& registry, const UploadRequest& request) {
    const auto credentials = parse_basic_auth(request.authorization);
    std::optional<std::string> user;
    if (credentials && credentials->first == "__token__") {
        user = registry.user_for_token(credentials->second);
    }
    if (!user) {
        throw Refusal{403, "Invalid or non-existent authentication information. See "
                           "https://pypi.org/help/#invalid-auth for more information."};
    }
    return *user;
}

void check_form(const UploadRequest& request) {
    if (const auto action = field(request, ":action"); action != "file_upload") {
        throw Refusal{400, fmt::format("Unsupported ':action' value '{}'.", action)};
    }
    if (field(request, "protocol_version") != "1" && request.fields.contains("protocol_version")) {
        throw Refusal{400, "Unknown protocol version."};
    }
    const std::string metadata_version = field(request, "metadata_version");
    if (metadata_version.empty()) {
        throw Refusal{400, invalid_value("", "Metadata-Version", "This field is required.")};
    }
    if (std::ranges::find(k_metadata_versions, metadata_version) == k_metadata_versions.end()) {
        throw Refusal{400,
                      invalid_value(metadata_version, "Metadata-Version", "Use a known metadata version.")};
    }
    const std::string name = field(request, "name");
    if (name.empty()) {
        throw Refusal{400, invalid_value("", "Name", "This field is required.")};
    }
    if (!pypi::is_valid_name(name)) {
        throw Refusal{400, fmt::format("'{}' is invalid for 'name'. See {} for more information.", name,
                                       k_metadata_help)};
    }
    if (field(request, "version").empty()) {
        throw Refusal{400, invalid_value("", "Version", "This field is required.")};
    }
    const std::string filetype = field(request, "filetype");
    if (filetype != "bdist_wheel" && filetype != "sdist") {
        throw Refusal{400, "Invalid value for filetype. Error: Use a known file type."};
    }
    if (!request.content) {
        throw Refusal{400, "Upload payload does not have a file."};
    }
}

// The rules PyPI applies before it creates a project for a name nobody holds.
void check_new_project(PypiRegistry& registry, const std::string& name, const std::string& user,
                       PypiRegistry::Clock::time_point now) {
    if (!registry.may_create_project(user, now)) {
        throw Refusal{429, "Too many new projects created"};
    }
    if (registry.prohibited(name)) {
        throw Refusal{400, fmt::format("The name '{}' isn't allowed. See {} for more information.", name,
                                       k_project_help)};
    }
    if (pypi::is_stdlib_name(name)) {
        throw Refusal{400, fmt::format("The name '{}' isn't allowed (conflict with Python Standard Library "
                                       "module name). See {} for more information.",
                                       name, k_project_help)};
    }
    if (registry.too_similar(name)) {
        throw Refusal{400, fmt::format("The name '{}' is too similar to an existing project. See {} for more "
                                       "information.",
                                       name, k_project_help)};
    }
}

void check_extension(const std::string& filename, const std::string& filetype) {
    if (filename.find('/') != std::string::npos || filename.find('\\') != std::string::npos) {
        throw Refusal{400, "Cannot upload a file with '/' or '\\' in the name."};
    }
    const bool wheel = filetype == "bdist_wheel" && filename.ends_with(".whl");
    const bool sdist = filetype == "sdist" && filename.ends_with(".tar.gz");
    if (!wheel && !sdist) {
        throw Refusal{400, "Invalid file extension: Use .tar.gz or .whl extension. See "
                           "https://peps.python.org/pep-0527 and https://peps.python.org/pep-0625 for more "
                           "information."};
    }
}

void check_sdist_filename(const std::string& filename, const RegistryProject& project,
                          const std::string& name, const std::string& version) {
    const std::string stem = filename.substr(0, filename.size() - std::string_view(".tar.gz").size());
    const auto dash = stem.rfind('-');
    if (dash == std::string::npos) {
        throw Refusal{400, fmt::format("Invalid source distribution filename: {}", filename)};
    }
    const std::string expected_name = pypi::filename_component(project.normalized);
    if (pypi::normalize(stem.substr(0, dash)) != project.normalized) {
        throw Refusal{400, fmt::format("Start filename for '{}' with '{}'.", name, expected_name)};
    }
    const std::string expected = fmt::format("{}-{}.tar.gz", expected_name, version);
    if (filename != expected) {
        throw Refusal{400, fmt::format("Filename '{}' is invalid, should be '{}'.", filename, expected)};
    }
}

void check_wheel_filename(const std::string& filename, const RegistryProject& project,
                          const std::string& name, const std::string& version, const ZipListing& listing) {
    const std::string stem = filename.substr(0, filename.size() - std::string_view(".whl").size());
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto dash = stem.find('-', start);
        parts.push_back(stem.substr(start, dash - start));
        if (dash == std::string::npos) {
            break;
        }
        start = dash + 1;
    }
    if (parts.size() != 5 && parts.size() != 6) {
        throw Refusal{400, fmt::format("Invalid wheel filename (wrong number of parts): {}", stem)};
    }
    if (pypi::normalize(parts[0]) != pypi::normalize(name)) {
        throw Refusal{
            400, fmt::format("Start filename for '{}' with '{}'.", name, pypi::filename_component(name))};
    }
    const std::string normalized = pypi::filename_component(project.normalized);
    if (parts[0] != normalized) {
        throw Refusal{400,
                      fmt::format("Filename '{}' should contain the normalized project name '{}', not '{}'.",
                                  filename, normalized, parts[0])};
    }
    if (compare_versions(parts[1], version) != 0) {
        throw Refusal{400, fmt::format("Version in filename should be '{}' not '{}'.", version, parts[1])};
    }
    const std::string metadata = fmt::format("{}-{}.dist-info/METADATA", parts[0], parts[1]);
    if (std::ranges::find(listing.names, metadata) == listing.names.end()) {
        throw Refusal{400, fmt::format("Wheel '{}' does not contain the required METADATA file: {}", filename,
                                       metadata)};
    }
}

} // namespace

UploadOutcome process_upload(PypiRegistry& registry, const UploadRequest& request,
                             PypiRegistry::Clock::time_point now) {
    try {
        const std::string user = authenticate(registry, request);
        check_form(request);
        const std::string name = field(request, "name");
        const std::string version = field(request, "version");
        const std::string filetype = field(request, "filetype");
        const UploadFilePart& content = *request.content;

        RegistryProject* project = registry.find(name);
        const bool new_project = project == nullptr;
        if (new_project) {
            check_new_project(registry, name, user, now);
        } else if (std::ranges::find(project->owners, user) == project->owners.end()) {
            throw Refusal{403,
                          fmt::format("The user '{}' isn't allowed to upload to project '{}'. See {} for "
                                      "more information.",
                                      user, project->name, k_project_help)};
        }
        // Checked against a provisional project, created for real only when everything passes.
        RegistryProject provisional{name, pypi::normalize(name), {user}, std::nullopt, {}, {}, {}};
        const RegistryProject& target = new_project ? provisional : *project;

        check_extension(content.filename, filetype);
        const std::string md5 = util::digest_hex(util::DigestKind::md5, content.data);
        const std::string sha256 = util::digest_hex(util::DigestKind::sha256, content.data);
        const std::string blake2 = util::digest_hex(util::DigestKind::blake2b_256, content.data);
        for (const auto& [key, actual] :
             {std::pair{"md5_digest", md5}, {"sha256_digest", sha256}, {"blake2_256_digest", blake2}}) {
            std::string supplied = field(request, key);
            std::ranges::transform(supplied, supplied.begin(),
                                   [](unsigned char c) { return std::tolower(c); });
            if (!supplied.empty() && supplied != actual) {
                throw Refusal{400, "The digest supplied does not match a digest calculated from the uploaded "
                                   "file."};
            }
        }
        if (const RegistryFile* existing = registry.file_named(content.filename)) {
            if (existing->sha256 == sha256 && existing->blake2_256 == blake2) {
                return {200, {}, std::nullopt}; // the very same file: nothing to do
            }
            throw Refusal{400,
                          fmt::format("File already exists ('{}', with blake2_256 hash '{}'). See {} for "
                                      "more information.",
                                      content.filename, blake2, k_file_reuse_help)};
        }
        if (filetype == "sdist") {
            for (const auto& file : target.files) {
                if (file.packagetype == "sdist" && compare_versions(file.version, version) == 0) {
                    throw Refusal{400, "Only one sdist may be uploaded per release."};
                }
            }
            if (const auto listing = inspect_sdist(content.data); !listing) {
                throw Refusal{400, fmt::format("Invalid distribution file. {}.", listing.error())};
            }
            check_sdist_filename(content.filename, target, name, version);
        } else {
            const auto listing = inspect_zip(content.data);
            if (!listing) {
                throw Refusal{400, fmt::format("Invalid distribution file. ZIP archive not accepted: {}.",
                                               listing.error())};
            }
            check_wheel_filename(content.filename, target, name, version, *listing);
        }

        if (new_project) {
            project = &registry.create(name, {user}, std::nullopt);
            registry.note_project_created(user, now);
        }
        if (const auto email = field(request, "author_email"); !email.empty()) {
            project->author_email = email;
        }
        registry.add_file(*project, {content.filename, version, filetype, field(request, "pyversion"), md5,
                                     sha256, blake2, content.data.size(), iso_time(now)});
        AcceptedUpload accepted{content.filename,    name, version,       filetype, md5, sha256, blake2,
                                content.data.size(), user, request.fields};
        return {200, {}, std::move(accepted)};
    } catch (const Refusal& refusal) {
        return {refusal.status, refusal.message, std::nullopt};
    }
}

} // namespace namekeeper::standins
