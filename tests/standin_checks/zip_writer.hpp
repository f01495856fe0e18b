#pragma once

// A tiny ZIP writer for the stand-in checks: STORED entries, written by hand so that a test can also
// build the archives PyPI refuses (data descriptors, comments, odd compression methods, duplicate
// names, trailing data), which no well-behaved library writes.

#include <cstdint>
#include <string>
#include <vector>

namespace namekeeper::test {

struct ZipEntry {
    std::string name;
    std::string data;
    std::string comment;
};

struct ZipOptions {
    bool data_descriptor = false; // set flag bit 3 and append descriptors
    std::uint16_t method = 0;     // written as is; the data stays stored
    std::string archive_comment;
    std::string trailing_data;
};

[[nodiscard]] std::string write_zip(const std::vector<ZipEntry>& entries, const ZipOptions& options = {});

// A minimal wheel {component}-{version}-py3-none-any.whl holding dist-info METADATA, WHEEL and RECORD.
// With `with_metadata` false, METADATA is left out.
[[nodiscard]] std::vector<ZipEntry> wheel_entries(const std::string& component, const std::string& name,
                                                  const std::string& version, bool with_metadata = true);

} // namespace namekeeper::test
