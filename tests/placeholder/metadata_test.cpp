#include "namekeeper/placeholder/metadata.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper;
using namespace namekeeper::placeholder;

namespace {

config::PlaceholderConfig acme_config() {
    config::PlaceholderConfig config;
    config.summary = "Reserved name to protect ACME users from dependency confusion";
    config.author = "ACME Security";
    config.author_email = "security@acme.example";
    config.project_url = "https://acme.example/security";
    return config;
}

} // namespace

TEST_CASE("placeholder versions must be canonical public PEP 440 versions", "[placeholder]") {
    for (const char* good : {"0.0.0", "0", "1.2.3", "10.0", "0.0.0a1", "1.0b2", "1.0rc10", "1.0.post1",
                             "1.0.dev0", "1.0rc1.post2.dev3"}) {
        INFO(good);
        CHECK(is_placeholder_version(good));
    }
    for (const char* bad : {"", "0.0.0+local", "1!0.0", "v1.0", "01.0", "1.00", "1.", ".1", "1..0", "1.0-1",
                            "1.0alpha1", "1.0a", "1.0.post", "1.0 ", "1.0\n", "1.0.dev1.post1"}) {
        INFO(bad);
        CHECK_FALSE(is_placeholder_version(bad));
    }
}

TEST_CASE("header values lose control characters and surrounding space", "[placeholder]") {
    CHECK(sanitize_header_value("ACME Security") == "ACME Security");
    CHECK(sanitize_header_value("  evil\r\nX-Injected: yes\t\n") == "evil X-Injected: yes");
    CHECK(sanitize_header_value("a\x7f\x01"
                                "b") == "a b");
    CHECK(sanitize_header_value("Zoë Dupont") == "Zoë Dupont");
    CHECK(sanitize_header_value("\n\n") == "");
}

TEST_CASE("make_metadata refuses invalid names and versions word for word", "[placeholder]") {
    config::PlaceholderConfig config;
    SECTION("name") {
        for (const char* bad : {"-bad", "", "bad-", "a b", "caf\xc3\xa9", "a/b"}) {
            const auto metadata = make_metadata(bad, config);
            REQUIRE_FALSE(metadata.has_value());
            CHECK(metadata.error().kind == PlaceholderErrorKind::invalid_name);
            CHECK(metadata.error().message == std::string("\"") + bad + "\" is not a valid project name");
        }
    }
    SECTION("version") {
        config.version = "1.0+acme";
        const auto metadata = make_metadata("acme-utils", config);
        REQUIRE_FALSE(metadata.has_value());
        CHECK(metadata.error().kind == PlaceholderErrorKind::invalid_version);
        CHECK(metadata.error().message ==
              "placeholder.version \"1.0+acme\" is not a canonical public PEP 440 version like 0.0.0");
    }
}

TEST_CASE("make_metadata normalizes the name and sanitizes every header", "[placeholder]") {
    auto config = acme_config();
    config.summary = "Reserved\nAuthor: mallory";
    config.author = "ACME\r\nSecurity";
    config.description = "Line one\r\nLine two\rLine three\n\n\n";
    const auto metadata = make_metadata("Acme.Utils", config);
    REQUIRE(metadata.has_value());
    CHECK(metadata->name == "acme-utils");
    CHECK(metadata->version == "0.0.0");
    CHECK(metadata->summary == "Reserved Author: mallory");
    CHECK(metadata->author == "ACME Security");
    CHECK(metadata->author_email == "security@acme.example");
    CHECK(metadata->project_url == "https://acme.example/security");
    CHECK(metadata->description == "Line one\nLine two\nLine three\n");
}

TEST_CASE("the default description explains the reservation and names the contact", "[placeholder]") {
    SECTION("with contact details") {
        CHECK(default_description("acme-utils", acme_config()) ==
              "# acme-utils\n\n"
              "This project name is reserved by ACME Security to protect their users from dependency "
              "confusion: a package of this name exists on a private package index, and holding the name "
              "here keeps anyone else from publishing a package under it that installers could pick "
              "instead.\n\n"
              "This package contains no code and installs nothing usable. If you install it by mistake, "
              "check which package index your installer uses.\n\n"
              "## Contact\n\n"
              "- E-mail: <security@acme.example>\n"
              "- More information: <https://acme.example/security>\n");
    }
    SECTION("without") {
        config::PlaceholderConfig config;
        config.author = "";
        const std::string text = default_description("a", config);
        CHECK(text.starts_with("# a\n\nThis project name is reserved by its owner to protect"));
        CHECK(text.ends_with("check which package index your installer uses.\n"));
    }
    SECTION("used when the configured one is blank") {
        auto config = acme_config();
        config.description = " \n\t";
        const auto metadata = make_metadata("acme_utils", config);
        REQUIRE(metadata.has_value());
        CHECK(metadata->description == default_description("acme-utils", config));
    }
}

TEST_CASE("render_core_metadata writes Metadata-Version 2.1 with the description as body", "[placeholder]") {
    auto config = acme_config();
    config.description = "# Reserved\n\nNothing here.";
    const auto metadata = make_metadata("ACME__Utils", config);
    REQUIRE(metadata.has_value());
    CHECK(render_core_metadata(*metadata) ==
          "Metadata-Version: 2.1\n"
          "Name: acme-utils\n"
          "Version: 0.0.0\n"
          "Summary: Reserved name to protect ACME users from dependency confusion\n"
          "Author: ACME Security\n"
          "Author-email: security@acme.example\n"
          "Project-URL: Homepage, https://acme.example/security\n"
          "Description-Content-Type: text/markdown\n"
          "\n"
          "# Reserved\n\nNothing here.\n");

    SECTION("empty optional fields leave their headers out") {
        config::PlaceholderConfig bare;
        bare.summary = "";
        bare.author = "";
        bare.description = "x";
        const auto minimal = make_metadata("a", bare);
        REQUIRE(minimal.has_value());
        CHECK(render_core_metadata(*minimal) == "Metadata-Version: 2.1\nName: a\nVersion: 0.0.0\n"
                                                "Description-Content-Type: text/markdown\n\nx\n");
    }
}
