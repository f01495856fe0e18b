// index::PublicIndex against the PyPI stand-in (and a small cpp-httplib server for JSON answers the
// stand-in never gives), over real HTTP on loopback.

#include "http/local_server.hpp"
#include "namekeeper/http/client.hpp"
#include "namekeeper/index/public_index.hpp"
#include "standins/pypi_standin.hpp"
#include "support/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <string>
#include <vector>

using namespace namekeeper;
using standins::PypiEndpoint;
using standins::PypiStandin;

namespace {

std::unique_ptr<http::Client> fast_client(int attempts = 2) {
    return test::fast_http_client(attempts, std::chrono::milliseconds(20));
}

config::PypiConfig config_for(std::string index_url, int concurrency = 4) {
    config::PypiConfig config;
    config.index_url = std::move(index_url);
    config.concurrency = concurrency;
    config.timeout = std::chrono::seconds(5);
    return config;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::ranges::sort(v);
    return v;
}

} // namespace

TEST_CASE("a name the index does not know is free, after one request", "[index]") {
    PypiStandin pypi;
    const auto http = fast_client();
    const auto config = config_for(pypi.base_url());
    index::PublicIndex index(*http, config);
    const auto result = index.look_up("acme-utils");
    REQUIRE(result.has_value());
    CHECK_FALSE(result->has_value());
    CHECK(pypi.request_count(PypiEndpoint::simple) == 1);
    CHECK(pypi.request_count(PypiEndpoint::json) == 0);
}

TEST_CASE("a held name brings its owners, versions and highest version", "[index]") {
    PypiStandin pypi;
    pypi.add_project("acme-utils", {"alice", "acme-security"}, "acme", {"1.0", "2.0rc1", "1.10", "0.9"},
                     "dev@acme.example");
    const auto http = fast_client();
    const auto config = config_for(pypi.base_url());
    index::PublicIndex index(*http, config);
    const auto result = index.look_up("acme-utils");
    REQUIRE(result.has_value());
    REQUIRE(result->has_value());
    const index::Project& project = **result;
    CHECK(project.has_releases);
    CHECK(sorted(project.versions) == std::vector<std::string>{"0.9", "1.0", "1.10", "2.0rc1"});
    CHECK(project.public_version == "2.0rc1"); // a pre-release counts: pip takes it when it is the highest
    CHECK(project.ownership_known);
    CHECK(project.owners == std::vector<std::string>{"alice", "acme-security"});
    CHECK(project.organization == "acme");
    CHECK(project.author_email == "dev@acme.example");
    CHECK(pypi.request_count(PypiEndpoint::simple) == 1);
    CHECK(pypi.request_count(PypiEndpoint::json) == 1);
}

TEST_CASE("a project without releases still holds its name", "[index]") {
    PypiStandin pypi;
    pypi.add_project("squatted", {"mallory"});
    const auto http = fast_client();
    const auto config = config_for(pypi.base_url());
    index::PublicIndex index(*http, config);
    const auto result = index.look_up("squatted");
    REQUIRE(result.has_value());
    REQUIRE(result->has_value());
    CHECK_FALSE((*result)->has_releases);
    CHECK((*result)->versions.empty());
    CHECK_FALSE((*result)->public_version.has_value());
    CHECK_FALSE((*result)->ownership_known);
    CHECK(pypi.request_count(PypiEndpoint::json) == 1);
}

TEST_CASE("JSON answers without ownership, with odd versions", "[index]") {
    std::string answer;
    test::LocalServer server([&](httplib::Server& svr) {
        svr.Get(R"(/simple/([^/]+)/)", [](const httplib::Request& req, httplib::Response& res) {
            // Only the PEP 691 JSON form is answered: anything else would fail the look-up.
            if (req.get_header_value("Accept") != "application/vnd.pypi.simple.v1+json") {
                res.status = 406;
                return;
            }
            res.set_content(R"({"meta":{"api-version":"1.1"},"name":"x","files":[]})",
                            "application/vnd.pypi.simple.v1+json");
        });
        svr.Get(R"(/pypi/([^/]+)/json)", [&](const httplib::Request&, httplib::Response& res) {
            res.set_content(answer, "application/json");
        });
    });
    const auto http = fast_client();
    const auto config = config_for(server.url(""));
    index::PublicIndex index(*http, config);

    SECTION("invalid versions are ignored for the highest; info.version joins the list") {
        answer = R"({"info":{"version":"3.0.dev1","author_email":"Dev@Acme.example"},
                     "releases":{"1.0":[],"10.0.dev1":[],"not a version":[],"2.0":[]}})";
        const auto result = index.look_up("x");
        REQUIRE(result.has_value());
        REQUIRE(result->has_value());
        CHECK(sorted((*result)->versions) ==
              std::vector<std::string>{"1.0", "10.0.dev1", "2.0", "3.0.dev1", "not a version"});
        CHECK((*result)->public_version == "10.0.dev1");
        CHECK_FALSE((*result)->ownership_known);
        CHECK((*result)->owners.empty());
        CHECK((*result)->author_email == "Dev@Acme.example");
    }
    SECTION("only invalid versions: no public version") {
        answer = R"({"info":{"version":"nope"},"releases":{"nope":[],"also nope":[]}})";
        const auto result = index.look_up("x");
        REQUIRE(result.has_value());
        CHECK_FALSE((*result)->public_version.has_value());
        CHECK((*result)->has_releases);
    }
    SECTION("an answer that is not JSON") {
        answer = "<html>oops</html>";
        const auto result = index.look_up("x");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message == "looking up x (JSON API): the answer is not a JSON object");
        CHECK_FALSE(result.error().rate_limited);
    }
}

TEST_CASE("failures of the index are errors, a 429 says so", "[index]") {
    PypiStandin pypi;
    pypi.add_project("held", {"bob"}, std::nullopt, {"1.0"});
    const auto http = fast_client(2);
    const auto config = config_for(pypi.base_url());
    index::PublicIndex index(*http, config);

    SECTION("a lasting 500 on the simple API") {
        pypi.fail_next(PypiEndpoint::simple, 2, 500);
        const auto result = index.look_up("acme-utils");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message ==
              "looking up acme-utils (simple API): HTTP 500 Internal Server Error (after 2 "
              "attempts)");
        CHECK_FALSE(result.error().rate_limited);
        CHECK(pypi.request_count(PypiEndpoint::simple) == 2);
    }
    SECTION("a passing 500 is retried") {
        pypi.fail_next(PypiEndpoint::simple, 1, 500);
        const auto result = index.look_up("acme-utils");
        REQUIRE(result.has_value());
        CHECK_FALSE(result->has_value());
    }
    SECTION("a lasting 429") {
        pypi.fail_next(PypiEndpoint::simple, 2, 429);
        const auto result = index.look_up("acme-utils");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().rate_limited);
        CHECK(result.error().message ==
              "looking up acme-utils (simple API): HTTP 429 Too Many Requests (after 2 attempts)");
    }
    SECTION("a lasting 503 on the JSON API") {
        pypi.fail_next(PypiEndpoint::json, 2, 503);
        const auto result = index.look_up("held");
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message ==
              "looking up held (JSON API): HTTP 503 Service Unavailable (after 2 attempts)");
    }
    SECTION("nothing listens") {
        auto dead = config;
        dead.index_url = fmt::format("http://127.0.0.1:{}", test::closed_port());
        index::PublicIndex nowhere(*http, dead);
        const auto result = nowhere.look_up("acme-utils");
        REQUIRE_FALSE(result.has_value());
        CHECK_THAT(
            result.error().message,
            Catch::StartsWith(fmt::format("looking up acme-utils (simple API): GET {}/simple/acme-utils/: "
                                          "could not connect (",
                                          dead.index_url)) &&
                Catch::EndsWith("); gave up after 2 attempts"));
    }
}

TEST_CASE("look_up_all keeps the input order and asks the JSON API for held names only", "[index]") {
    PypiStandin pypi;
    std::vector<std::string> names;
    for (int i = 0; i < 300; ++i) {
        names.push_back(fmt::format("name-{:03}", i));
        if (i % 3 == 0) {
            pypi.add_project(names.back(), {fmt::format("owner-{}", i)}, std::nullopt,
                             {fmt::format("{}.0", i)});
        } else if (i % 10 == 1) {
            pypi.add_project(names.back(), {"squatter"}); // held, no releases
        }
    }
    const auto http = fast_client();
    const auto config = config_for(pypi.base_url(), 8);
    index::PublicIndex index(*http, config);
    const auto results = index.look_up_all(names);
    REQUIRE(results.size() == names.size());
    std::size_t held = 0;
    for (int i = 0; i < 300; ++i) {
        INFO(names[static_cast<std::size_t>(i)]);
        const auto& r = results[static_cast<std::size_t>(i)];
        REQUIRE(r.has_value());
        if (i % 3 == 0) {
            REQUIRE(r->has_value());
            CHECK((*r)->owners == std::vector<std::string>{fmt::format("owner-{}", i)});
            CHECK((*r)->public_version == fmt::format("{}.0", i));
            ++held;
        } else if (i % 10 == 1) {
            REQUIRE(r->has_value());
            CHECK_FALSE((*r)->has_releases);
            ++held;
        } else {
            CHECK_FALSE(r->has_value());
        }
    }
    CHECK(pypi.request_count(PypiEndpoint::simple) == 300);
    CHECK(pypi.request_count(PypiEndpoint::json) == held);
    CHECK(held == 120); // 100 with releases, 20 without

    SECTION("an empty list asks nothing") {
        CHECK(index.look_up_all({}).empty());
        CHECK(pypi.request_count(PypiEndpoint::simple) == 300);
    }
}
