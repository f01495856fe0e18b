#include "namekeeper/util/digest.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::util;

TEST_CASE("digests match the published test vectors", "[util][digest]") {
    CHECK(digest_hex(DigestKind::md5, "abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(digest_hex(DigestKind::sha256, "abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 7693 does not list BLAKE2b-256; this is hashlib.blake2b(b"abc", digest_size=32).
    CHECK(digest_hex(DigestKind::blake2b_256, "abc") ==
          "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST_CASE("urlsafe_base64_nopad drops padding and uses - and _", "[util][digest]") {
    CHECK(urlsafe_base64_nopad("") == "");
    CHECK(urlsafe_base64_nopad("f") == "Zg");
    CHECK(urlsafe_base64_nopad("fo") == "Zm8");
    CHECK(urlsafe_base64_nopad("foo") == "Zm9v");
    CHECK(urlsafe_base64_nopad("\xfb\xff") == "-_8");
}

TEST_CASE("hmac_sha256_hex matches RFC 4231 test case 2", "[util][digest]") {
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("constant_time_equal compares whole strings", "[util][digest]") {
    CHECK(constant_time_equal("secret", "secret"));
    CHECK_FALSE(constant_time_equal("secret", "secreT"));
    CHECK_FALSE(constant_time_equal("secret", "secret2"));
    CHECK(constant_time_equal("", ""));
}
