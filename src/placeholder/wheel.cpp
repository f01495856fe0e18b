// The placeholder wheel, written with libzip into memory.
//
// What the index accepts (REFERENCE.md): members STORED or DEFLATED, no data descriptors (flag bit 3,
// which libarchive always sets and libzip 1.7.3 never does when it can seek its output), no archive
// or entry comments, no trailing data, no duplicate names. What keeps the bytes reproducible: a fixed
// member order, a fixed DOS timestamp, fixed Unix permissions, no extra fields (they could carry
// times), and STORED members: the three files are a few hundred bytes each, and stored data does not
// depend on the zlib version, so every host builds the same file and a re-upload is an identical one.
//
// Members, RECORD last as the wheel spec recommends:
//   {n}-{v}.dist-info/METADATA   core metadata 2.1
//   {n}-{v}.dist-info/WHEEL      Wheel-Version 1.0, Root-Is-Purelib true, Tag py3-none-any
//   {n}-{v}.dist-info/RECORD     "path,sha256=<urlsafe base64, no padding>,size" lines; its own ",,"

#include "namekeeper/placeholder/placeholder.hpp"
#include "namekeeper/pypi/name.hpp"
#include "namekeeper/util/digest.hpp"
#include "namekeeper/version.hpp"

#include <array>
#include <ctime>
#include <fmt/format.h>
#include <zip.h>

namespace namekeeper::placeholder {
namespace {

std::unexpected<PlaceholderError> zip_failure(std::string_view what, std::string_view detail) {
    return std::unexpected(PlaceholderError{PlaceholderErrorKind::archive_failed,
                                            fmt::format("building the wheel: {}: {}", what, detail)});
}

// Owns one reference to a zip_source_t.
class SourceOwner {
public:
    explicit SourceOwner(zip_source_t* source) : m_source(source) {}
    ~SourceOwner() {
        if (m_source != nullptr) {
            zip_source_free(m_source);
        }
    }
    SourceOwner(const SourceOwner&) = delete;
    SourceOwner& operator=(const SourceOwner&) = delete;
    [[nodiscard]] zip_source_t* get() const { return m_source; }

private:
    zip_source_t* m_source;
};

// Owns an open zip_t: discards it unless close() succeeded.
class ArchiveOwner {
public:
    explicit ArchiveOwner(zip_t* archive) : m_archive(archive) {}
    ~ArchiveOwner() {
        if (m_archive != nullptr) {
            zip_discard(m_archive);
        }
    }
    ArchiveOwner(const ArchiveOwner&) = delete;
    ArchiveOwner& operator=(const ArchiveOwner&) = delete;
    [[nodiscard]] zip_t* get() const { return m_archive; }
    [[nodiscard]] std::string error() const { return zip_strerror(m_archive); }
    // Writes the archive to its source; on failure the archive stays open (and owned).
    bool close() {
        if (zip_close(m_archive) != 0) {
            return false;
        }
        m_archive = nullptr;
        return true;
    }

private:
    zip_t* m_archive;
};

// 1980-01-01 00:00:00 in the local time zone: libzip turns mtimes into DOS fields with localtime(),
// so this is the one instant whose DOS timestamp is 1980-01-01 00:00 wherever the build runs.
std::time_t dos_epoch_local() {
    std::tm tm{};
    tm.tm_year = 80;
    tm.tm_mon = 0;
    tm.tm_mday = 1;
    tm.tm_isdst = -1;
    return std::mktime(&tm);
}

struct Member {
    std::string path;
    std::string data;
};

std::expected<void, PlaceholderError> add_member(const ArchiveOwner& archive, const Member& member,
                                                 std::time_t mtime) {
    zip_source_t* data = zip_source_buffer(archive.get(), member.data.data(), member.data.size(), 0);
    if (data == nullptr) {
        return zip_failure(member.path, archive.error());
    }
    const zip_int64_t index = zip_file_add(archive.get(), member.path.c_str(), data, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(data); // zip_file_add takes the source only on success
        return zip_failure(member.path, archive.error());
    }
    const auto entry = static_cast<zip_uint64_t>(index);
    constexpr zip_uint32_t k_regular_file_0644 = 0100644U << 16U;
    if (zip_set_file_compression(archive.get(), entry, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_mtime(archive.get(), entry, mtime, 0) != 0 ||
        zip_file_set_external_attributes(archive.get(), entry, 0, ZIP_OPSYS_UNIX, k_regular_file_0644) != 0) {
        return zip_failure(member.path, archive.error());
    }
    const zip_flags_t both = ZIP_FL_LOCAL | ZIP_FL_CENTRAL;
    const zip_int16_t extra_fields = zip_file_extra_fields_count(archive.get(), entry, both);
    if (extra_fields < 0) {
        return zip_failure(member.path, archive.error());
    }
    if (extra_fields > 0 &&
        zip_file_extra_field_delete(archive.get(), entry, ZIP_EXTRA_FIELD_ALL, both) != 0) {
        return zip_failure(member.path, archive.error());
    }
    return {};
}

// Reads back everything written to `source`.
std::expected<std::string, PlaceholderError> read_all(zip_source_t* source) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_source_stat(source, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
        return zip_failure("reading the archive back", zip_error_strerror(zip_source_error(source)));
    }
    if (zip_source_open(source) != 0) {
        return zip_failure("reading the archive back", zip_error_strerror(zip_source_error(source)));
    }
    std::string bytes(stat.size, '\0');
    const zip_int64_t got = zip_source_read(source, bytes.data(), bytes.size());
    const bool closed = zip_source_close(source) == 0;
    if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size || !closed) {
        return zip_failure("reading the archive back", zip_error_strerror(zip_source_error(source)));
    }
    return bytes;
}

std::string record_line(const Member& member) {
    const std::string digest = util::digest(util::DigestKind::sha256, member.data);
    return fmt::format("{},sha256={},{}\n", member.path, util::urlsafe_base64_nopad(digest),
                       member.data.size());
}

} // namespace

std::expected<Distribution, PlaceholderError> build_wheel(const PlaceholderMetadata& metadata) {
    const std::string stem = fmt::format("{}-{}", pypi::filename_component(metadata.name), metadata.version);
    const std::string dist_info = stem + ".dist-info/";

    std::array<Member, 3> members{
        Member{dist_info + "METADATA", render_core_metadata(metadata)},
        Member{dist_info + "WHEEL", fmt::format("Wheel-Version: 1.0\nGenerator: namekeeper {}\n"
                                                "Root-Is-Purelib: true\nTag: py3-none-any\n",
                                                k_version)},
        Member{dist_info + "RECORD", {}},
    };
    members[2].data = record_line(members[0]) + record_line(members[1]) + members[2].path + ",,\n";

    zip_error_t error;
    zip_error_init(&error);
    SourceOwner output(zip_source_buffer_create(nullptr, 0, 0, &error));
    if (output.get() == nullptr) {
        const std::string text = zip_error_strerror(&error);
        zip_error_fini(&error);
        return zip_failure("creating the output buffer", text);
    }
    zip_t* opened = zip_open_from_source(output.get(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (opened == nullptr) {
        const std::string text = zip_error_strerror(&error);
        zip_error_fini(&error);
        return zip_failure("opening the archive", text);
    }
    zip_error_fini(&error);
    // The archive took our reference; take another so that the bytes outlive zip_close().
    zip_source_keep(output.get());
    ArchiveOwner archive(opened);

    const std::time_t mtime = dos_epoch_local();
    for (const Member& member : members) {
        if (auto added = add_member(archive, member, mtime); !added) {
            return std::unexpected(added.error());
        }
    }
    if (!archive.close()) {
        return zip_failure("writing the archive", archive.error());
    }
    auto bytes = read_all(output.get());
    if (!bytes) {
        return std::unexpected(bytes.error());
    }
    Distribution wheel{.filename = stem + "-py3-none-any.whl",
                       .bytes = std::move(*bytes),
                       .filetype = "bdist_wheel",
                       .pyversion = "py3",
                       .md5 = {},
                       .sha256 = {},
                       .blake2_256 = {}};
    set_digests(wheel);
    return wheel;
}

} // namespace namekeeper::placeholder
