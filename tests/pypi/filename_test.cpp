#include "namekeeper/pypi/filename.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::pypi;

namespace {

std::string wheel_error(std::string_view filename) {
    const auto wheel = parse_wheel_filename(filename);
    return wheel ? "parsed" : wheel.error();
}

std::string sdist_error(std::string_view filename) {
    const auto sdist = parse_sdist_filename(filename);
    return sdist ? "parsed" : sdist.error();
}

} // namespace

TEST_CASE("wheel filenames give the normalized name, version, build and expanded tags", "[pypi][filename]") {
    const auto wheel = parse_wheel_filename("Acme.Utils-1.4.0-py3-none-any.whl");
    REQUIRE(wheel);
    CHECK(wheel->name == "acme-utils");
    CHECK(wheel->version.to_string() == "1.4.0");
    CHECK_FALSE(wheel->build);
    CHECK(wheel->tags == std::vector<WheelTag>{{"py3", "none", "any"}});

    const auto compressed = parse_wheel_filename("acme_utils-2.0rc1-007beta-py2.PY3-none-ANY.any.whl");
    REQUIRE(compressed);
    CHECK(compressed->name == "acme-utils");
    CHECK(compressed->version.to_string() == "2.0rc1");
    CHECK(compressed->build == BuildTag{"7", "beta"});
    CHECK(compressed->tags == std::vector<WheelTag>{{"py2", "none", "any"}, {"py3", "none", "any"}});

    // packaging's leniencies, kept: an empty name part, a name part ending in one newline.
    CHECK(parse_wheel_filename("-1.0-py3-none-any.whl")->name.empty());
    CHECK(parse_wheel_filename("a\n-1.0-py3-none-any.whl")->name == "a\n");
}

TEST_CASE("wheel filenames packaging refuses are refused with a reason", "[pypi][filename]") {
    CHECK(wheel_error("acme-1.0-py3-none-any.zip") ==
          "Invalid wheel filename (extension must be '.whl'): acme-1.0-py3-none-any.zip");
    CHECK(wheel_error("acme-1.0-py3-none.whl") ==
          "Invalid wheel filename (wrong number of parts): acme-1.0-py3-none");
    CHECK(wheel_error("a-b-c-1.0-py3-none-any.whl") ==
          "Invalid wheel filename (wrong number of parts): a-b-c-1.0-py3-none-any");
    CHECK(wheel_error("acme__utils-1.0-py3-none-any.whl") ==
          "Invalid project name: acme__utils-1.0-py3-none-any");
    CHECK(wheel_error("acme+x-1.0-py3-none-any.whl") == "Invalid project name: acme+x-1.0-py3-none-any");
    CHECK(wheel_error("acme-1.x-py3-none-any.whl") == "invalid version '1.x': unexpected 'x' at offset 2");
    CHECK(wheel_error("acme-1.0-b1-py3-none-any.whl") ==
          "Invalid build number: b1 in 'acme-1.0-b1-py3-none-any'");
    CHECK(wheel_error("acme-1.0--py3-none-any.whl") == "Invalid build number:  in 'acme-1.0--py3-none-any'");
    CHECK(wheel_error("caf\xC3\xA9-1.0-py3-none-any.whl") ==
          "Invalid wheel filename (not ASCII): caf\\xc3\\xa9-1.0-py3-none-any.whl");
}

TEST_CASE("sdist filenames split at the last dash", "[pypi][filename]") {
    const auto sdist = parse_sdist_filename("Acme_Utils-1.4.0.tar.gz");
    REQUIRE(sdist);
    CHECK(sdist->name == "acme-utils");
    CHECK(sdist->version.to_string() == "1.4.0");
    CHECK(parse_sdist_filename("free-2-0.0.0.zip")->name == "free-2");
    CHECK(parse_sdist_filename("acme-1.0-1.tar.gz")->name == "acme-1-0");

    CHECK(sdist_error("acme-1.0.tgz") ==
          "Invalid sdist filename (extension must be '.tar.gz' or '.zip'): acme-1.0.tgz");
    CHECK(sdist_error("acme.tar.gz") == "Invalid sdist filename: acme.tar.gz");
    CHECK(sdist_error("acme-utils.tar.gz") == "invalid version 'utils': unexpected 'u' at offset 0");
}
