#pragma once

// Digests as the upload API and wheel RECORD files spell them (OpenSSL underneath).

#include <string>
#include <string_view>

namespace namekeeper::util {

enum class DigestKind { md5, sha256, blake2b_256 };

// The raw digest bytes of `data`.
[[nodiscard]] std::string digest(DigestKind kind, std::string_view data);

// Lowercase hex, as the upload form's md5_digest, sha256_digest and blake2_256_digest want it.
[[nodiscard]] std::string digest_hex(DigestKind kind, std::string_view data);

[[nodiscard]] std::string to_hex(std::string_view bytes);

// URL-safe base64 without '=' padding, as wheel RECORD lines spell sha256 digests.
[[nodiscard]] std::string urlsafe_base64_nopad(std::string_view bytes);

// Keyed HMAC-SHA256 of `data`, as lowercase hex (webhook payload signing).
[[nodiscard]] std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths, not on where the bytes differ.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace namekeeper::util
