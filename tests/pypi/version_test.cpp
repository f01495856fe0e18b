#include "namekeeper/pypi/version.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace namekeeper::pypi;

namespace {

std::string canonical(std::string_view text) {
    const auto version = Version::parse(text);
    return version ? version->to_string() : "error: " + version.error();
}

Version v(std::string_view text) {
    auto version = Version::parse(text);
    REQUIRE(version.has_value());
    return *version;
}

} // namespace

TEST_CASE("every spelling packaging accepts reads to its canonical form", "[pypi][version]") {
    CHECK(canonical("1.0") == "1.0");
    CHECK(canonical("v1.0") == "1.0");
    CHECK(canonical("V1.0") == "1.0");
    CHECK(canonical("  1.0\t\n") == "1.0");
    CHECK(canonical("\xC2\xA0"
                    "1.0\xE3\x80\x80") == "1.0"); // no-break space, ideographic space
    CHECK(canonical("01.002.0") == "1.2.0");
    CHECK(canonical("0!1.0") == "1.0");
    CHECK(canonical("2!1.0") == "2!1.0");
    CHECK(canonical("1.0a1") == "1.0a1");
    CHECK(canonical("1.0.ALPHA.1") == "1.0a1");
    CHECK(canonical("1.0-beta_2") == "1.0b2");
    CHECK(canonical("1.0c3") == "1.0rc3");
    CHECK(canonical("1.0pre") == "1.0rc0");
    CHECK(canonical("1.0-preview-4") == "1.0rc4");
    CHECK(canonical("1.0a") == "1.0a0");
    CHECK(canonical("1.0a.") == "1.0a0");
    CHECK(canonical("1.0-1") == "1.0.post1");
    CHECK(canonical("1.0rev2") == "1.0.post2");
    CHECK(canonical("1.0-r") == "1.0.post0");
    CHECK(canonical("1.0post-") == "1.0.post0");
    CHECK(canonical("1.0.dev") == "1.0.dev0");
    CHECK(canonical("1.0_DEV_7") == "1.0.dev7");
    CHECK(canonical("1.0a1-1") == "1.0a1.post1");
    CHECK(canonical("1.0a-1") == "1.0a1"); // the separator goes to the pre-release number first
    CHECK(canonical("1.0prer") == "1.0rc0.post0");
    CHECK(canonical("1.0+AbC.01-x_2") == "1.0+abc.1.x.2");
    CHECK(canonical("1.0+\xE2\x84\xAA") == "1.0+k"); // the Kelvin sign folds to k, as in Python
    CHECK(canonical("1.0po\xC5\xBFt1") == "1.0.post1");
    CHECK(canonical("1." + std::string(30, '9')) == "1." + std::string(30, '9'));
    CHECK(canonical(std::string(4300, '7')) == std::string(4300, '7'));
}

TEST_CASE("anything packaging refuses is refused with a reason", "[pypi][version]") {
    CHECK(canonical("") == "error: invalid version '': it is empty");
    CHECK(canonical(" \t") == "error: invalid version ' \\x09': it is empty");
    CHECK(canonical("1.0-") == "error: invalid version '1.0-': it ends too early");
    CHECK(canonical("1.0.x") == "error: invalid version '1.0.x': unexpected 'x' at offset 4");
    CHECK(canonical("vv1") == "error: invalid version 'vv1': unexpected 'v' at offset 1");
    CHECK(canonical("1.0+") == "error: invalid version '1.0+': it ends too early");
    CHECK(canonical("1.0+a..b") == "error: invalid version '1.0+a..b': unexpected '.' at offset 6");
    CHECK(canonical("1..0") == "error: invalid version '1..0': unexpected '.' at offset 2");
    CHECK(canonical("1.0 1") == "error: invalid version '1.0 1': unexpected '1' at offset 4");
    CHECK(canonical("1!2!3") == "error: invalid version '1!2!3': unexpected '!' at offset 3");
    CHECK(canonical("1.0\x01") == "error: invalid version '1.0\\x01': unexpected '\\x01' at offset 3");
    CHECK(canonical("1.0a1a2") == "error: invalid version '1.0a1a2': unexpected 'a' at offset 5");
    CHECK(canonical("1.0\xC3\xA9") ==
          "error: invalid version '1.0\\xc3\\xa9': unexpected '\\xc3' at offset 3");
    CHECK(canonical(std::string(4301, '7')) ==
          "error: invalid version '" + std::string(100, '7') +
              "... (4301 bytes)': a number has more than 4300 digits, which Python refuses");
    CHECK_FALSE(Version::parse("1.0.post1.post2"));
    CHECK_FALSE(Version::parse("1.0dev1dev2"));
    CHECK_FALSE(Version::parse("1.0+-a"));
    CHECK_FALSE(Version::parse("one"));
    CHECK_FALSE(Version::parse(std::string_view("1.0\0", 4)));
}

TEST_CASE("is_prerelease holds for pre-releases and development releases", "[pypi][version]") {
    CHECK(v("1.0a1").is_prerelease());
    CHECK(v("1.0rc1.post1").is_prerelease());
    CHECK(v("1.0.dev0").is_prerelease());
    CHECK(v("1.0.post1.dev0").is_prerelease());
    CHECK_FALSE(v("1.0").is_prerelease());
    CHECK_FALSE(v("1.0.post1").is_prerelease());
    CHECK_FALSE(v("1.0+dev").is_prerelease());
}

TEST_CASE("versions order as PEP 440 and packaging say", "[pypi][version]") {
    // Each strictly below the next.
    const std::vector<std::string> ascending{"0.9",
                                             "1.0.dev0",
                                             "1.0.dev1",
                                             "1.0a0.dev0",
                                             "1.0a0",
                                             "1.0a1.post0.dev0",
                                             "1.0a1.post0",
                                             "1.0a2",
                                             "1.0b1",
                                             "1.0rc1",
                                             "1.0",
                                             "1.0+abc",
                                             "1.0+abc.1",
                                             "1.0+abd",
                                             "1.0+0",
                                             "1.0+2",
                                             "1.0+10",
                                             "1.0+10.a",
                                             "1.0.post0.dev0",
                                             "1.0.post0",
                                             "1.0.post1",
                                             "1.0.1",
                                             "1.1",
                                             "9.99999999999999999999",
                                             "10",
                                             "99999999999999999999999999",
                                             "1!0.1"};
    for (std::size_t i = 0; i + 1 < ascending.size(); ++i) {
        INFO(ascending[i] << " < " << ascending[i + 1]);
        CHECK(v(ascending[i]) < v(ascending[i + 1]));
        CHECK(v(ascending[i + 1]) > v(ascending[i]));
        CHECK(v(ascending[i]) != v(ascending[i + 1]));
    }
    CHECK(v("1.0") == v("1.0.0.0"));
    CHECK(v("1.0") == v("v1.0.0"));
    CHECK(v("0!1.0") == v("1"));
    CHECK(v("1.0+01") == v("1.0+1"));
    CHECK(v("1.0+ABC") == v("1.0+abc"));
    CHECK(v("1.0+1.0") == v("1.0+1-00"));
    CHECK(v("1.0a") == v("1.0alpha0"));
    CHECK(v("1.0-1") == v("1.0.post1"));
    CHECK(v("1.0") != v("1.0+0"));

    std::vector<Version> versions;
    for (const char* text : {"2.0", "1.0a1", "10.0", "1.0", "1.0.post1", "2.0.dev3"}) {
        versions.push_back(v(text));
    }
    CHECK(std::max_element(versions.begin(), versions.end())->to_string() == "10.0");
    std::sort(versions.begin(), versions.end());
    CHECK(versions.front().to_string() == "1.0a1");
}

TEST_CASE("compare_decimal compares digit strings by value", "[pypi][version]") {
    CHECK(std::is_lt(compare_decimal("9", "10")));
    CHECK(std::is_eq(compare_decimal("123", "123")));
    CHECK(std::is_gt(compare_decimal("18446744073709551616", "18446744073709551615")));
}
