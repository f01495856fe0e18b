#pragma once

// Who may post webhooks (REFERENCE.md, "Webhook secret"). Artifactory sends the secret in the
// X-JFrog-Event-Auth header, either as it is or, with "use secret for payload signing", as the hex
// HMAC-SHA256 of the raw body keyed with the secret.

#include "namekeeper/config/config.hpp"

#include <string_view>

namespace namekeeper::webhook {

inline constexpr std::string_view k_auth_header = "X-JFrog-Event-Auth";

// True when `header_value` equals the secret, or the HMAC-SHA256 of `body` keyed with it in hex.
// The hex may be in either case (JFrog sends lowercase; case carries no secret, so refusing
// uppercase would only turn away a proxy that rewrites it). Both comparisons run in constant time
// and both always run. An empty header or an empty secret never authenticates. The header value is
// taken as it is: no trimming (HTTP parsers already drop the surrounding whitespace).
[[nodiscard]] bool authenticate(std::string_view header_value, std::string_view body,
                                const config::Secret& secret);

} // namespace namekeeper::webhook
