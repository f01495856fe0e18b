#pragma once

// Small helpers both stand-ins need to read requests: Basic credentials and case-insensitive compares.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace namekeeper::standins {

// The user and password of an "Authorization: Basic ..." header value, if it is one and decodes.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header);

[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

// `text` with & < > replaced by entities, for the HTML bodies. Quotes stay as they are: the upload
// messages quote names with ' and clients search the body for them as the status line spells them.
[[nodiscard]] std::string html_escape(std::string_view text);

} // namespace namekeeper::standins
