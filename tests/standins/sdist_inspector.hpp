#pragma once

// Reads an sdist the way PyPI judges it (REFERENCE.md): a gzip-compressed tar whose entries all sit
// in one top-level folder, which holds PKG-INFO. Read with libarchive from memory.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

struct SdistListing {
    std::string top_folder;
    std::vector<std::string> names;
};

// The listing, or why PyPI would refuse the archive (a short sentence, no trailing period).
[[nodiscard]] std::expected<SdistListing, std::string> inspect_sdist(std::string_view archive);

} // namespace namekeeper::standins
