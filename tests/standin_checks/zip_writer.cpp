#include "standin_checks/zip_writer.hpp"

#include <array>

namespace namekeeper::test {
namespace {

std::uint32_t crc32(const std::string& data) {
    std::uint32_t crc = 0xFFFFFFFFU;
    for (const char c : data) {
        crc ^= static_cast<unsigned char>(c);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1U) ^ (0xEDB88320U & (0U - (crc & 1U)));
        }
    }
    return ~crc;
}

void put16(std::string& out, std::uint32_t value) {
    out.push_back(static_cast<char>(value & 0xFFU));
    out.push_back(static_cast<char>((value >> 8U) & 0xFFU));
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, value & 0xFFFFU);
    put16(out, value >> 16U);
}

} // namespace

std::string write_zip(const std::vector<ZipEntry>& entries, const ZipOptions& options) {
    std::string out;
    std::string directory;
    const std::uint32_t flags = options.data_descriptor ? 0x0008U : 0U;
    for (const auto& entry : entries) {
        const auto offset = static_cast<std::uint32_t>(out.size());
        const std::uint32_t crc = crc32(entry.data);
        const auto size = static_cast<std::uint32_t>(entry.data.size());
        // With a data descriptor the local header carries zeros and the sizes follow the data.
        const std::uint32_t local_crc = options.data_descriptor ? 0 : crc;
        const std::uint32_t local_size = options.data_descriptor ? 0 : size;
        put32(out, 0x04034b50U);
        put16(out, 20);
        put16(out, flags);
        put16(out, options.method);
        put16(out, 0);     // time
        put16(out, 0x21U); // date: 1980-01-01
        put32(out, local_crc);
        put32(out, local_size);
        put32(out, local_size);
        put16(out, static_cast<std::uint32_t>(entry.name.size()));
        put16(out, 0);
        out += entry.name;
        out += entry.data;
        if (options.data_descriptor) {
            put32(out, 0x08074b50U);
            put32(out, crc);
            put32(out, size);
            put32(out, size);
        }
        put32(directory, 0x02014b50U);
        put16(directory, 20);
        put16(directory, 20);
        put16(directory, flags);
        put16(directory, options.method);
        put16(directory, 0);
        put16(directory, 0x21U);
        put32(directory, crc);
        put32(directory, size);
        put32(directory, size);
        put16(directory, static_cast<std::uint32_t>(entry.name.size()));
        put16(directory, 0);
        put16(directory, static_cast<std::uint32_t>(entry.comment.size()));
        put16(directory, 0);
        put16(directory, 0);
        put32(directory, 0);
        put32(directory, offset);
        directory += entry.name;
        directory += entry.comment;
    }
    const auto directory_offset = static_cast<std::uint32_t>(out.size());
    out += directory;
    put32(out, 0x06054b50U);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put32(out, static_cast<std::uint32_t>(directory.size()));
    put32(out, directory_offset);
    put16(out, static_cast<std::uint32_t>(options.archive_comment.size()));
    out += options.archive_comment;
    out += options.trailing_data;
    return out;
}

std::vector<ZipEntry> wheel_entries(const std::string& component, const std::string& name,
                                    const std::string& version, bool with_metadata) {
    const std::string dist_info = component + "-" + version + ".dist-info/";
    std::vector<ZipEntry> entries;
    if (with_metadata) {
        entries.push_back({dist_info + "METADATA",
                           "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n",
                           {}});
    }
    entries.push_back({dist_info + "WHEEL",
                       "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
                       {}});
    entries.push_back({dist_info + "RECORD", dist_info + "RECORD,,\n", {}});
    return entries;
}

} // namespace namekeeper::test
