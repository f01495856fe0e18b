#pragma once

// Reads a ZIP archive's structure the way PyPI judges wheels since late 2025 (REFERENCE.md): the
// end-of-central-directory record must end the file (no archive comment, no trailing data), the
// central directory must sit right before it, and every entry, in the central directory and in its
// local header, must have no data descriptor (general-purpose flag bit 3), no entry comment, a
// compression method of 0 (stored) or 8 (deflated), and a name no other entry has. ZIP64 archives
// are refused: a placeholder wheel never needs them. The data itself is not inflated or checked.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

struct ZipListing {
    std::vector<std::string> names; // in central-directory order
};

// The entry names, or why PyPI would refuse the archive (a short sentence, no trailing period).
[[nodiscard]] std::expected<ZipListing, std::string> inspect_zip(std::string_view archive);

} // namespace namekeeper::standins
