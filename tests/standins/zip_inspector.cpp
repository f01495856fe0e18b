#include "standins/zip_inspector.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <set>

namespace namekeeper::standins {
namespace {

constexpr std::uint32_t k_local_signature = 0x04034b50;
constexpr std::uint32_t k_central_signature = 0x02014b50;
constexpr std::uint32_t k_end_signature = 0x06054b50;
constexpr std::size_t k_end_size = 22;
constexpr std::size_t k_central_size = 46;
constexpr std::size_t k_local_size = 30;
constexpr std::uint16_t k_data_descriptor_flag = 0x0008;

std::uint16_t u16(std::string_view data, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(data[at]) |
                                      (static_cast<unsigned char>(data[at + 1]) << 8U));
}

std::uint32_t u32(std::string_view data, std::size_t at) {
    return static_cast<std::uint32_t>(u16(data, at)) | (static_cast<std::uint32_t>(u16(data, at + 2)) << 16U);
}

std::expected<std::size_t, std::string> find_end_record(std::string_view archive) {
    if (archive.size() < k_end_size) {
        return std::unexpected("File is not a zip file");
    }
    // The record is 22 bytes plus a comment of up to 65,535 bytes; search backwards for it.
    const std::size_t lowest =
        archive.size() > k_end_size + 0xFFFF ? archive.size() - k_end_size - 0xFFFF : 0;
    for (std::size_t at = archive.size() - k_end_size + 1; at-- > lowest;) {
        if (u32(archive, at) == k_end_signature) {
            return at;
        }
    }
    return std::unexpected("File is not a zip file");
}

std::expected<void, std::string> check_local_header(std::string_view archive, std::size_t offset,
                                                    std::string_view name, std::uint16_t method) {
    if (offset + k_local_size > archive.size() || u32(archive, offset) != k_local_signature) {
        return std::unexpected(fmt::format("Bad local file header for '{}'", name));
    }
    if ((u16(archive, offset + 6) & k_data_descriptor_flag) != 0) {
        return std::unexpected(fmt::format("Entry '{}' uses a data descriptor", name));
    }
    if (u16(archive, offset + 8) != method) {
        return std::unexpected(fmt::format("Entry '{}' has mismatched compression methods", name));
    }
    const std::uint16_t name_length = u16(archive, offset + 26);
    if (offset + k_local_size + name_length > archive.size() ||
        archive.substr(offset + k_local_size, name_length) != name) {
        return std::unexpected(fmt::format("Entry '{}' has a mismatched local file name", name));
    }
    return {};
}

} // namespace

std::expected<ZipListing, std::string> inspect_zip(std::string_view archive) {
    const auto end = find_end_record(archive);
    if (!end) {
        return std::unexpected(end.error());
    }
    const std::size_t end_at = *end;
    const std::uint16_t comment_length = u16(archive, end_at + 20);
    if (comment_length != 0) {
        return std::unexpected("Archive has a comment");
    }
    if (end_at + k_end_size != archive.size()) {
        return std::unexpected("Archive has trailing data");
    }
    const std::uint16_t entries = u16(archive, end_at + 10);
    const std::uint32_t directory_size = u32(archive, end_at + 12);
    const std::uint32_t directory_offset = u32(archive, end_at + 16);
    if (entries == 0xFFFF || directory_offset == 0xFFFFFFFF) {
        return std::unexpected("ZIP64 archives are not accepted");
    }
    if (static_cast<std::size_t>(directory_offset) + directory_size != end_at) {
        return std::unexpected("Central directory is not where the end record says");
    }
    ZipListing listing;
    std::set<std::string, std::less<>> seen;
    std::size_t at = directory_offset;
    for (std::uint16_t i = 0; i < entries; ++i) {
        if (at + k_central_size > end_at || u32(archive, at) != k_central_signature) {
            return std::unexpected("Bad central directory entry");
        }
        const std::uint16_t flags = u16(archive, at + 8);
        const std::uint16_t method = u16(archive, at + 10);
        const std::uint16_t name_length = u16(archive, at + 28);
        const std::uint16_t extra_length = u16(archive, at + 30);
        const std::uint16_t entry_comment_length = u16(archive, at + 32);
        const std::uint32_t local_offset = u32(archive, at + 42);
        if (at + k_central_size + name_length > end_at) {
            return std::unexpected("Bad central directory entry");
        }
        std::string name(archive.substr(at + k_central_size, name_length));
        if ((flags & k_data_descriptor_flag) != 0) {
            return std::unexpected(fmt::format("Entry '{}' uses a data descriptor", name));
        }
        if (method != 0 && method != 8) {
            return std::unexpected(fmt::format("Entry '{}' uses compression method {}", name, method));
        }
        if (entry_comment_length != 0) {
            return std::unexpected(fmt::format("Entry '{}' has a comment", name));
        }
        if (!seen.insert(name).second) {
            return std::unexpected(fmt::format("Duplicate entry name '{}'", name));
        }
        if (auto local = check_local_header(archive, local_offset, name, method); !local) {
            return std::unexpected(local.error());
        }
        at += k_central_size + name_length + extra_length + entry_comment_length;
        listing.names.push_back(std::move(name));
    }
    if (at != end_at) {
        return std::unexpected("Central directory has trailing data");
    }
    return listing;
}

} // namespace namekeeper::standins
