#include "namekeeper/placeholder/placeholder.hpp"
#include "namekeeper/util/digest.hpp"
#include "placeholder/validators.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper;
using namespace namekeeper::placeholder;
using test::TempDir;

namespace {

config::PlaceholderConfig acme_config(std::vector<config::PlaceholderFormat> formats) {
    config::PlaceholderConfig config;
    config.summary = "Reserved name to protect ACME users from dependency confusion";
    config.author = "ACME Security";
    config.author_email = "security@acme.example";
    config.project_url = "https://acme.example/security";
    config.formats = std::move(formats);
    return config;
}

const std::vector<config::PlaceholderFormat> k_both{config::PlaceholderFormat::sdist,
                                                    config::PlaceholderFormat::wheel};

// 196 characters: past ustar's 155-character prefix, so the sdist needs a pax header.
const std::string k_long_name = "Acme.Internal_Platform-" + std::string(150, 'x') + "-Shared.Utilities";

test::ExpectedMetadata expected_for(const std::string& normalized, const config::PlaceholderConfig& config,
                                    const std::string& body) {
    test::ExpectedMetadata expected{normalized, config.version, {}, body};
    expected.headers = {{"Metadata-Version", "2.1"},
                        {"Name", normalized},
                        {"Version", config.version},
                        {"Description-Content-Type", "text/markdown"}};
    const std::pair<const char*, const std::string*> optional[] = {
        {"Summary", &config.summary}, {"Author", &config.author}, {"Author-email", &config.author_email}};
    for (const auto& [key, value] : optional) {
        if (!value->empty()) {
            expected.headers[key] = *value;
        }
    }
    if (!config.project_url.empty()) {
        expected.headers["Project-URL"] = "Homepage, " + config.project_url;
    }
    return expected;
}

} // namespace

TEST_CASE("build_placeholders builds the wheel first, one file per format", "[placeholder]") {
    const auto files = build_placeholders("Acme.Utils", acme_config(k_both));
    REQUIRE(files.has_value());
    REQUIRE(files->size() == 2);
    const Distribution& wheel = (*files)[0];
    const Distribution& sdist = (*files)[1];
    CHECK(wheel.filename == "acme_utils-0.0.0-py3-none-any.whl");
    CHECK(wheel.filetype == "bdist_wheel");
    CHECK(wheel.pyversion == "py3");
    CHECK(sdist.filename == "acme_utils-0.0.0.tar.gz");
    CHECK(sdist.filetype == "sdist");
    CHECK(sdist.pyversion == "source");
    for (const Distribution& file : *files) {
        CHECK(file.md5 == util::digest_hex(util::DigestKind::md5, file.bytes));
        CHECK(file.sha256 == util::digest_hex(util::DigestKind::sha256, file.bytes));
        CHECK(file.blake2_256 == util::digest_hex(util::DigestKind::blake2b_256, file.bytes));
    }

    SECTION("the default configuration builds the wheel only") {
        const auto only_wheel = build_placeholders("acme-utils", config::PlaceholderConfig{});
        REQUIRE(only_wheel.has_value());
        REQUIRE(only_wheel->size() == 1);
        CHECK((*only_wheel)[0].filetype == "bdist_wheel");
    }
    SECTION("a format listed twice is built once") {
        const auto once = build_placeholders(
            "acme-utils", acme_config({config::PlaceholderFormat::sdist, config::PlaceholderFormat::sdist}));
        REQUIRE(once.has_value());
        REQUIRE(once->size() == 1);
        CHECK((*once)[0].filetype == "sdist");
    }
}

TEST_CASE("build_placeholders refuses an invalid name or version and builds nothing", "[placeholder]") {
    auto config = acme_config(k_both);
    const auto bad_name = build_placeholders("-bad", config);
    REQUIRE_FALSE(bad_name.has_value());
    CHECK(bad_name.error().message == "\"-bad\" is not a valid project name");
    config.version = "0.0.0+placeholder";
    const auto bad_version = build_placeholders("acme-utils", config);
    REQUIRE_FALSE(bad_version.has_value());
    CHECK(bad_version.error().kind == PlaceholderErrorKind::invalid_version);
}

TEST_CASE("placeholders are reproducible and independent of the name's spelling", "[placeholder]") {
    const auto config = acme_config(k_both);
    const auto first = build_placeholders("acme-utils", config);
    const auto second = build_placeholders("acme-utils", config);
    const auto respelled = build_placeholders("ACME__Utils", config);
    REQUIRE((first && second && respelled));
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK((*first)[i].sha256 == (*second)[i].sha256);
        CHECK((*first)[i].bytes == (*respelled)[i].bytes);
    }
    SECTION("while a different configuration gives different bytes") {
        auto other = config;
        other.summary = "Something else";
        const auto changed = build_placeholders("acme-utils", other);
        REQUIRE(changed.has_value());
        CHECK((*changed)[0].sha256 != (*first)[0].sha256);
        CHECK((*changed)[1].sha256 != (*first)[1].sha256);
    }
}

TEST_CASE("upload_fields spell the legacy upload form", "[placeholder]") {
    const auto config = acme_config(k_both);
    const auto metadata = make_metadata("Acme.Utils", config);
    const auto files = build_placeholders("Acme.Utils", config);
    REQUIRE((metadata && files));
    const Distribution& sdist = (*files)[1];
    const std::vector<std::pair<std::string, std::string>> expected{
        {":action", "file_upload"},
        {"protocol_version", "1"},
        {"filetype", "sdist"},
        {"pyversion", "source"},
        {"metadata_version", "2.1"},
        {"name", "acme-utils"},
        {"version", "0.0.0"},
        {"summary", "Reserved name to protect ACME users from dependency confusion"},
        {"description", default_description("acme-utils", config)},
        {"description_content_type", "text/markdown"},
        {"author", "ACME Security"},
        {"author_email", "security@acme.example"},
        {"project_urls", "Homepage, https://acme.example/security"},
        {"md5_digest", sdist.md5},
        {"sha256_digest", sdist.sha256},
        {"blake2_256_digest", sdist.blake2_256},
    };
    CHECK(upload_fields(sdist, *metadata) == expected);

    SECTION("without a project URL there is no project_urls field") {
        auto bare = config;
        bare.project_url.clear();
        const auto bare_metadata = make_metadata("acme-utils", bare);
        REQUIRE(bare_metadata.has_value());
        for (const auto& [key, value] : upload_fields((*files)[0], *bare_metadata)) {
            CHECK(key != "project_urls");
        }
    }
}

TEST_CASE("the sdist's pyproject.toml builds an empty project with setuptools", "[placeholder]") {
    auto config = acme_config(k_both);
    config.description = "Say \"hi\"\\\n";
    const auto metadata = make_metadata("acme-utils", config);
    REQUIRE(metadata.has_value());
    CHECK(render_pyproject(*metadata) ==
          "[build-system]\n"
          "requires = [\"setuptools>=61\"]\n"
          "build-backend = \"setuptools.build_meta\"\n\n"
          "[project]\n"
          "name = \"acme-utils\"\n"
          "version = \"0.0.0\"\n"
          "description = \"Reserved name to protect ACME users from dependency confusion\"\n"
          "readme = {text = \"Say \\\"hi\\\"\\\\\\n\", content-type = \"text/markdown\"}\n"
          "authors = [{name = \"ACME Security\", email = \"security@acme.example\"}]\n"
          "urls = {Homepage = \"https://acme.example/security\"}\n\n"
          "[tool.setuptools]\n"
          "packages = []\n"
          "py-modules = []\n");
}

TEST_CASE("real tools accept the placeholders", "[placeholder][python]") {
    struct Case {
        std::string name;
        std::string normalized;
    };
    const Case cases[] = {
        {"Acme.Utils", "acme-utils"},
        {"acme__utils", "acme-utils"},
        {"a", "a"},
        {"x-y-z_1.2", "x-y-z-1-2"},
        {k_long_name, "acme-internal-platform-" + std::string(150, 'x') + "-shared-utilities"}};
    auto config = acme_config(k_both);
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name.substr(0, 40)) {
            TempDir dir;
            const auto metadata = make_metadata(c.name, config);
            const auto files = build_placeholders(c.name, config);
            REQUIRE((metadata && files));
            REQUIRE(files->size() == 2);
            const auto expected = expected_for(c.normalized, config, metadata->description);
            const auto wheel = test::write_bytes(dir.path(), (*files)[0].filename, (*files)[0].bytes);
            const auto sdist = test::write_bytes(dir.path(), (*files)[1].filename, (*files)[1].bytes);

            const auto wheel_check = test::run_checker("check_wheel.py", wheel, expected, dir.path());
            INFO(wheel_check.err);
            CHECK(wheel_check.out == "ok\n");
            const auto sdist_check = test::run_checker("check_sdist.py", sdist, expected, dir.path());
            INFO(sdist_check.err);
            CHECK(sdist_check.out == "ok\n");

            for (const auto& file : {wheel, sdist}) {
                const auto twine = test::twine_check(file);
                INFO(twine.out << twine.err);
                CHECK(twine.exit_code == 0);
                CHECK(twine.out.find("PASSED") != std::string::npos);
                CHECK(twine.out.find("WARNING") == std::string::npos);
                CHECK(twine.err.find("WARNING") == std::string::npos);
            }

            const auto target = dir / "installed";
            const auto pip = test::pip_install(wheel, target);
            INFO(pip.out << pip.err);
            REQUIRE(pip.exit_code == 0);
            const std::string dist_info = (*files)[0].filename.substr(0, (*files)[0].filename.size() - 17) +
                                          ".dist-info"; // drop "-py3-none-any.whl"
            CHECK(test::list_dir(target) == std::vector<std::string>{dist_info});
            const auto installed =
                test::run_process({test::k_python, "-c",
                                   "import importlib.metadata as m, sys; d = m.Distribution.at(sys.argv[1]); "
                                   "print(d.metadata['Name'], d.version)",
                                   (target / dist_info).string()});
            INFO(installed.err);
            CHECK(installed.out == c.normalized + " 0.0.0\n");
        }
    }
}

TEST_CASE("an installer without network builds the sdist into an empty wheel", "[placeholder][python]") {
    for (const std::string name : {"Acme.Utils", "x-y-z_1.2"}) {
        DYNAMIC_SECTION(name) {
            TempDir dir;
            const auto files = build_placeholders(name, acme_config({config::PlaceholderFormat::sdist}));
            REQUIRE(files.has_value());
            const auto sdist = test::write_bytes(dir.path(), (*files)[0].filename, (*files)[0].bytes);
            const auto built = test::pip_build_wheel(sdist, dir / "wheels");
            INFO(built.out << built.err);
            REQUIRE(built.exit_code == 0);
            const auto wheels = test::list_dir(dir / "wheels");
            REQUIRE(wheels.size() == 1);
            // Everything in the built wheel sits in its .dist-info: no module, no package, no script.
            const auto listing =
                test::run_process({test::k_python, "-c",
                                   "import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); "
                                   "print(sorted({n.split('/')[0] for n in names}))",
                                   (dir / "wheels" / wheels[0]).string()});
            INFO(listing.err);
            const std::string stem = (*files)[0].filename.substr(0, (*files)[0].filename.size() - 7);
            CHECK(listing.out == "['" + stem + ".dist-info']\n");
        }
    }
}

TEST_CASE("the checkers themselves catch trailing data", "[placeholder][python]") {
    TempDir dir;
    const auto config = acme_config(k_both);
    const auto files = build_placeholders("acme-utils", config);
    const auto metadata = make_metadata("acme-utils", config);
    REQUIRE((files && metadata));
    const auto expected = expected_for("acme-utils", config, metadata->description);
    const auto wheel = test::write_bytes(dir.path(), (*files)[0].filename, (*files)[0].bytes + "junk");
    const auto sdist =
        test::write_bytes(dir.path(), (*files)[1].filename, (*files)[1].bytes + std::string(512, '\0'));
    const auto wheel_check = test::run_checker("check_wheel.py", wheel, expected, dir.path());
    CHECK(wheel_check.exit_code == 1);
    CHECK(wheel_check.err.find("AssertionError: 4 bytes of trailing data") != std::string::npos);
    const auto sdist_check = test::run_checker("check_sdist.py", sdist, expected, dir.path());
    CHECK(sdist_check.exit_code == 1);
    CHECK(sdist_check.err.find("AssertionError: 512 bytes of trailing data") != std::string::npos);
}
