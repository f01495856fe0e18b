#include "namekeeper/util/digest.hpp"

#include <array>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdexcept>

namespace namekeeper::util {
namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const EVP_MD* algorithm(DigestKind kind) {
    switch (kind) {
    case DigestKind::md5:
        return EVP_md5();
    case DigestKind::sha256:
        return EVP_sha256();
    case DigestKind::blake2b_256:
        break; // OpenSSL 3.0 cannot set BLAKE2b's output length: libsodium computes it
    }
    throw std::logic_error("unknown digest kind");
}

void check(int ok, const char* what) {
    if (ok != 1) {
        throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
    }
}

// BLAKE2b with a 32-byte output (the length is part of BLAKE2's parameter block, so this is not a
// truncated BLAKE2b-512).
std::string blake2b_256(std::string_view data) {
    static const bool initialised = sodium_init() >= 0;
    if (!initialised) {
        throw std::runtime_error("libsodium: sodium_init failed");
    }
    std::array<unsigned char, 32> out{};
    if (crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                           data.size(), nullptr, 0) != 0) {
        throw std::runtime_error("libsodium: BLAKE2b failed");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

} // namespace

std::string digest(DigestKind kind, std::string_view data) {
    if (kind == DigestKind::blake2b_256) {
        return blake2b_256(data);
    }
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx) {
        throw std::runtime_error("OpenSSL: EVP_MD_CTX_new failed");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    check(EVP_DigestInit_ex2(ctx.get(), algorithm(kind), nullptr), "digest init");
    check(EVP_DigestUpdate(ctx.get(), data.data(), data.size()), "digest update");
    check(EVP_DigestFinal_ex(ctx.get(), out.data(), &length), "digest final");
    return std::string(reinterpret_cast<const char*>(out.data()), length);
}

std::string digest_hex(DigestKind kind, std::string_view data) {
    return to_hex(digest(kind, data));
}

std::string to_hex(std::string_view bytes) {
    static constexpr std::string_view k_digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(k_digits[c >> 4]);
        out.push_back(k_digits[c & 0x0f]);
    }
    return out;
}

std::string urlsafe_base64_nopad(std::string_view bytes) {
    static constexpr std::string_view k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out.push_back(k_alphabet[(v >> 18) & 63]);
        out.push_back(k_alphabet[(v >> 12) & 63]);
        out.push_back(k_alphabet[(v >> 6) & 63]);
        out.push_back(k_alphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) {
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        out.push_back(k_alphabet[(v >> 18) & 63]);
        out.push_back(k_alphabet[(v >> 12) & 63]);
        if (rest == 2) {
            out.push_back(k_alphabet[(v >> 6) & 63]);
        }
    }
    return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
             &length) == nullptr) {
        throw std::runtime_error("OpenSSL: HMAC-SHA256 failed");
    }
    return to_hex(std::string_view(reinterpret_cast<const char*>(out.data()), length));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace namekeeper::util
