#include "standins/pypi_standin.hpp"
#include "standins/sample_data.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

using namekeeper::standins::PypiEndpoint;
using namekeeper::standins::PypiStandin;
using nlohmann::json;

namespace {

constexpr const char* k_simple_json = "application/vnd.pypi.simple.v1+json";

httplib::Result get(const PypiStandin& standin, const std::string& path, const char* accept = k_simple_json) {
    httplib::Client client("127.0.0.1", standin.port());
    client.set_read_timeout(std::chrono::seconds(10));
    return client.Get(path.c_str(), {{"Accept", accept}});
}

} // namespace

TEST_CASE("PyPI stand-in serves the simple API", "[standins]") {
    PypiStandin standin;
    standin.add_project("Acme_Utils", {"acme-security"}, "acme", {"1.0.0", "1.4.0"});
    standin.add_project("held-name", {"squatter"});

    SECTION("PEP 691 JSON when asked for") {
        const auto result = get(standin, "/simple/acme-utils/");
        REQUIRE(result);
        CHECK(result->status == 200);
        CHECK(result->get_header_value("Content-Type") == k_simple_json);
        const json body = json::parse(result->body);
        CHECK(body["meta"]["api-version"] == "1.1");
        CHECK(body["name"] == "acme-utils");
        REQUIRE(body["files"].size() == 2);
        CHECK(body["files"][1]["filename"] == "acme_utils-1.4.0-py3-none-any.whl");
        CHECK(body["files"][1]["hashes"]["sha256"].get<std::string>().size() == 64);
        CHECK(body["versions"] == json::array({"1.0.0", "1.4.0"}));
    }
    SECTION("HTML otherwise") {
        const auto result = get(standin, "/simple/acme-utils/", "text/html");
        REQUIRE(result);
        CHECK(result->status == 200);
        CHECK(result->get_header_value("Content-Type") == "text/html; charset=UTF-8");
        CHECK(result->body.find(">acme_utils-1.0.0-py3-none-any.whl</a>") != std::string::npos);
    }
    SECTION("301 to the normalized name, 404 for unknown names") {
        auto result = get(standin, "/simple/Acme.Utils/");
        REQUIRE(result);
        CHECK(result->status == 301);
        CHECK(result->get_header_value("Location") == "/simple/acme-utils/");
        CHECK(get(standin, "/simple/acme-utils")->status == 301);
        CHECK(get(standin, "/simple/nothing-here/")->status == 404);
        CHECK(get(standin, "/simple/Nothing_Here/")->status == 404);
    }
    SECTION("a project without releases holds its name") {
        const auto result = get(standin, "/simple/held-name/");
        REQUIRE(result);
        CHECK(result->status == 200);
        const json body = json::parse(result->body);
        CHECK(body["files"] == json::array());
        CHECK(get(standin, "/pypi/held-name/json")->status == 404);
    }
    CHECK(standin.request_count(PypiEndpoint::simple) >= 1);
}

TEST_CASE("PyPI stand-in serves the JSON API with ownership", "[standins]") {
    PypiStandin standin;
    namekeeper::standins::ArtifactoryStandin artifactory;
    namekeeper::standins::populate_sample_company(artifactory, standin);

    auto result = get(standin, "/pypi/acme-sdk/json", "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 200);
    json body = json::parse(result->body);
    CHECK(body["info"]["name"] == "acme-sdk");
    CHECK(body["info"]["version"] == "3.2.0");
    CHECK(body["info"]["author_email"] == "security@acme.example");
    CHECK(body["ownership"]["roles"] == json::parse(R"([{"role":"Owner","user":"acme-security"}])"));
    CHECK(body["ownership"]["organization"] == "acme");
    CHECK(body["releases"].size() == 2);
    REQUIRE(body["urls"].size() == 1);
    CHECK(body["urls"][0]["filename"] == "acme_sdk-3.2.0-py3-none-any.whl");

    body = json::parse(get(standin, "/pypi/acme-toolkit/json", "application/json")->body);
    CHECK(body["info"]["version"] == "99.0.0");
    CHECK(body["ownership"]["organization"].is_null());
    CHECK(body["ownership"]["roles"][0]["user"] == "mallory");

    CHECK(get(standin, "/pypi/tomllib/json")->status == 404);
    CHECK(get(standin, "/pypi/acme-legacy/json")->status == 404);
    CHECK(get(standin, "/simple/acme-legacy/")->status == 200);
    CHECK(standin.request_count(PypiEndpoint::json) == 4);
}

TEST_CASE("PyPI stand-in picks the highest PEP 440 version", "[standins]") {
    PypiStandin standin;
    standin.add_project("ordering", {"someone"}, std::nullopt,
                        {"1.10.0", "1.9.0", "2.0.0rc1", "1.10.0.post1"});
    const json body = json::parse(get(standin, "/pypi/ordering/json")->body);
    CHECK(body["info"]["version"] == "1.10.0.post1"); // final releases win over pre-releases
    standin.add_release("ordering", "2.0.0");
    standin.add_release("ordering", "2.0.0.dev3");
    CHECK(json::parse(get(standin, "/pypi/ordering/json")->body)["info"]["version"] == "2.0.0");
    standin.add_project("only-pre", {"someone"}, std::nullopt, {"0.1.dev1", "0.1a2", "0.1a10"});
    CHECK(json::parse(get(standin, "/pypi/only-pre/json")->body)["info"]["version"] == "0.1a10");
}

TEST_CASE("PyPI stand-in injects read faults", "[standins]") {
    PypiStandin standin;
    standin.add_project("present", {"someone"}, std::nullopt, {"1.0"});

    SECTION("the next requests of one endpoint fail") {
        standin.fail_next(PypiEndpoint::simple, 2, 503);
        CHECK(get(standin, "/simple/present/")->status == 503);
        CHECK(get(standin, "/pypi/present/json")->status == 200);
        CHECK(get(standin, "/simple/present/")->status == 503);
        CHECK(get(standin, "/simple/present/")->status == 200);
        standin.fail_next(PypiEndpoint::json, 1, 429);
        const auto limited = get(standin, "/pypi/present/json");
        CHECK(limited->status == 429);
        CHECK(limited->get_header_value("Retry-After") == "1");
    }
    SECTION("a hang outlasts the client's timeout") {
        standin.set_hang_bound(std::chrono::milliseconds(3000));
        standin.hang_next(PypiEndpoint::simple, 1);
        httplib::Client client("127.0.0.1", standin.port());
        client.set_read_timeout(std::chrono::milliseconds(200));
        CHECK_FALSE(client.Get("/simple/present/"));
        CHECK(get(standin, "/simple/present/")->status == 200);
    }
    CHECK(standin.project_count() == 1);
}
