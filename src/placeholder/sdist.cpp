// The placeholder sdist, written with libarchive into memory.
//
// What the index accepts (REFERENCE.md): a .tar.gz whose members all sit in one top folder
// {n}-{v}/ that holds PKG-INFO. Members: the folder itself, PKG-INFO (the same core metadata as the
// wheel's METADATA) and pyproject.toml. What keeps the bytes reproducible: a fixed member order, a
// fixed mtime (1980-01-01T00:00:00Z), uid/gid 0 with empty user and group names, the restricted pax
// format (plain ustar unless a path is too long, then a pax header made of the same fixed values),
// and a gzip header without a timestamp. The last block is not padded: zeros after the gzip stream
// would be trailing data.

#include "namekeeper/placeholder/placeholder.hpp"
#include "namekeeper/pypi/name.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <sys/stat.h>

namespace namekeeper::placeholder {
namespace {

constexpr la_int64_t k_mtime = 315532800; // 1980-01-01T00:00:00Z, the DOS epoch the wheel uses too

std::unexpected<PlaceholderError> tar_failure(std::string_view what, std::string_view detail) {
    return std::unexpected(PlaceholderError{PlaceholderErrorKind::archive_failed,
                                            fmt::format("building the sdist: {}: {}", what, detail)});
}

class WriterOwner {
public:
    WriterOwner() : m_archive(archive_write_new()) {}
    ~WriterOwner() {
        if (m_archive != nullptr) {
            archive_write_free(m_archive);
        }
    }
    WriterOwner(const WriterOwner&) = delete;
    WriterOwner& operator=(const WriterOwner&) = delete;
    [[nodiscard]] archive* get() const { return m_archive; }
    [[nodiscard]] std::string error() const {
        const char* text = archive_error_string(m_archive);
        return text != nullptr ? text : "unknown libarchive error";
    }

private:
    archive* m_archive;
};

class EntryOwner {
public:
    EntryOwner() : m_entry(archive_entry_new()) {}
    ~EntryOwner() {
        if (m_entry != nullptr) {
            archive_entry_free(m_entry);
        }
    }
    EntryOwner(const EntryOwner&) = delete;
    EntryOwner& operator=(const EntryOwner&) = delete;
    [[nodiscard]] archive_entry* get() const { return m_entry; }

private:
    archive_entry* m_entry;
};

la_ssize_t append_output(archive*, void* client_data, const void* buffer, std::size_t length) {
    static_cast<std::string*>(client_data)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

std::expected<void, PlaceholderError> configure(const WriterOwner& writer, std::string& output) {
    archive* a = writer.get();
    if (a == nullptr) {
        return tar_failure("archive_write_new", "out of memory");
    }
    // A NULL value turns the option off: "gzip:!timestamp".
    const bool ok = archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
                    archive_write_add_filter_gzip(a) == ARCHIVE_OK &&
                    archive_write_set_filter_option(a, "gzip", "timestamp", nullptr) == ARCHIVE_OK &&
                    archive_write_set_filter_option(a, "gzip", "compression-level", "9") == ARCHIVE_OK &&
                    archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK &&
                    archive_write_open2(a, &output, nullptr, append_output, nullptr, nullptr) == ARCHIVE_OK;
    if (!ok) {
        return tar_failure("setting up the writer", writer.error());
    }
    return {};
}

std::expected<void, PlaceholderError> add_entry(const WriterOwner& writer, const std::string& path,
                                                const std::string* data) {
    EntryOwner entry;
    if (entry.get() == nullptr) {
        return tar_failure(path, "out of memory");
    }
    archive_entry* e = entry.get();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, data != nullptr ? AE_IFREG : AE_IFDIR);
    archive_entry_set_perm(e, data != nullptr ? 0644 : 0755);
    archive_entry_set_size(e, data != nullptr ? static_cast<la_int64_t>(data->size()) : 0);
    archive_entry_set_mtime(e, k_mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_uname(e, "");
    archive_entry_set_gname(e, "");
    if (archive_write_header(writer.get(), e) != ARCHIVE_OK) {
        return tar_failure(path, writer.error());
    }
    if (data != nullptr && !data->empty()) {
        const la_ssize_t written = archive_write_data(writer.get(), data->data(), data->size());
        if (written < 0 || static_cast<std::size_t>(written) != data->size()) {
            return tar_failure(path, writer.error());
        }
    }
    return {};
}

} // namespace

std::expected<Distribution, PlaceholderError> build_sdist(const PlaceholderMetadata& metadata) {
    const std::string stem = fmt::format("{}-{}", pypi::filename_component(metadata.name), metadata.version);
    const std::string pkg_info = render_core_metadata(metadata);
    const std::string pyproject = render_pyproject(metadata);

    std::string output;
    WriterOwner writer;
    if (auto configured = configure(writer, output); !configured) {
        return std::unexpected(configured.error());
    }
    for (const auto& [path, data] :
         {std::pair{stem + "/", static_cast<const std::string*>(nullptr)},
          std::pair{stem + "/PKG-INFO", &pkg_info}, std::pair{stem + "/pyproject.toml", &pyproject}}) {
        if (auto added = add_entry(writer, path, data); !added) {
            return std::unexpected(added.error());
        }
    }
    if (archive_write_close(writer.get()) != ARCHIVE_OK) {
        return tar_failure("writing the archive", writer.error());
    }
    Distribution sdist{.filename = stem + ".tar.gz",
                       .bytes = std::move(output),
                       .filetype = "sdist",
                       .pyversion = "source",
                       .md5 = {},
                       .sha256 = {},
                       .blake2_256 = {}};
    set_digests(sdist);
    return sdist;
}

} // namespace namekeeper::placeholder
