// artifactory::Client against the Artifactory stand-in (and, for answers the stand-in never gives, a
// small cpp-httplib server), over real HTTP on loopback.

#include "http/local_server.hpp"
#include "namekeeper/artifactory/client.hpp"
#include "namekeeper/http/client.hpp"
#include "standins/artifactory_standin.hpp"
#include "support/http_client.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <string>
#include <vector>

using namespace namekeeper;
using artifactory::Artifact;
using artifactory::ErrorKind;
using artifactory::ListingQuery;
using standins::AqlFault;
using standins::AqlFaultKind;
using standins::ArtifactoryStandin;

namespace {

// Short retry delays: a Retry-After of 1 s is capped at 50 ms.
std::unique_ptr<http::Client> fast_client(int attempts = 3) {
    return test::fast_http_client(attempts, std::chrono::milliseconds(50));
}

config::ArtifactoryConfig config_for(std::string url, int page_size = 3) {
    config::ArtifactoryConfig config;
    config.url = std::move(url);
    config.token = config::Secret("tok-123");
    config.page_size = page_size;
    config.timeout = std::chrono::seconds(5);
    return config;
}

// Collects every page, checking that no page is larger than the page size.
struct Collector {
    std::size_t page_size;
    std::vector<Artifact> all;
    std::size_t largest_page = 0;
    std::size_t pages = 0;

    artifactory::PageHandler handler() {
        return [this](std::span<const Artifact> page) {
            largest_page = std::max(largest_page, page.size());
            ++pages;
            CHECK(page.size() <= page_size);
            all.insert(all.end(), page.begin(), page.end());
        };
    }
    [[nodiscard]] std::vector<std::string> paths() const {
        std::vector<std::string> out;
        for (const auto& a : all) {
            out.push_back(a.repo_path());
        }
        return out;
    }
};

void add_ten(ArtifactoryStandin& standin) {
    for (int i = 0; i < 10; ++i) {
        standin.add_artifact("pypi-local", fmt::format("pkg{}/1.0/pkg{}-1.0.tar.gz", i, i),
                             fmt::format("2026-12-01T10:00:{:02}.000Z", 50 - i));
    }
}

std::vector<std::string> expected_ten() {
    std::vector<std::string> out;
    for (int i = 0; i < 10; ++i) {
        out.push_back(fmt::format("pkg{}/1.0/pkg{}-1.0.tar.gz", i, i));
    }
    return out;
}

std::string offsets_of(const std::vector<std::string>& queries) {
    std::string out;
    for (const auto& q : queries) {
        const auto at = q.find(".offset(");
        out += (out.empty() ? "" : ",") + q.substr(at + 8, q.find(')', at) - at - 8);
    }
    return out;
}

} // namespace

TEST_CASE("discovery lists local and federated PyPI repositories, sorted, whatever the case",
          "[artifactory]") {
    std::mutex mutex;
    std::vector<std::string> asked;
    std::vector<std::string> authorization;
    test::LocalServer server([&](httplib::Server& svr) {
        svr.Get("/artifactory/api/repositories", [&](const httplib::Request& req, httplib::Response& res) {
            {
                std::lock_guard lock(mutex);
                asked.push_back(req.get_param_value("type") + "/" + req.get_param_value("packageType"));
                authorization.push_back(req.get_header_value("Authorization"));
            }
            if (req.get_param_value("type") == "local") {
                res.set_content(R"([{"key":"pypi-b","type":"LOCAL","packageType":"Pypi"},
                                    {"key":"npm-local","type":"LOCAL","packageType":"npm"},
                                    {"key":"pypi-a","type":"local","packageType":"PYPI"},
                                    {"key":"pypi-remote","type":"REMOTE","packageType":"pypi"},
                                    "junk", {"type":"LOCAL","packageType":"pypi"}])",
                                "application/json");
            } else {
                res.set_content(R"([{"key":"pypi-fed","type":"FEDERATED","packageType":"pypi"},
                                    {"key":"pypi-a","type":"FEDERATED","packageType":"pypi"}])",
                                "application/json");
            }
        });
    });
    const auto http = fast_client();
    const auto config = config_for(server.url("/artifactory"));
    artifactory::Client client(*http, config);
    const auto repos = client.discover_repositories();
    REQUIRE(repos.has_value());
    CHECK(*repos == std::vector<std::string>{"pypi-a", "pypi-b", "pypi-fed"});
    CHECK(asked == std::vector<std::string>{"local/pypi", "federated/pypi"});
    CHECK(authorization == std::vector<std::string>{"Bearer tok-123", "Bearer tok-123"});
}

TEST_CASE("discovery through the stand-in, a refused token is an auth error", "[artifactory]") {
    ArtifactoryStandin standin;
    standin.add_repository("pypi-local");
    standin.add_repository("pypi-fed", "federated", "Pypi");
    standin.add_repository("npm-local", "local", "npm");
    standin.add_repository("pypi-virtual", "virtual", "pypi");
    standin.set_bearer_token("tok-123");
    const auto http = fast_client();

    SECTION("the right token") {
        const auto config = config_for(standin.base_url());
        artifactory::Client client(*http, config);
        const auto repos = client.discover_repositories();
        REQUIRE(repos.has_value());
        CHECK(*repos == std::vector<std::string>{"pypi-fed", "pypi-local"});
    }
    SECTION("a wrong token") {
        auto config = config_for(standin.base_url());
        config.token = config::Secret("wrong-secret-token");
        artifactory::Client client(*http, config);
        const auto repos = client.discover_repositories();
        REQUIRE_FALSE(repos.has_value());
        CHECK(repos.error().kind == ErrorKind::auth);
        CHECK(repos.error().message ==
              "listing local repositories: Artifactory refused the credentials (HTTP 401); "
              "check artifactory.token or username/password");
        CHECK(standin.repository_request_count() == 1); // a 401 is not retried
    }
}

TEST_CASE("the AQL text for full and incremental listings", "[artifactory]") {
    CHECK(
        artifactory::Client::aql({"pypi-local", std::nullopt}, 0, 10000) ==
        R"(items.find({"path":{"$nmatch":".pypi*"},"repo":"pypi-local","type":"file"}))"
        R"(.include("repo","path","name","created").sort({"$asc":["repo","path","name"]}).offset(0).limit(10000))");
    CHECK(artifactory::Client::aql({"pypi-local", "2026-12-01T00:00:00.000Z"}, 20000, 10000) ==
          R"(items.find({"created":{"$gt":"2026-12-01T00:00:00.000Z"},"path":{"$nmatch":".pypi*"},)"
          R"("repo":"pypi-local","type":"file"}).include("repo","path","name","created"))"
          R"(.sort({"$asc":["repo","path","name"]}).offset(20000).limit(10000))");
    // A quote in a repository key cannot break out of the JSON criteria.
    CHECK(artifactory::Client::aql({"a\"b", std::nullopt}, 0, 1).find(R"("repo":"a\"b")") !=
          std::string::npos);
    // Artifactory refuses queries over 6,000 characters; the longest key it allows is 64.
    const std::string longest = artifactory::Client::aql({std::string(64, 'r'), "2026-12-01T00:00:00.000Z"},
                                                         999'999'999'999, 1'000'000);
    CHECK(longest.size() < 6000);
}

TEST_CASE("paging walks offsets by the page size and stops only on an empty page", "[artifactory]") {
    ArtifactoryStandin standin;
    standin.set_bearer_token("tok-123");
    add_ten(standin);
    standin.add_artifact("pypi-local", ".pypi/simple/index.html", "2026-12-02T00:00:00.000Z");
    standin.add_artifact("other-repo", "x/1.0/x-1.0.tar.gz", "2026-12-02T00:00:00.000Z");
    const auto http = fast_client();
    const auto config = config_for(standin.base_url(), 3);
    artifactory::Client client(*http, config);
    Collector collector{3};

    SECTION("every item arrives, one page at a time") {
        const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
        REQUIRE(summary.has_value());
        CHECK(collector.paths() == expected_ten());
        CHECK(summary->artifacts == 10);
        CHECK(summary->pages == 4);
        CHECK(collector.pages == 4);
        CHECK(collector.largest_page == 3);
        // The newest `created` is pkg0's, which the sort puts first.
        CHECK(summary->max_created == "2026-12-01T10:00:50.000Z");
        const auto queries = standin.received_queries();
        CHECK(offsets_of(queries) == "0,3,6,9,12");
        for (const auto& q : queries) {
            CHECK(q.find(R"(.sort({"$asc":["repo","path","name"]}))") != std::string::npos);
            CHECK(q.ends_with(".limit(3)"));
        }
        CHECK(collector.all.front().repo == "pypi-local");
        CHECK(collector.all.front().path == "pkg0/1.0");
        CHECK(collector.all.front().name == "pkg0-1.0.tar.gz");
    }
    SECTION("a permission-filtered short page does not end the listing") {
        standin.set_permission_drop_fraction(0.34); // one of every three rows is filtered out
        const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
        REQUIRE(summary.has_value());
        CHECK(offsets_of(standin.received_queries()) == "0,3,6,9,12");
        CHECK(collector.paths() ==
              std::vector<std::string>{"pkg0/1.0/pkg0-1.0.tar.gz", "pkg1/1.0/pkg1-1.0.tar.gz",
                                       "pkg3/1.0/pkg3-1.0.tar.gz", "pkg4/1.0/pkg4-1.0.tar.gz",
                                       "pkg6/1.0/pkg6-1.0.tar.gz", "pkg7/1.0/pkg7-1.0.tar.gz",
                                       "pkg9/1.0/pkg9-1.0.tar.gz"});
        CHECK(summary->artifacts == 7);
        CHECK(collector.largest_page == 2);
    }
    SECTION("incremental: only what is newer than the watermark") {
        const auto summary = client.list({"pypi-local", "2026-12-01T10:00:45.000Z"}, collector.handler());
        REQUIRE(summary.has_value());
        CHECK(collector.paths() ==
              std::vector<std::string>{"pkg0/1.0/pkg0-1.0.tar.gz", "pkg1/1.0/pkg1-1.0.tar.gz",
                                       "pkg2/1.0/pkg2-1.0.tar.gz", "pkg3/1.0/pkg3-1.0.tar.gz",
                                       "pkg4/1.0/pkg4-1.0.tar.gz"});
        CHECK(summary->max_created == "2026-12-01T10:00:50.000Z");
    }
    SECTION("an empty repository: one request, nothing handed over") {
        const auto summary = client.list({"empty-repo", std::nullopt}, collector.handler());
        REQUIRE(summary.has_value());
        CHECK(summary->artifacts == 0);
        CHECK(summary->pages == 0);
        CHECK(summary->max_created.empty());
        CHECK(collector.pages == 0);
        CHECK(standin.aql_request_count() == 1);
    }
}

TEST_CASE("a large listing never holds more than one page", "[artifactory]") {
    ArtifactoryStandin standin;
    std::vector<ArtifactoryStandin::Artifact> artifacts;
    for (int i = 0; i < 2500; ++i) {
        artifacts.push_back({"pypi-local", fmt::format("p{:05}/1.0/p{:05}-1.0.tar.gz", i, i),
                             fmt::format("2026-11-{:02}T00:00:00.000Z", 1 + i % 28)});
    }
    standin.add_artifacts(std::move(artifacts));
    const auto http = fast_client();
    const auto config = config_for(standin.base_url(), 1000);
    artifactory::Client client(*http, config);
    Collector collector{1000};
    const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
    REQUIRE(summary.has_value());
    CHECK(summary->artifacts == 2500);
    CHECK(summary->pages == 3);
    CHECK(collector.largest_page == 1000);
    CHECK(summary->max_created == "2026-11-28T00:00:00.000Z");
    CHECK(offsets_of(standin.received_queries()) == "0,1000,2000,3000");
}

TEST_CASE("passing faults are retried, lasting ones name the repository and offset", "[artifactory]") {
    ArtifactoryStandin standin;
    add_ten(standin);
    const auto http = fast_client(3);
    const auto config = config_for(standin.base_url(), 3);
    artifactory::Client client(*http, config);
    Collector collector{3};

    SECTION("a 500, then success") {
        standin.inject_aql_fault(2, AqlFault{AqlFaultKind::status, 500, std::nullopt});
        const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
        REQUIRE(summary.has_value());
        CHECK(collector.paths() == expected_ten());
        CHECK(standin.aql_request_count() == 6);
        CHECK(offsets_of(standin.received_queries()) == "0,3,3,6,9,12");
    }
    SECTION("a 429 with Retry-After") {
        standin.inject_aql_fault(1, AqlFault{AqlFaultKind::status, 429, 1});
        const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
        REQUIRE(summary.has_value());
        CHECK(collector.paths() == expected_ten());
        CHECK(offsets_of(standin.received_queries()) == "0,0,3,6,9,12");
    }
    SECTION("a 500 that lasts") {
        standin.inject_aql_fault(2, AqlFault{AqlFaultKind::status, 500, std::nullopt});
        standin.inject_aql_fault(3, AqlFault{AqlFaultKind::status, 500, std::nullopt});
        standin.inject_aql_fault(4, AqlFault{AqlFaultKind::status, 500, std::nullopt});
        const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
        REQUIRE_FALSE(summary.has_value());
        CHECK(summary.error().kind == ErrorKind::http_status);
        CHECK(summary.error().message ==
              "listing repository pypi-local at offset 3: HTTP 500 Internal Server Error (after 3 attempts)");
        CHECK(collector.all.size() == 3); // the first page was handed over before the failure
    }
    SECTION("a truncated answer") {
        standin.inject_aql_fault(1, AqlFault{AqlFaultKind::truncated_body, 200, std::nullopt});
        const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
        REQUIRE_FALSE(summary.has_value());
        CHECK(summary.error().kind == ErrorKind::bad_response);
        CHECK(summary.error().message ==
              "listing repository pypi-local at offset 0: the answer is not a complete AQL "
              "result (truncated or not JSON)");
        CHECK(standin.aql_request_count() == 1);
    }
}

TEST_CASE("a hanging Artifactory is a timeout error", "[artifactory]") {
    ArtifactoryStandin standin;
    add_ten(standin);
    standin.set_hang_bound(std::chrono::seconds(4));
    standin.inject_aql_fault(1, AqlFault{AqlFaultKind::hang, 200, std::nullopt});
    const auto http = fast_client(1);
    auto config = config_for(standin.base_url(), 3);
    config.timeout = std::chrono::seconds(1);
    artifactory::Client client(*http, config);
    Collector collector{3};
    const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
    REQUIRE_FALSE(summary.has_value());
    CHECK(summary.error().kind == ErrorKind::transport);
    const std::string prefix = fmt::format(
        "listing repository pypi-local at offset 0: POST {}/api/search/aql: timed out (", standin.base_url());
    CHECK_THAT(summary.error().message, Catch::StartsWith(prefix) && Catch::EndsWith(")"));
}

TEST_CASE("answers that are not AQL results", "[artifactory]") {
    std::string answer;
    test::LocalServer server([&](httplib::Server& svr) {
        svr.Post("/artifactory/api/search/aql", [&](const httplib::Request&, httplib::Response& res) {
            res.set_content(answer, "application/json");
        });
    });
    const auto http = fast_client();
    const auto config = config_for(server.url("/artifactory"));
    artifactory::Client client(*http, config);
    Collector collector{3};
    const std::string at = "listing repository r at offset 0: ";

    SECTION("an item without a path") {
        answer =
            R"({"results":[{"repo":"r","path":"a/1.0","name":"a-1.0.tar.gz"},{"repo":"r","name":"b-1.0.tar.gz"}]})";
        const auto summary = client.list({"r", std::nullopt}, collector.handler());
        REQUIRE_FALSE(summary.has_value());
        CHECK(summary.error().kind == ErrorKind::bad_response);
        CHECK(summary.error().message == at + "an item lacks repo, path or name");
        CHECK(collector.pages == 0); // a bad page is not handed over in part
    }
    SECTION("an item that is not an object") {
        answer = R"({"results":["a-1.0.tar.gz"]})";
        const auto summary = client.list({"r", std::nullopt}, collector.handler());
        REQUIRE_FALSE(summary.has_value());
        CHECK(summary.error().message == at + "an item lacks repo, path or name");
    }
    SECTION("no results array") {
        answer = R"({"range":{"start_pos":0}})";
        const auto summary = client.list({"r", std::nullopt}, collector.handler());
        REQUIRE_FALSE(summary.has_value());
        CHECK(summary.error().message ==
              at + "the answer is not a complete AQL result (truncated or not JSON)");
    }
}

TEST_CASE("basic auth instead of a token", "[artifactory]") {
    ArtifactoryStandin standin;
    standin.set_basic_auth("ci-user", "ci-password");
    add_ten(standin);
    standin.add_repository("pypi-local");
    const auto http = fast_client();
    auto config = config_for(standin.base_url(), 4);
    config.token = config::Secret();
    config.username = "ci-user";
    config.password = config::Secret("ci-password");
    artifactory::Client client(*http, config);
    Collector collector{4};
    const auto summary = client.list({"pypi-local", std::nullopt}, collector.handler());
    REQUIRE(summary.has_value());
    CHECK(collector.paths() == expected_ten());
    CHECK(client.discover_repositories() == std::vector<std::string>{"pypi-local"});

    config.password = config::Secret("wrong-password");
    const auto refused = client.list({"pypi-local", std::nullopt}, collector.handler());
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == ErrorKind::auth);
    CHECK(refused.error().message ==
          "listing repository pypi-local at offset 0: Artifactory refused the credentials "
          "(HTTP 401); check artifactory.token or username/password");
}

TEST_CASE("nothing listens: a transport error that says how often it was tried", "[artifactory]") {
    const auto http = fast_client(3);
    const auto config = config_for(fmt::format("http://127.0.0.1:{}/artifactory", test::closed_port()));
    artifactory::Client client(*http, config);
    const auto repos = client.discover_repositories();
    REQUIRE_FALSE(repos.has_value());
    CHECK(repos.error().kind == ErrorKind::transport);
    CHECK_THAT(
        repos.error().message,
        Catch::StartsWith(fmt::format("listing local repositories: GET {}/api/repositories?", config.url)) &&
            Catch::Contains(": could not connect (") && Catch::EndsWith("); gave up after 3 attempts"));
}
