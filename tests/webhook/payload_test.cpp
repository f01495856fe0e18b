#include "namekeeper/webhook/payload.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace namekeeper::webhook;

namespace {

const std::vector<std::string> k_configured{"pypi-local", "PyPI-Team"};

WebhookEvent accepted(std::string_view body, const std::vector<std::string>& repositories = k_configured) {
    auto event = parse_event(body, repositories);
    REQUIRE(event.has_value());
    REQUIRE(event->accepted());
    return *event;
}

Ignored ignored(std::string_view body, const std::vector<std::string>& repositories = k_configured) {
    auto event = parse_event(body, repositories);
    REQUIRE(event.has_value());
    REQUIRE_FALSE(event->accepted());
    return *event->ignored;
}

std::string error(std::string_view body, const std::vector<std::string>& repositories = k_configured) {
    auto event = parse_event(body, repositories);
    REQUIRE_FALSE(event.has_value());
    return event.error().message;
}

// A deployed event whose data object is `data`.
std::string deployed(std::string_view data) {
    return R"({"domain":"artifact","event_type":"deployed","data":)" + std::string(data) + "}";
}

// A deployed event in pypi-local at `path`, with `path` pasted raw into the JSON string.
std::string deployed_at(std::string_view path) {
    return deployed(R"({"repo_key":"pypi-local","path":")" + std::string(path) + R"(","name":"x"})");
}

} // namespace

TEST_CASE("a deployed event with a data object is accepted", "[webhook][payload]") {
    const auto event = accepted(R"({"domain": "artifact", "event_type": "deployed",
        "data": {"repo_key": "pypi-local", "path": "acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.whl",
                 "name": "acme_utils-1.4.0-py3-none-any.whl", "sha256": "abc", "size": 1234},
        "subscription_key": "namekeeper", "jpd_origin": "https://artifactory.acme.example",
        "source": "jfrog/jfrt@01h9"})");
    CHECK(event.type == EventType::deployed);
    CHECK(event.repo_key == "pypi-local");
    CHECK(event.path == "acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.whl");
    CHECK(event.filename == "acme_utils-1.4.0-py3-none-any.whl");
}

TEST_CASE("optional envelope fields may be absent and unknown fields are ignored", "[webhook][payload]") {
    // No jpd_origin, subscription_key, source or data.name.
    const auto event = accepted(deployed(R"({"repo_key":"pypi-local","path":"pkg.tar.gz","extra":[1,2]})"));
    CHECK(event.path == "pkg.tar.gz");
    CHECK(event.filename == "pkg.tar.gz");
}

TEST_CASE("data may be a JSON-encoded string", "[webhook][payload]") {
    const auto event = accepted(
        R"({"domain":"artifact","event_type":"deployed",)"
        R"("data":"{\"repo_key\":\"pypi-local\",\"path\":\"acme-utils/1.4.0/acme-utils-1.4.0.tar.gz\",\"name\":\"acme-utils-1.4.0.tar.gz\"}"})");
    CHECK(event.repo_key == "pypi-local");
    CHECK(event.path == "acme-utils/1.4.0/acme-utils-1.4.0.tar.gz");
    CHECK(event.filename == "acme-utils-1.4.0.tar.gz");
}

TEST_CASE("moved and copied events use the target path", "[webhook][payload]") {
    const std::string type = GENERATE(as<std::string>{}, "moved", "copied");
    const auto event =
        accepted(R"({"domain":"artifact","event_type":")" + type + R"(",)" +
                 R"("data":{"repo_key":"staging","path":"old/1.0/old-1.0.tar.gz","name":"old-1.0.tar.gz",)"
                 R"("source_repo_path":"staging/old/1.0/old-1.0.tar.gz",)"
                 R"("target_repo_path":"pypi-local/acme/2.0/acme-2.0.tar.gz"}})");
    CHECK(event.type == (type == "moved" ? EventType::moved : EventType::copied));
    CHECK(event.repo_key == "pypi-local");
    CHECK(event.path == "acme/2.0/acme-2.0.tar.gz");
    CHECK(event.filename == "acme-2.0.tar.gz");
    CHECK(to_string(event.type) == type);
}

TEST_CASE("a moved event with data as a string and no jpd_origin is accepted", "[webhook][payload]") {
    const auto event = accepted(
        R"({"domain":"artifact","event_type":"moved","subscription_key":"k",)"
        R"("data":"{\"source_repo_path\":\"tmp/a/1/a-1.zip\",\"target_repo_path\":\"pypi-team/a/1/a-1.zip\"}"})");
    CHECK(event.repo_key == "PyPI-Team"); // the configured spelling
    CHECK(event.path == "a/1/a-1.zip");
}

TEST_CASE("with no repositories configured every repository is ours", "[webhook][payload]") {
    const auto event = accepted(deployed(R"({"repo_key":"anything","path":"a/1/a-1.whl"})"), {});
    CHECK(event.repo_key == "anything");
    CHECK(error(deployed(R"({"repo_key":"","path":"a/1/a-1.whl"})"), {}) ==
          R"("data.repo_key" is not a repository key)");
    CHECK(error(deployed(R"({"repo_key":"a b","path":"a/1/a-1.whl"})"), {}) ==
          R"("data.repo_key" is not a repository key)");
    CHECK(error(deployed(R"({"repo_key":")" + std::string(65, 'r') + R"(","path":"a/1/a-1.whl"})"), {}) ==
          R"("data.repo_key" is not a repository key)");
}

TEST_CASE("events that are not for us are ignored with a reason", "[webhook][payload]") {
    SECTION("another domain") {
        const auto why = ignored(R"({"domain":"build","event_type":"started","data":{}})");
        CHECK(why.reason == IgnoreReason::other_domain);
        CHECK(why.message == R"(domain "build" is not handled)");
        CHECK(to_string(why.reason) == "domain");
    }
    SECTION("another domain, even with a malformed rest") {
        CHECK(ignored(R"({"domain":"docker","event_type":7})").message ==
              R"(domain "docker" is not handled)");
    }
    SECTION("deleted, cached and unknown events") {
        const std::string type = GENERATE(as<std::string>{}, "deleted", "cached", "properties_added", "");
        const auto why = ignored(R"({"domain":"artifact","event_type":")" + type + R"(","data":{}})");
        CHECK(why.reason == IgnoreReason::other_event);
        CHECK(why.message == "event \"" + type + "\" is not handled");
        CHECK(to_string(why.reason) == "event_type");
    }
    SECTION("a repository that is not configured") {
        const auto why = ignored(deployed(R"({"repo_key":"npm-local","path":"../whatever"})"));
        CHECK(why.reason == IgnoreReason::other_repository);
        CHECK(why.message == R"(repository "npm-local" is not configured)");
        CHECK(to_string(why.reason) == "repository");
    }
    SECTION("a move out of a configured repository") {
        const auto why = ignored(
            R"({"domain":"artifact","event_type":"moved","data":{)"
            R"("source_repo_path":"pypi-local/a/1/a-1.whl","target_repo_path":"trash/a/1/a-1.whl"}})");
        CHECK(why.message == R"(repository "trash" is not configured)");
    }
    SECTION("values in messages are quoted safely and cut") {
        CHECK(ignored(R"({"domain":"a\"b\\c\n\u00e9","event_type":"x"})").message ==
              R"(domain "a?b?c???" is not handled)");
        const auto why = ignored(R"({"domain":")" + std::string(100000, 'd') + R"("})");
        CHECK(why.message == "domain \"" + std::string(64, 'd') + "...\" is not handled");
    }
}

TEST_CASE("bodies that are not JSON objects are errors", "[webhook][payload]") {
    CHECK(error("") == "body is empty");
    CHECK(error("null") == "body must be a JSON object");
    CHECK(error("[]") == "body must be a JSON object");
    CHECK(error("\"artifact\"") == "body must be a JSON object");
    CHECK(error("42") == "body must be a JSON object");
    CHECK(error(R"({"domain":"artifact","event_type":"deployed","data":{"repo_key":"pypi-lo)") ==
          "body is not valid JSON");
    CHECK(error("{\"domain\":\"artifact\"} trailing") == "body is not valid JSON");
    CHECK(error("{'domain':'artifact'}") == "body is not valid JSON");
    CHECK(error(std::string("{\"domain\":\"art\xff\"}")) == "body is not valid JSON");
    CHECK(error(std::string("\0", 1)) == "body is not valid JSON");
    CHECK(error("\xef\xbb\xbf") == "body is not valid JSON");
}

TEST_CASE("deep nesting is refused before parsing", "[webhook][payload]") {
    CHECK(error(std::string(100000, '[')) == "body nests deeper than 32 levels");
    CHECK(error(std::string(100000, '[') + std::string(100000, ']')) == "body nests deeper than 32 levels");
    CHECK(error(std::string(100000, '{')) == "body nests deeper than 32 levels");

    // 32 levels pass; brackets inside strings do not count.
    std::string deep = std::string(30, '[') + std::string(30, ']');
    CHECK(accepted(deployed(R"({"repo_key":"pypi-local","path":"a/b.whl","x":)" + deep + "}")).path ==
          "a/b.whl");
    CHECK(
        accepted(
            deployed(
                R"({"repo_key":"pypi-local","path":"a/b.whl","x":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"[[[[[[[[[[[[[[[["})"))
            .path == "a/b.whl");
    CHECK(error(deployed(R"({"repo_key":"pypi-local","path":"a/b.whl","x":)" + std::string(31, '[') +
                         std::string(31, ']') + "}")) == "body nests deeper than 32 levels");
    CHECK(error(R"({"domain":"artifact","event_type":"deployed","data":")" + std::string(40, '[') + "\"}") ==
          "\"data\" nests deeper than 32 levels");
}

TEST_CASE("missing and wrong-typed fields are errors", "[webhook][payload]") {
    CHECK(error("{}") == R"("domain" is missing)");
    CHECK(error(R"({"domain":5})") == R"("domain" must be a string)");
    CHECK(error(R"({"domain":"artifact"})") == R"("event_type" is missing)");
    CHECK(error(R"({"domain":"artifact","event_type":null})") == R"("event_type" must be a string)");
    CHECK(error(R"({"domain":"artifact","event_type":"deployed"})") == R"("data" is missing)");
    CHECK(error(R"({"domain":"artifact","event_type":"deployed","data":7})") ==
          R"("data" must be an object or a JSON-encoded object)");
    CHECK(error(deployed("[]")) == R"("data" must be an object or a JSON-encoded object)");
    CHECK(error(deployed("null")) == R"("data" must be an object or a JSON-encoded object)");
    CHECK(error(deployed(R"("not json")")) == R"("data" must be an object or a JSON-encoded object)");
    CHECK(error(deployed(R"("[1,2]")")) == R"("data" must be an object or a JSON-encoded object)");
    CHECK(error(deployed(R"("")")) == R"("data" must be an object or a JSON-encoded object)");
    CHECK(error(deployed(R"({"path":"a/b.whl"})")) == R"("data.repo_key" is missing)");
    CHECK(error(deployed(R"({"repo_key":["pypi-local"],"path":"a/b.whl"})")) ==
          R"("data.repo_key" must be a string)");
    CHECK(error(deployed(R"({"repo_key":"pypi-local"})")) == R"("data.path" is missing)");
    CHECK(error(deployed(R"({"repo_key":"pypi-local","path":5})")) == R"("data.path" must be a string)");
    CHECK(error(deployed(R"({"repo_key":"pypi-local","path":"a/b.whl","name":3})")) ==
          R"("data.name" must be a string)");
    CHECK(
        error(R"({"domain":"artifact","event_type":"moved","data":{"repo_key":"pypi-local","path":"a"}})") ==
        R"("data.target_repo_path" is missing)");
    CHECK(error(R"({"domain":"artifact","event_type":"copied","data":{"target_repo_path":{}}})") ==
          R"("data.target_repo_path" must be a string)");
    CHECK(error(R"({"domain":"artifact","event_type":"moved","data":{"target_repo_path":"pypi-local"}})") ==
          R"("data.target_repo_path" must look like "repo/path")");
    CHECK(error(R"({"domain":"artifact","event_type":"moved","data":{"target_repo_path":"/a/b.whl"}})") ==
          R"("data.target_repo_path" must look like "repo/path")");
    CHECK(error(R"({"domain":"artifact","event_type":"moved","data":{"target_repo_path":"pypi-local/"}})") ==
          R"("data.target_repo_path" is empty)");
}

TEST_CASE("junk paths are errors", "[webhook][payload]") {
    CHECK(error(deployed_at("")) == R"("data.path" is empty)");
    CHECK(error(deployed_at("../etc/passwd")) == R"("data.path" contains a ".." segment)");
    CHECK(error(deployed_at("a/../../b.whl")) == R"("data.path" contains a ".." segment)");
    CHECK(error(deployed_at("a/..")) == R"("data.path" contains a ".." segment)");
    CHECK(error(deployed_at("./a/b.whl")) == R"("data.path" contains a "." segment)");
    CHECK(error(deployed_at("/etc/passwd")) == R"("data.path" must be relative to the repository)");
    CHECK(error(deployed_at("a\\\\..\\\\b.whl")) == R"("data.path" contains a backslash)");
    CHECK(error(deployed_at("a/b\\u0000.whl")) == R"("data.path" contains a control character)");
    CHECK(error(deployed_at("a/b\\n.whl")) == R"("data.path" contains a control character)");
    CHECK(error(deployed_at("a/b\\u007f.whl")) == R"("data.path" contains a control character)");
    CHECK(error(deployed_at("a/b\\u0085.whl")) == R"("data.path" contains a control character)");
    CHECK(error(deployed_at("a//b.whl")) == R"("data.path" has an empty segment)");
    CHECK(error(deployed_at("a/1.0/")) == R"("data.path" has an empty segment)");
    CHECK(error(deployed_at(std::string(1025, 'a'))) == R"("data.path" is longer than 1024 bytes)");
    CHECK(error(deployed_at(std::string(2 * 1024 * 1024, 'a'))) ==
          R"("data.path" is longer than 1024 bytes)");
    CHECK(
        error(
            R"({"domain":"artifact","event_type":"moved","data":{"target_repo_path":"pypi-local/a/../../x"}})") ==
        R"("data.target_repo_path" contains a ".." segment)");

    CHECK(accepted(deployed_at(std::string(1024, 'a'))).path.size() == 1024);
    CHECK(accepted(deployed_at("..a/b..c/...")).filename == "...");
    CHECK(accepted(deployed_at("caf\\u00e9/1.0/caf\xc3\xa9-1.0.tar.gz")).filename ==
          "caf\xc3\xa9-1.0.tar.gz");
}

TEST_CASE("check_repo_path judges bytes the JSON parser would not let through", "[webhook][payload]") {
    CHECK(check_repo_path("a/b.whl", "\"p\"") == std::nullopt);
    CHECK(check_repo_path("a/\xff.whl", "\"p\"") == R"("p" is not valid UTF-8)");
    CHECK(check_repo_path("a/\xc0\xaf.whl", "\"p\"") == R"("p" is not valid UTF-8)");         // overlong '/'
    CHECK(check_repo_path("a/\xed\xa0\x80.whl", "\"p\"") == R"("p" is not valid UTF-8)");     // surrogate
    CHECK(check_repo_path("a/\xf4\x90\x80\x80.whl", "\"p\"") == R"("p" is not valid UTF-8)"); // > U+10FFFF
    CHECK(check_repo_path("a/\xe2\x82", "\"p\"") == R"("p" is not valid UTF-8)");             // truncated
    CHECK(check_repo_path("a/\xf0\x9f\x90\x8d.whl", "\"p\"") == std::nullopt);
    CHECK(check_repo_path(std::string_view("a\0b", 3), "\"p\"") == R"("p" contains a control character)");
}
