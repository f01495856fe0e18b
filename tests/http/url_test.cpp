#include "namekeeper/http/client.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::http;

TEST_CASE("redact_url hides passwords and query values", "[http]") {
    CHECK(redact_url("https://pypi.org/simple/acme/") == "https://pypi.org/simple/acme/");
    CHECK(redact_url("https://user:pw@host.example/a") == "https://user:***@host.example/a");
    CHECK(redact_url("https://user@host.example/a") == "https://user@host.example/a");
    CHECK(redact_url("https://u:p%40ss@w@host.example:8443/") == "https://u:***@host.example:8443/");
    CHECK(redact_url("https://h.example/a?token=abc&page=2") == "https://h.example/a?token=***&page=***");
    CHECK(redact_url("https://h.example/a?flag&x=&y=1#frag") == "https://h.example/a?flag&x=***&y=***#frag");
    CHECK(redact_url("https://h.example?x=1") == "https://h.example?x=***");
    CHECK(redact_url("https://h.example/a?") == "https://h.example/a?");
    CHECK(redact_url("https://h.example/a#only?fragment=1") == "https://h.example/a#only?fragment=1");
    CHECK(redact_url("not a url?q=1") == "not a url?q=***");
    CHECK(redact_url("") == "");
}

TEST_CASE("redact_url with secret keeps only scheme, host and port", "[http]") {
    CHECK(redact_url("https://hooks.slack.com/services/T0/B0/XYZ", true) ==
          "https://hooks.slack.com/<redacted>");
    CHECK(redact_url("https://u:p@hooks.example:8443/x?y=1", true) ==
          "https://hooks.example:8443/<redacted>");
    CHECK(redact_url("http://127.0.0.1:9000", true) == "http://127.0.0.1:9000/<redacted>");
    CHECK(redact_url("http://h.example?x=1", true) == "http://h.example/<redacted>");
    CHECK(redact_url("garbage/secret", true) == "<redacted>");
}

TEST_CASE("user_agent names namekeeper, its version and a contact", "[http]") {
    CHECK(user_agent("security@acme.example") == "namekeeper/0.1.0 (+mailto:security@acme.example)");
    CHECK(user_agent("mailto:security@acme.example") == "namekeeper/0.1.0 (+mailto:security@acme.example)");
    CHECK(user_agent("https://acme.example/security") == "namekeeper/0.1.0 (+https://acme.example/security)");
    CHECK(user_agent("Security Team") == "namekeeper/0.1.0 (+Security Team)");
    CHECK(user_agent("") == "namekeeper/0.1.0");
    // Nothing that would break the header or its comment.
    CHECK(user_agent("a@b.example\r\nX-Evil: 1") == "namekeeper/0.1.0 (+mailto:a@b.exampleX-Evil: 1)");
    CHECK(user_agent("(x)@y.example") == "namekeeper/0.1.0 (+mailto:x@y.example)");
}

TEST_CASE("Response::header finds the first header of a name, ignoring case", "[http]") {
    Response response;
    response.headers = {{"set-cookie", "a=1"}, {"set-cookie", "b=2"}, {"content-type", "text/html"}};
    CHECK(response.header("Set-Cookie") == "a=1");
    CHECK(response.header("CONTENT-TYPE") == "text/html");
    CHECK_FALSE(response.header("content-length").has_value());
}
