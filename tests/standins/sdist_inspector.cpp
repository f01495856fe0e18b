#include "standins/sdist_inspector.hpp"

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <memory>

namespace namekeeper::standins {
namespace {

struct ArchiveReadCloser {
    void operator()(archive* handle) const { archive_read_free(handle); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveReadCloser>;

} // namespace

std::expected<SdistListing, std::string> inspect_sdist(std::string_view data) {
    ArchiveReader reader(archive_read_new());
    if (!reader) {
        return std::unexpected("Cannot read the archive");
    }
    if (archive_read_support_filter_gzip(reader.get()) != ARCHIVE_OK ||
        archive_read_support_format_tar(reader.get()) != ARCHIVE_OK ||
        archive_read_open_memory(reader.get(), data.data(), data.size()) != ARCHIVE_OK) {
        return std::unexpected("Not a gzip-compressed tar file");
    }
    SdistListing listing;
    archive_entry* entry = nullptr;
    int status = ARCHIVE_OK;
    while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
        const char* path = archive_entry_pathname(entry);
        if (path == nullptr) {
            return std::unexpected("Entry without a name");
        }
        std::string name = path;
        while (name.starts_with("./")) {
            name.erase(0, 2);
        }
        if (!name.empty()) {
            listing.names.push_back(name);
        }
        if (archive_read_data_skip(reader.get()) != ARCHIVE_OK) {
            return std::unexpected("Truncated tar file");
        }
    }
    if (status != ARCHIVE_EOF) {
        return std::unexpected("Not a gzip-compressed tar file");
    }
    if (archive_filter_code(reader.get(), 0) != ARCHIVE_FILTER_GZIP) {
        return std::unexpected("Not a gzip-compressed tar file");
    }
    if (listing.names.empty()) {
        return std::unexpected("Empty sdist");
    }
    const std::string& first = listing.names.front();
    listing.top_folder = first.substr(0, first.find('/'));
    const bool single_top = std::ranges::all_of(listing.names, [&](const std::string& name) {
        return name == listing.top_folder || name == listing.top_folder + "/" ||
               name.starts_with(listing.top_folder + "/");
    });
    if (!single_top) {
        return std::unexpected("Incorrect number of top-level directories in sdist");
    }
    const std::string pkg_info = listing.top_folder + "/PKG-INFO";
    if (std::ranges::find(listing.names, pkg_info) == listing.names.end()) {
        return std::unexpected(fmt::format("PKG-INFO not found at {}", pkg_info));
    }
    return listing;
}

} // namespace namekeeper::standins
