#include "standins/artifactory_standin.hpp"
#include "standins/sample_data.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <set>

using namekeeper::standins::AqlFault;
using namekeeper::standins::AqlFaultKind;
using namekeeper::standins::ArtifactoryStandin;
using nlohmann::json;

namespace {

std::string page_query(const std::string& criteria, std::size_t offset, std::size_t limit) {
    return fmt::format(
        R"(items.find({}).include("repo","path","name","created").sort({{"$asc":["repo","path","name"]}}).offset({}).limit({}))",
        criteria, offset, limit);
}

httplib::Result post_aql(ArtifactoryStandin& standin, const std::string& body,
                         const std::string& token = "t0ken") {
    httplib::Client client("127.0.0.1", standin.port());
    client.set_bearer_token_auth(token.c_str());
    client.set_read_timeout(std::chrono::seconds(10));
    return client.Post("/artifactory/api/search/aql", body, "text/plain");
}

// 3,000 artifacts: 1,000 names x 3 files over two repositories, plus .pypi index files.
void fill(ArtifactoryStandin& standin) {
    standin.set_bearer_token("t0ken");
    standin.add_repository("repo-a");
    standin.add_repository("repo-b");
    std::vector<ArtifactoryStandin::Artifact> artifacts;
    // Added in reverse order: the stand-in must sort.
    for (int i = 999; i >= 0; --i) {
        const std::string repo = i % 2 == 0 ? "repo-a" : "repo-b";
        for (int f = 0; f < 3; ++f) {
            artifacts.push_back({repo, fmt::format("pkg-{:04}/1.{}.0/pkg_{:04}-1.{}.0.tar.gz", i, f, i, f),
                                 fmt::format("2026-11-{:02}T10:00:00.000Z", 1 + (i % 28))});
        }
    }
    artifacts.push_back({"repo-a", ".pypi/simple.html", "2026-12-01T00:00:00.000Z"});
    artifacts.push_back({"repo-a", ".pypi/pkg-0000/pkg-0000.html", "2026-12-01T00:00:00.000Z"});
    standin.add_artifacts(std::move(artifacts));
}

} // namespace

TEST_CASE("Artifactory stand-in pages AQL results in (repo, path, name) order", "[standins]") {
    ArtifactoryStandin standin;
    fill(standin);
    REQUIRE(standin.artifact_count() == 3002);

    const std::string criteria =
        R"({"$or":[{"repo":"repo-a"},{"repo":"repo-b"}],"type":"file","path":{"$nmatch":".pypi*"}})";
    std::vector<std::string> seen;
    for (std::size_t offset = 0;; offset += 700) {
        const auto result = post_aql(standin, page_query(criteria, offset, 700));
        REQUIRE(result);
        REQUIRE(result->status == 200);
        const json body = json::parse(result->body);
        const auto& results = body["results"];
        CHECK(body["range"]["start_pos"] == offset);
        CHECK(body["range"]["limit"] == 700);
        CHECK(body["range"]["total"] == results.size());
        if (results.empty()) {
            break;
        }
        for (const auto& row : results) {
            CHECK(row["type"] == "file");
            CHECK(row.contains("created"));
            seen.push_back(fmt::format("{}/{}/{}", row["repo"].get<std::string>(),
                                       row["path"].get<std::string>(), row["name"].get<std::string>()));
        }
    }
    REQUIRE(seen.size() == 3000);
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 3000);
    CHECK(seen.front() == "repo-a/pkg-0000/1.0.0/pkg_0000-1.0.0.tar.gz");
    CHECK(seen.back() == "repo-b/pkg-0999/1.2.0/pkg_0999-1.2.0.tar.gz");
    CHECK(standin.aql_request_count() == 6);
    CHECK(standin.received_queries().front() == page_query(criteria, 0, 700));
}

TEST_CASE("Artifactory stand-in filters by repo, path, name and created", "[standins]") {
    ArtifactoryStandin standin;
    fill(standin);
    const auto count = [&](const std::string& criteria) {
        const auto result = post_aql(standin, page_query(criteria, 0, 10000));
        REQUIRE(result);
        REQUIRE(result->status == 200);
        return json::parse(result->body)["results"].size();
    };
    CHECK(count(R"({"repo":"repo-a"})") == 1502);
    CHECK(count(R"({"repo":"repo-a","path":{"$nmatch":".pypi*"}})") == 1500);
    CHECK(count(R"({"repo":{"$eq":"repo-a"},"path":{"$match":".pypi*"}})") == 2);
    CHECK(count(R"({"$and":[{"repo":"repo-b"},{"name":{"$match":"pkg_001?-1.1.0.tar.gz"}}]})") == 5);
    CHECK(count(R"({"created":{"$gt":"2026-11-28T00:00:00.000Z"}})") == 2 + 3 * 35);
    CHECK(count(R"({"created":{"$gte":"2026-11-28T10:00:00.000Z","$lt":"2026-12-01T00:00:00.000Z"}})") ==
          105);
    CHECK(count(R"({"repo":{"$ne":"repo-a"},"type":"file"})") == 1500);
    CHECK(count(R"({"type":"folder"})") == 0);
}

TEST_CASE("Artifactory stand-in refuses malformed and oversized queries", "[standins]") {
    ArtifactoryStandin standin;
    fill(standin);
    auto result = post_aql(standin, R"(items.find({"repo":"repo-a"}).include("repo").sortt({}))");
    REQUIRE(result);
    CHECK(result->status == 400);
    CHECK(result->body.starts_with("Failed to parse query: items.find("));
    CHECK(result->get_header_value("Content-Type").starts_with("text/plain"));

    result = post_aql(standin, R"(items.find({"colour":"red"}))");
    REQUIRE(result);
    CHECK(result->status == 400);

    const std::string long_query =
        page_query(fmt::format(R"({{"name":"{}"}})", std::string(6000, 'x')), 0, 10);
    result = post_aql(standin, long_query);
    REQUIRE(result);
    CHECK(result->status == 400);
    CHECK(result->body == fmt::format("AQL query exceeds the maximum length of 6000 characters (received {})",
                                      long_query.size()));
}

TEST_CASE("Artifactory stand-in answers 401 to missing or wrong credentials", "[standins]") {
    ArtifactoryStandin standin;
    standin.set_bearer_token("right");
    standin.set_basic_auth("deployer", "s3cret");
    standin.add_repository("pypi-local");
    httplib::Client client("127.0.0.1", standin.port());
    auto result = client.Get("/artifactory/api/repositories");
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(result->body == R"({"errors":[{"status":401,"message":"Bad credentials"}]})");

    result = post_aql(standin, page_query("{}", 0, 1), "wrong");
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(standin.aql_request_count() == 0);

    CHECK(post_aql(standin, page_query("{}", 0, 1), "right")->status == 200);
    client.set_basic_auth("deployer", "s3cret");
    CHECK(client.Get("/artifactory/api/repositories")->status == 200);
    client.set_basic_auth("deployer", "nope");
    CHECK(client.Get("/artifactory/api/repositories")->status == 401);
}

TEST_CASE("Artifactory stand-in lists repositories filtered case-insensitively", "[standins]") {
    ArtifactoryStandin standin;
    namekeeper::standins::PypiStandin pypi;
    namekeeper::standins::populate_sample_company(standin, pypi);
    httplib::Client client("127.0.0.1", standin.port());
    client.set_bearer_token_auth("demo-artifactory-token");
    auto result = client.Get("/artifactory/api/repositories?type=local&packageType=pypi");
    REQUIRE(result);
    REQUIRE(result->status == 200);
    const json local = json::parse(result->body);
    REQUIRE(local.size() == 2);
    CHECK(local[0]["key"] == "pypi-local");
    CHECK(local[0]["type"] == "LOCAL");
    CHECK(local[1]["packageType"] == "Pypi");
    CHECK(local[1]["url"] == standin.base_url() + "/pypi-team");
    const json all = json::parse(client.Get("/artifactory/api/repositories")->body);
    CHECK(all.size() == 5);
    const json federated = json::parse(client.Get("/artifactory/api/repositories?type=federated")->body);
    REQUIRE(federated.size() == 1);
    CHECK(federated[0]["type"] == "FEDERATED");
}

TEST_CASE("Artifactory stand-in injects AQL faults", "[standins]") {
    ArtifactoryStandin standin;
    fill(standin);
    const std::string query = page_query(R"({"repo":"repo-a"})", 0, 100);

    SECTION("the Nth request fails with 500") {
        standin.inject_aql_fault(2, AqlFault{AqlFaultKind::status, 500, std::nullopt});
        CHECK(post_aql(standin, query)->status == 200);
        CHECK(post_aql(standin, query)->status == 500);
        CHECK(post_aql(standin, query)->status == 200);
    }
    SECTION("the next K requests answer 429 with Retry-After") {
        CHECK(post_aql(standin, query)->status == 200);
        standin.inject_next_aql_faults(2, AqlFault{AqlFaultKind::status, 429, 3});
        for (int i = 0; i < 2; ++i) {
            const auto result = post_aql(standin, query);
            CHECK(result->status == 429);
            CHECK(result->get_header_value("Retry-After") == "3");
        }
        CHECK(post_aql(standin, query)->status == 200);
        CHECK(standin.aql_request_count() == 4);
    }
    SECTION("a truncated body is complete HTTP but invalid JSON") {
        standin.inject_aql_fault(1, AqlFault{AqlFaultKind::truncated_body, 200, std::nullopt});
        const auto truncated = post_aql(standin, query);
        REQUIRE(truncated);
        CHECK(truncated->status == 200);
        CHECK(json::parse(truncated->body, nullptr, false).is_discarded());
        const auto whole = post_aql(standin, query);
        CHECK(truncated->body.size() == whole->body.size() / 2);
        CHECK(whole->body.starts_with(truncated->body));
    }
    SECTION("permission filtering shortens pages but keeps the limit") {
        standin.set_permission_drop_fraction(0.25);
        const json body = json::parse(post_aql(standin, query)->body);
        CHECK(body["results"].size() == 75);
        CHECK(body["range"]["limit"] == 100);
        CHECK(body["range"]["end_pos"] == 100);
        const json next = json::parse(post_aql(standin, page_query(R"({"repo":"repo-a"})", 100, 100))->body);
        CHECK(next["results"].size() == 75);
    }
    SECTION("a hang outlasts the client's timeout") {
        standin.set_hang_bound(std::chrono::milliseconds(3000));
        standin.inject_aql_fault(1, AqlFault{AqlFaultKind::hang, 200, std::nullopt});
        httplib::Client client("127.0.0.1", standin.port());
        client.set_bearer_token_auth("t0ken");
        client.set_read_timeout(std::chrono::milliseconds(200));
        const auto result = client.Post("/artifactory/api/search/aql", query, "text/plain");
        CHECK_FALSE(result);
        CHECK(result.error() == httplib::Error::Read);
        // The destructor interrupts the sleeping handler instead of waiting out the bound.
    }
}

TEST_CASE("Artifactory stand-in holds the benchmark's 200,000 artifacts", "[standins]") {
    ArtifactoryStandin standin;
    namekeeper::standins::populate_scale(standin, 200'000, 40'000);
    REQUIRE(standin.artifact_count() == 200'000);
    const std::string criteria = R"({"repo":"pypi-local","path":{"$nmatch":".pypi*"}})";
    const json first = json::parse(post_aql(standin, page_query(criteria, 0, 10000), "")->body);
    CHECK(first["results"].size() == 10000);
    CHECK(first["results"][0]["path"] == "scale-pkg-00000/1.0.0");
    const json last = json::parse(post_aql(standin, page_query(criteria, 150000, 10000), "")->body);
    CHECK(last["results"].empty());
    const json tail = json::parse(post_aql(standin, page_query(criteria, 140000, 10000), "")->body);
    CHECK(tail["results"].size() == 10000);
    CHECK(tail["results"][9999]["path"].get<std::string>().starts_with("scale-pkg-39998/"));
}
