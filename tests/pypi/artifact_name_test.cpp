#include "namekeeper/pypi/filename.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::pypi;

namespace {

ArtifactName named(std::string_view path) {
    auto result = derive_artifact_name(path);
    INFO(path << ": " << (result ? "" : result.error().reason));
    REQUIRE(result.has_value());
    REQUIRE(result->has_value());
    return **result;
}

NameError refused(std::string_view path) {
    auto result = derive_artifact_name(path);
    REQUIRE_FALSE(result.has_value());
    return result.error();
}

bool skipped(std::string_view path) {
    auto result = derive_artifact_name(path);
    return result.has_value() && !result->has_value();
}

} // namespace

TEST_CASE("a wheel is named by its filename's first field", "[pypi][filename][artifact]") {
    const ArtifactName wheel = named("acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.whl");
    CHECK(wheel.name == "acme-utils");
    CHECK(wheel.raw_name == "acme_utils");
    REQUIRE(wheel.version);
    CHECK(wheel.version->to_string() == "1.4.0");
    CHECK(wheel.rule == NameRule::wheel_filename);
    CHECK(to_string(wheel.rule) == "wheel-filename");
    CHECK_FALSE(wheel.mismatched_folder);

    const ArtifactName built = named("Acme.Utils-2.0-1-cp311-cp311-manylinux_2_17_x86_64.whl");
    CHECK(built.name == "acme-utils");
    CHECK(built.raw_name == "Acme.Utils");
    CHECK(built.version->to_string() == "2.0");
    CHECK(named("x/acme__Utils-1.0-py3-none-any.whl").name == "acme-utils");
}

TEST_CASE("an sdist or egg is named by what stands before its version", "[pypi][filename][artifact]") {
    for (const char* path :
         {"acme-utils/1.4.0/acme-utils-1.4.0.tar.gz", "acme-utils/1.4.0/acme_utils-1.4.0.zip",
          "Acme.Utils-1.4.0.tgz", "acme-utils/acme.utils-1.4.0.tar.bz2",
          "acme-utils/ACME_UTILS-v1.4.0.tar.xz", "acme_utils-1.4.0-py3.8.egg",
          "acme_utils-1.4.0-py3.8-linux_x86_64.egg", "acme_utils-1.4.0.egg"}) {
        INFO(path);
        const ArtifactName sdist = named(path);
        CHECK(sdist.name == "acme-utils");
        CHECK(sdist.rule == NameRule::archive_filename);
        REQUIRE(sdist.version);
        CHECK(sdist.version->to_string() == "1.4.0");
        CHECK_FALSE(sdist.mismatched_folder);
    }
    // The last dash whose remainder is a version: a dashed name stays whole.
    CHECK(named("free-2-0.0.0.tar.gz").name == "free-2");
    CHECK(named("a-b-c-1.0.post1.tar.gz").raw_name == "a-b-c");
    CHECK(named("acme-1.0-1.tar.gz").raw_name == "acme-1.0");
}

TEST_CASE("a distribution without a version in its filename is named by its folder",
          "[pypi][filename][artifact]") {
    const ArtifactName folder = named("Acme_Utils/1.4.0/acme.tar.gz");
    CHECK(folder.name == "acme-utils");
    CHECK(folder.raw_name == "Acme_Utils");
    CHECK(folder.rule == NameRule::first_path_segment);
    REQUIRE(folder.version);
    CHECK(folder.version->to_string() == "1.4.0");
    CHECK_FALSE(folder.mismatched_folder);

    const ArtifactName no_version = named("acme-utils/latest/acme-utils.zip");
    CHECK(no_version.name == "acme-utils");
    CHECK_FALSE(no_version.version);
}

TEST_CASE("a filename name that disagrees with its folder wins and is reported",
          "[pypi][filename][artifact]") {
    const ArtifactName mismatch = named("acme-utils/1.4.0/evil_utils-9.9-py3-none-any.whl");
    CHECK(mismatch.name == "evil-utils");
    REQUIRE(mismatch.mismatched_folder);
    CHECK(*mismatch.mismatched_folder == "acme-utils");
    CHECK_FALSE(named("ACME.utils/1.4.0/acme_utils-1.4.0.tar.gz").mismatched_folder);
}

TEST_CASE("Artifactory's index files and files that are not distributions are skipped",
          "[pypi][filename][artifact]") {
    CHECK(skipped(".pypi/acme-utils.html"));
    CHECK(skipped(".pypi/acme-utils/acme_utils-1.0-py3-none-any.whl"));
    CHECK(skipped("acme-utils/1.4.0/acme_utils-1.4.0.dist-info.json"));
    CHECK(skipped("acme-utils/1.4.0/README.md"));
    CHECK(skipped("acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.WHL"));
    CHECK(skipped("acme-utils/1.4.0/.whl"));
    CHECK(skipped("acme-utils/1.4.0/acme_utils-1.4.0.tar"));
    CHECK(skipped("docs/r\xC3\xA9sum\xC3\xA9.txt"));
}

TEST_CASE("unsafe or malformed paths are refused with a reason", "[pypi][filename][artifact]") {
    const auto check = [](std::string_view path, NameErrorKind kind, std::string_view reason) {
        INFO(path);
        const NameError error = refused(path);
        CHECK(error.kind == kind);
        CHECK(error.reason == reason);
    };
    check("", NameErrorKind::empty, "artifact path is empty");
    check("/etc/acme-1.0.tar.gz", NameErrorKind::unsafe_path,
          "artifact path '/etc/acme-1.0.tar.gz' is absolute");
    check("acme/../../acme-1.0.tar.gz", NameErrorKind::unsafe_path,
          "artifact path 'acme/../../acme-1.0.tar.gz' has an empty, '.' or '..' segment");
    check("./acme-1.0.tar.gz", NameErrorKind::unsafe_path,
          "artifact path './acme-1.0.tar.gz' has an empty, '.' or '..' segment");
    check("acme//acme-1.0.tar.gz", NameErrorKind::unsafe_path,
          "artifact path 'acme//acme-1.0.tar.gz' has an empty, '.' or '..' segment");
    check("acme/", NameErrorKind::unsafe_path, "artifact path 'acme/' has an empty, '.' or '..' segment");
    check("acme\\..\\acme-1.0.tar.gz", NameErrorKind::unsafe_path,
          "artifact path 'acme\\x5c..\\x5cacme-1.0.tar.gz' holds a backslash");
    check("acme/acme\n-1.0.tar.gz", NameErrorKind::control_character,
          "artifact path 'acme/acme\\x0a-1.0.tar.gz' holds a control character");
    check(std::string_view("acme\0-1.0.tar.gz", 16), NameErrorKind::control_character,
          "artifact path 'acme\\x00-1.0.tar.gz' holds a control character");
    check("acme/acm\xC3\xA9-1.0.tar.gz", NameErrorKind::non_ascii,
          "artifact path 'acme/acm\\xc3\\xa9-1.0.tar.gz' is not ASCII");
    check("acme-1.0-py3-none.whl", NameErrorKind::malformed_wheel,
          "wheel 'acme-1.0-py3-none.whl' has 4 '-' fields, not 5 or 6");
    check("acme.whl", NameErrorKind::malformed_wheel, "wheel 'acme.whl' has 1 '-' fields, not 5 or 6");
    check("acme--py3-none-any.whl", NameErrorKind::missing_version,
          "wheel 'acme--py3-none-any.whl' has no version");
    check("acme-1.x-py3-none-any.whl", NameErrorKind::invalid_version,
          "wheel 'acme-1.x-py3-none-any.whl': invalid version '1.x': unexpected 'x' at offset 2");
    check("acme.tar.gz", NameErrorKind::missing_version,
          "'acme.tar.gz' has no '-' followed by a PEP 440 version, and no folder to take the name from");
    check(
        "acme-utils.tar.gz", NameErrorKind::missing_version,
        "'acme-utils.tar.gz' has no '-' followed by a PEP 440 version, and no folder to take the name from");
    check("acme_-1.0-py3-none-any.whl", NameErrorKind::invalid_name,
          "'acme_' in artifact path 'acme_-1.0-py3-none-any.whl' is not a valid project name");
    check("-1.0.tar.gz", NameErrorKind::missing_version,
          "'-1.0.tar.gz' has no '-' followed by a PEP 440 version, and no folder to take the name from");
    check("acme+x-1.0.tar.gz", NameErrorKind::invalid_name,
          "'acme+x' in artifact path 'acme+x-1.0.tar.gz' is not a valid project name");
    check("_acme/1.0/x.zip", NameErrorKind::invalid_name,
          "'_acme' in artifact path '_acme/1.0/x.zip' is not a valid project name");

    const std::string long_name(10000, 'a');
    check(long_name + "-1.0.tar.gz", NameErrorKind::too_long,
          "artifact path '" + std::string(100, 'a') + "... (10011 bytes)' is longer than 4096 bytes");
    check(std::string(300, 'a') + "/x-1.0.tar.gz", NameErrorKind::too_long,
          "artifact path '" + std::string(100, 'a') + "... (313 bytes)' has a segment longer than 255 bytes");
}
