// index::Uploader: the outcome table of uploader.hpp, first as a pure function over warehouse's own
// message texts, then as real uploads of placeholders to the PyPI stand-in.

#include "http/local_server.hpp"
#include "namekeeper/http/client.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/placeholder/placeholder.hpp"
#include "standins/pypi_standin.hpp"
#include "support/log_capture.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>

using namespace namekeeper;
using index::UploadOutcome;
using standins::PypiEndpoint;
using standins::PypiStandin;

namespace {

constexpr const char* k_token = "pypi-AgEIcHlwaS5vcmcSECRET-token-value";

std::unique_ptr<http::Client> fast_client() {
    http::ClientOptions options;
    options.user_agent = "namekeeper-tests/1";
    options.timeout = std::chrono::seconds(10);
    return http::make_client(options);
}

config::PypiConfig config_for(const PypiStandin& pypi, std::string token = k_token) {
    config::PypiConfig config;
    config.index_url = pypi.base_url();
    config.upload_url = pypi.upload_url();
    config.token = config::Secret(std::move(token));
    config.timeout = std::chrono::seconds(5);
    return config;
}

// The placeholder wheel for `name` as the settler uploads it.
index::UploadFile placeholder_for(std::string_view name, const config::PlaceholderConfig& placeholder = {}) {
    const auto metadata = placeholder::make_metadata(name, placeholder);
    REQUIRE(metadata.has_value());
    const auto files = placeholder::build_placeholders(name, placeholder);
    REQUIRE(files.has_value());
    REQUIRE(files->size() == 1);
    const auto& file = files->front();
    return {file.filename, file.bytes, placeholder::upload_fields(file, *metadata)};
}

void set_field(index::UploadFile& file, const std::string& name, const std::string& value) {
    for (auto& [key, v] : file.fields) {
        if (key == name) {
            v = value;
        }
    }
}

} // namespace

TEST_CASE("every row of the upload outcome table, with warehouse's messages", "[index]") {
    using index::classify_upload_answer;
    CHECK(classify_upload_answer(200, "OK") == UploadOutcome::accepted);
    CHECK(classify_upload_answer(400, "The name 'acme-utils' is too similar to an existing project. See "
                                      "https://pypi.org/help/#project-name for more information.") ==
          UploadOutcome::too_similar);
    CHECK(classify_upload_answer(400,
                                 "The name 'os' isn't allowed (conflict with Python Standard Library module "
                                 "name). See https://pypi.org/help/#project-name for more information.") ==
          UploadOutcome::stdlib);
    CHECK(classify_upload_answer(400,
                                 "The name 'badname' isn't allowed. See https://pypi.org/help/#project-name "
                                 "for more information.") == UploadOutcome::prohibited);
    CHECK(classify_upload_answer(400, "'-bad-' is invalid for 'name'. See "
                                      "https://packaging.python.org/specifications/core-metadata for more "
                                      "information.") == UploadOutcome::invalid_name);
    CHECK(classify_upload_answer(400,
                                 "File already exists ('acme_utils-0.0.0-py3-none-any.whl', with blake2_256 "
                                 "hash 'ab12'). See https://pypi.org/help/#file-name-reuse for more "
                                 "information.") == UploadOutcome::file_exists);
    CHECK(classify_upload_answer(403,
                                 "The user 'acme-security' isn't allowed to upload to project 'acme-utils'. "
                                 "See https://pypi.org/help/#project-name for more information.") ==
          UploadOutcome::not_allowed);
    CHECK(classify_upload_answer(403, "Invalid or non-existent authentication information. See "
                                      "https://pypi.org/help/#invalid-auth for more information.") ==
          UploadOutcome::auth_failed);
    CHECK(classify_upload_answer(401, "Unauthorized") == UploadOutcome::auth_failed);
    CHECK(classify_upload_answer(429, "Too many new projects created") == UploadOutcome::rate_limited);
    CHECK(classify_upload_answer(500, "Internal Server Error") == UploadOutcome::unavailable);
    CHECK(classify_upload_answer(503, "Service Unavailable") == UploadOutcome::unavailable);
    CHECK(classify_upload_answer(400, "Unknown protocol version.") == UploadOutcome::rejected);
    CHECK(classify_upload_answer(400,
                                 "The digest supplied does not match a digest calculated from the uploaded "
                                 "file.") == UploadOutcome::rejected);
    CHECK(classify_upload_answer(308, "Permanent Redirect") == UploadOutcome::rejected);
    CHECK(classify_upload_answer(404, "Not Found") == UploadOutcome::rejected);

    CHECK(std::string(index::to_string(UploadOutcome::too_similar)) == "too-similar");
    CHECK(std::string(index::to_string(UploadOutcome::invalid_name)) == "invalid-name");
    CHECK(std::string(index::to_string(UploadOutcome::rate_limited)) == "rate-limited");
}

TEST_CASE("real uploads of a placeholder, one per outcome", "[index]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    const auto http = fast_client();
    const auto config = config_for(pypi);
    index::Uploader uploader(*http, config);
    const std::string project_help = "See https://pypi.org/help/#project-name for more information.";

    SECTION("accepted") {
        const auto result = uploader.upload(placeholder_for("acme-utils"));
        CHECK(result.outcome == UploadOutcome::accepted);
        CHECK(result.status == 200);
        CHECK(result.message == "OK");
        REQUIRE(pypi.uploads().size() == 1);
        CHECK(pypi.uploads().front().filename == "acme_utils-0.0.0-py3-none-any.whl");
        CHECK(pypi.uploads().front().user == "acme-security");
        REQUIRE(pypi.project("acme-utils").has_value());
        CHECK(pypi.project("acme-utils")->owners == std::vector<std::string>{"acme-security"});
    }
    SECTION("too similar") {
        pypi.add_project("acmeutils", {"someone"}, std::nullopt, {"1.0"});
        const auto result = uploader.upload(placeholder_for("acme-utils"));
        CHECK(result.outcome == UploadOutcome::too_similar);
        CHECK(result.status == 400);
        CHECK(result.message ==
              "The name 'acme-utils' is too similar to an existing project. " + project_help);
    }
    SECTION("prohibited") {
        pypi.add_prohibited_name("acme-forbidden");
        const auto result = uploader.upload(placeholder_for("acme-forbidden"));
        CHECK(result.outcome == UploadOutcome::prohibited);
        CHECK(result.message == "The name 'acme-forbidden' isn't allowed. " + project_help);
    }
    SECTION("standard library") {
        const auto result = uploader.upload(placeholder_for("os-path"));
        CHECK(result.outcome == UploadOutcome::stdlib);
        CHECK(result.message ==
              "The name 'os-path' isn't allowed (conflict with Python Standard Library module "
              "name). " +
                  project_help);
    }
    SECTION("invalid name") {
        auto file = placeholder_for("acme-utils");
        set_field(file, "name", "-acme-utils-");
        const auto result = uploader.upload(file);
        CHECK(result.outcome == UploadOutcome::invalid_name);
        CHECK(result.message ==
              "'-acme-utils-' is invalid for 'name'. See "
              "https://packaging.python.org/specifications/core-metadata for more information.");
    }
    SECTION("the same file again is fine; the same filename with other bytes is not") {
        REQUIRE(uploader.upload(placeholder_for("acme-utils")).outcome == UploadOutcome::accepted);
        CHECK(uploader.upload(placeholder_for("acme-utils")).outcome == UploadOutcome::accepted);
        config::PlaceholderConfig other;
        other.summary = "Another summary";
        const auto file = placeholder_for("acme-utils", other);
        const auto result = uploader.upload(file);
        CHECK(result.outcome == UploadOutcome::file_exists);
        CHECK_THAT(
            result.message,
            Catch::StartsWith(
                "File already exists ('acme_utils-0.0.0-py3-none-any.whl', with blake2_256 hash '") &&
                Catch::EndsWith("'). See https://pypi.org/help/#file-name-reuse for more information."));
    }
    SECTION("someone took the name just before") {
        pypi.take_name_on_upload("acme-utils", "mallory");
        const auto result = uploader.upload(placeholder_for("acme-utils"));
        CHECK(result.outcome == UploadOutcome::not_allowed);
        CHECK(result.status == 403);
        CHECK(result.message ==
              "The user 'acme-security' isn't allowed to upload to project 'acme-utils'. " + project_help);
    }
    SECTION("rate limited: not retried") {
        pypi.set_new_projects_per_hour(1);
        REQUIRE(uploader.upload(placeholder_for("acme-one")).outcome == UploadOutcome::accepted);
        const auto result = uploader.upload(placeholder_for("acme-two"));
        CHECK(result.outcome == UploadOutcome::rate_limited);
        CHECK(result.status == 429);
        CHECK(result.message == "Too many new projects created");
        CHECK(pypi.request_count(PypiEndpoint::upload) == 2); // one each: the 429 was not repeated
    }
    SECTION("an injected 429 is not retried either") {
        pypi.fail_next(PypiEndpoint::upload, 1, 429);
        const auto result = uploader.upload(placeholder_for("acme-utils"));
        CHECK(result.outcome == UploadOutcome::rate_limited);
        CHECK(pypi.request_count(PypiEndpoint::upload) == 1);
        CHECK(pypi.uploads().empty());
    }
    SECTION("a 503 is retried") {
        pypi.fail_next(PypiEndpoint::upload, 1, 503);
        const auto result = uploader.upload(placeholder_for("acme-utils"));
        CHECK(result.outcome == UploadOutcome::accepted);
        CHECK(pypi.request_count(PypiEndpoint::upload) == 2);
        CHECK(pypi.uploads().size() == 1);
    }
    SECTION("something else PyPI refuses") {
        auto file = placeholder_for("acme-utils");
        set_field(file, "protocol_version", "2");
        const auto result = uploader.upload(file);
        CHECK(result.outcome == UploadOutcome::rejected);
        CHECK(result.message == "Unknown protocol version.");
    }
}

TEST_CASE("a refused token is auth_failed and never shows in messages or logs", "[index]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    const auto http = fast_client();
    const std::string wrong = "pypi-WRONGsecretWRONGsecret";
    const auto config = config_for(pypi, wrong);
    index::Uploader uploader(*http, config);
    test::LogCapture logs;
    const auto result = uploader.upload(placeholder_for("acme-utils"));
    CHECK(result.outcome == UploadOutcome::auth_failed);
    CHECK(result.status == 403);
    CHECK(result.message == "Invalid or non-existent authentication information. See "
                            "https://pypi.org/help/#invalid-auth for more "
                            "information.");
    CHECK(pypi.request_count(PypiEndpoint::upload) == 1);
    CHECK(result.message.find(wrong) == std::string::npos);
    CHECK_FALSE(logs.text().empty()); // the request was logged, so the next check means something
    CHECK(logs.text().find(wrong) == std::string::npos);

    const auto right_config = config_for(pypi);
    index::Uploader right(*http, right_config);
    CHECK(right.upload(placeholder_for("acme-utils")).outcome == UploadOutcome::accepted);
    CHECK(logs.text().find(k_token) == std::string::npos);
}

TEST_CASE("the message reads as a sentence: reason phrase or HTML body", "[index]") {
    // Real PyPI also puts the message in the status line; cpp-httplib 0.11 always writes the standard
    // reason phrase, so these answers exercise the body path (the one HTTP/2 answers take too).
    std::string body;
    int status = 400;
    test::LocalServer server([&](httplib::Server& svr) {
        svr.Post("/legacy/", [&](const httplib::Request&, httplib::Response& res) {
            res.status = status;
            res.set_content(body, body.starts_with("<") ? "text/html" : "text/plain");
        });
    });
    const auto http = fast_client();
    config::PypiConfig config;
    config.upload_url = server.url("/legacy/");
    config.token = config::Secret(k_token);
    index::Uploader uploader(*http, config);
    const auto file = placeholder_for("acme-utils");

    SECTION("pyramid's page, with escaped quotes") {
        body = "<html>\n <head>\n  <title>400 The name &#x27;acme-utils&#x27; isn&#x27;t allowed. See "
               "https://pypi.org/help/#project-name for more information.</title>\n </head>\n <body>\n  "
               "<h1>400 The "
               "name &#x27;acme-utils&#x27; isn&#x27;t allowed. See https://pypi.org/help/#project-name for "
               "more "
               "information.</h1>\n  The server could not comply with the request since it is either "
               "malformed or "
               "otherwise incorrect.<br/><br/>\n</body>\n</html>";
        const auto result = uploader.upload(file);
        CHECK(result.message == "The name 'acme-utils' isn't allowed. See "
                                "https://pypi.org/help/#project-name for more information.");
        CHECK(result.outcome == UploadOutcome::prohibited);
    }
    SECTION("a plain-text body on several lines") {
        body = "The name 'acme-utils' is too similar\nto an existing project.";
        const auto result = uploader.upload(file);
        CHECK(result.message == "The name 'acme-utils' is too similar to an existing project.");
        CHECK(result.outcome == UploadOutcome::too_similar);
    }
    SECTION("no body: the reason phrase") {
        body = "";
        status = 404;
        const auto result = uploader.upload(file);
        CHECK(result.outcome == UploadOutcome::rejected);
        CHECK(result.status == 404);
        CHECK(result.message == "Not Found");
    }
}
