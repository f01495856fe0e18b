#include "namekeeper/webhook/auth.hpp"

#include "namekeeper/util/digest.hpp"

#include <string>

namespace namekeeper::webhook {

bool authenticate(std::string_view header_value, std::string_view body, const config::Secret& secret) {
    if (header_value.empty() || secret.empty()) {
        return false;
    }
    std::string lowered(header_value);
    for (char& c : lowered) {
        if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    const std::string signature = util::hmac_sha256_hex(secret.reveal(), body);
    const bool plain = util::constant_time_equal(header_value, secret.reveal());
    const bool signed_body = util::constant_time_equal(lowered, signature);
    return plain || signed_body;
}

} // namespace namekeeper::webhook
