#include "namekeeper/util/digest.hpp"
#include "namekeeper/webhook/auth.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

using namespace namekeeper;
using webhook::authenticate;

namespace {

const std::string k_body =
    R"({"domain":"artifact","event_type":"deployed","data":{"repo_key":"pypi-local"}})";
const config::Secret k_secret{"s3cret-value"};

std::string uppercase(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](char c) { return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c; });
    return text;
}

} // namespace

TEST_CASE("the plain secret authenticates", "[webhook][auth]") {
    CHECK(authenticate("s3cret-value", k_body, k_secret));
    CHECK(authenticate("s3cret-value", "", k_secret));
}

TEST_CASE("the HMAC-SHA256 of the raw body authenticates", "[webhook][auth]") {
    const std::string signature = util::hmac_sha256_hex("s3cret-value", k_body);
    REQUIRE(signature.size() == 64);
    CHECK(authenticate(signature, k_body, k_secret));
    CHECK(authenticate(uppercase(signature), k_body, k_secret));
}

TEST_CASE("anything else does not authenticate", "[webhook][auth]") {
    const std::string signature = util::hmac_sha256_hex("s3cret-value", k_body);
    SECTION("a wrong secret") {
        CHECK_FALSE(authenticate("s3cret-valuE", k_body, k_secret));
        CHECK_FALSE(authenticate("s3cret-value ", k_body, k_secret));
        CHECK_FALSE(authenticate("s3cret", k_body, k_secret));
        CHECK_FALSE(authenticate(util::hmac_sha256_hex("other", k_body), k_body, k_secret));
    }
    SECTION("an empty header") {
        CHECK_FALSE(authenticate("", k_body, k_secret));
        CHECK_FALSE(authenticate("", "", k_secret));
    }
    SECTION("the HMAC of a different body") {
        CHECK_FALSE(authenticate(signature, k_body + " ", k_secret));
        CHECK_FALSE(authenticate(util::hmac_sha256_hex("s3cret-value", "{}"), k_body, k_secret));
    }
    SECTION("a cut or padded signature") {
        CHECK_FALSE(authenticate(signature.substr(0, 63), k_body, k_secret));
        CHECK_FALSE(authenticate(signature + "0", k_body, k_secret));
        CHECK_FALSE(authenticate("sha256=" + signature, k_body, k_secret));
    }
    SECTION("an empty secret never authenticates") {
        const config::Secret none;
        CHECK_FALSE(authenticate("", k_body, none));
        CHECK_FALSE(authenticate(util::hmac_sha256_hex("", k_body), k_body, none));
    }
}
