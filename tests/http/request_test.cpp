// What send() puts on the wire (forms, bodies, auth, User-Agent) and what it keeps out of the logs.

#include "http/local_server.hpp"
#include "namekeeper/http/client.hpp"
#include "support/log_capture.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <spdlog/spdlog.h>
#include <sstream>

using namespace namekeeper;
using namespace namekeeper::http;
using namekeeper::test::closed_port;
using namekeeper::test::LocalServer;

namespace {

// The request headers and body the server saw last.
struct Seen {
    std::mutex mutex;
    httplib::Headers headers;
    std::string method;
    std::string body;
    std::map<std::string, httplib::MultipartFormData> files;

    void record(const httplib::Request& req) {
        std::lock_guard lock(mutex);
        headers = req.headers;
        method = req.method;
        body = req.body;
        files = {req.files.begin(), req.files.end()};
    }
    std::string header(const std::string& name) {
        std::lock_guard lock(mutex);
        const auto found = headers.find(name);
        return found == headers.end() ? "<none>" : found->second;
    }
};

std::unique_ptr<LocalServer> recording_server(Seen& seen) {
    return std::make_unique<LocalServer>([&](httplib::Server& svr) {
        const auto handler = [&](const httplib::Request& req, httplib::Response& res) {
            seen.record(req);
            res.status = req.method == "POST" ? 201 : 200;
            res.set_content("recorded", "text/plain");
        };
        svr.Get("/r", handler);
        svr.Post("/r", handler);
        // httplib answers HEAD from the GET route.
    });
}

ClientOptions options_with_agent() {
    ClientOptions options;
    options.user_agent = user_agent("security@acme.example");
    options.retry.base_delay = std::chrono::milliseconds(10);
    return options;
}

} // namespace

TEST_CASE("a multipart form arrives intact, file part included", "[http]") {
    Seen seen;
    const auto server = recording_server(seen);
    const std::string wheel("PK\x03\x04\0\x01binary\r\n--not-a-boundary\xff", 31);
    Request request{.method = Method::post, .url = server->url("/r")};
    request.form = {
        {.name = ":action", .value = "file_upload"},
        {.name = "name", .value = "acme-utils"},
        {.name = "content",
         .value = wheel,
         .filename = "acme_utils-0.0.0-py3-none-any.whl",
         .content_type = "application/zip"},
        {.name = "notes", .value = "default type", .filename = "notes.txt"},
    };
    const Result result = make_client(options_with_agent())->send(request);
    REQUIRE(result.has_value());
    CHECK(result->status == 201);
    CHECK(result->reason == "Created");

    std::lock_guard lock(seen.mutex);
    CHECK(seen.method == "POST");
    REQUIRE(seen.files.contains(":action"));
    CHECK(seen.files[":action"].content == "file_upload");
    CHECK(seen.files[":action"].filename.empty());
    CHECK(seen.files["name"].content == "acme-utils");
    REQUIRE(seen.files.contains("content"));
    CHECK(seen.files["content"].content == wheel);
    CHECK(seen.files["content"].filename == "acme_utils-0.0.0-py3-none-any.whl");
    CHECK(seen.files["content"].content_type == "application/zip");
    CHECK(seen.files["notes"].content_type == "application/octet-stream");
    CHECK(seen.files["notes"].filename == "notes.txt");
}

TEST_CASE("the reason phrase is the final response's, after a 100 Continue", "[http]") {
    Seen seen;
    const auto server = recording_server(seen);
    Request request{.method = Method::post, .url = server->url("/r")};
    request.form = {{.name = "content", .value = std::string(2u << 20, 'z'), .filename = "big.bin"}};
    const Result result = make_client(options_with_agent())->send(request);
    REQUIRE(result.has_value());
    CHECK(seen.header("Expect") == "100-continue");
    CHECK(result->status == 201);
    CHECK(result->reason == "Created");
    CHECK(result->header("content-type") == "text/plain");
}

TEST_CASE("a POST body, a HEAD and custom headers go out as given", "[http]") {
    Seen seen;
    const auto server = recording_server(seen);
    const auto client = make_client(options_with_agent());

    Request post{.method = Method::post, .url = server->url("/r"), .body = R"({"k": 1})"};
    post.headers = {{"Content-Type", "application/json"}, {"X-Custom", "1"}};
    const Result posted = client->send(post);
    REQUIRE(posted.has_value());
    CHECK(posted->status == 201);
    CHECK(seen.body == R"({"k": 1})");
    CHECK(seen.header("Content-Type") == "application/json");
    CHECK(seen.header("X-Custom") == "1");
    CHECK_THAT(seen.header("Accept-Encoding"), Catch::Contains("gzip"));

    const Result head = client->send(Request{.method = Method::head, .url = server->url("/r")});
    REQUIRE(head.has_value());
    CHECK(head->status == 200);
    CHECK(head->body.empty());
    CHECK(seen.method == "HEAD");

    SECTION("a line break in a header is refused before anything is sent") {
        Request smuggling{.url = server->url("/r")};
        smuggling.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
        const Result refused = client->send(smuggling);
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().kind == TransportErrorKind::other);
        CHECK(refused.error().attempts == 1);
        CHECK(refused.error().message ==
              fmt::format("GET {}: header 'X-Evil' contains a line break", server->url("/r")));
    }
}

TEST_CASE("basic auth, bearer token and User-Agent arrive as headers", "[http]") {
    Seen seen;
    const auto server = recording_server(seen);
    const auto client = make_client(options_with_agent());

    Request basic{.url = server->url("/r")};
    basic.basic_auth = BasicAuth{.user = "robot", .password = config::Secret("p4ss:word")};
    REQUIRE(client->send(basic).has_value());
    // base64("robot:p4ss:word")
    CHECK(seen.header("Authorization") == "Basic cm9ib3Q6cDRzczp3b3Jk");
    CHECK(seen.header("User-Agent") == "namekeeper/0.1.0 (+mailto:security@acme.example)");

    Request bearer{.url = server->url("/r")};
    bearer.bearer_token = config::Secret("tok-123");
    REQUIRE(client->send(bearer).has_value());
    CHECK(seen.header("Authorization") == "Bearer tok-123");

    // A client without a User-Agent of its own still names itself.
    REQUIRE(make_client(ClientOptions{})->send(Request{.url = server->url("/r")}).has_value());
    CHECK(seen.header("User-Agent") == "namekeeper/0.1.0");
}

TEST_CASE("log lines carry no secret", "[http]") {
    const test::LogCapture capture;

    std::atomic<int> hits{0};
    LocalServer server([&](httplib::Server& svr) {
        svr.Post("/hooks/T000/B000/XXXXsecretpath", [&](const httplib::Request&, httplib::Response& res) {
            res.status = ++hits == 1 ? 503 : 200;
        });
        svr.Get("/private", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    });
    const auto client = make_client(options_with_agent());

    Request hook{.method = Method::post, .url = server.url("/hooks/T000/B000/XXXXsecretpath?sig=qs-secret")};
    hook.url_is_secret = true;
    hook.body = "{}";
    const Result hooked = client->send(hook);

    Request basic{.url = server.url("/private?api_key=qs-secret"), .retry = RetryPolicy{.max_attempts = 2}};
    basic.basic_auth = BasicAuth{.user = "robot", .password = config::Secret("pw-secret")};
    basic.bearer_token = config::Secret("bearer-secret");
    const Result refused_basic = client->send(basic);

    Request refused{.url =
                        fmt::format("http://robot:url-secret@127.0.0.1:{}/x?token=qs-secret", closed_port()),
                    .url_is_secret = true,
                    .retry = RetryPolicy{.max_attempts = 2, .base_delay = std::chrono::milliseconds(1)}};
    const Result failed = client->send(refused);
    const std::vector<Result> batch = client->send_all(std::vector<Request>{hook, basic, refused}, 2);

    REQUIRE(hooked.has_value());
    CHECK(hooked->attempts == 2);
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().message.find("secret") == std::string::npos);
    const std::string text = capture.text();
    INFO(text);
    CHECK_THAT(text,
               Catch::Contains(fmt::format("POST http://127.0.0.1:{}/<redacted>: attempt 1 of 4 answered "
                                           "503 Service Unavailable; retrying in",
                                           server.port())));
    CHECK_THAT(text, Catch::Contains(
                         fmt::format("GET http://127.0.0.1:{}/private?api_key=***: 500 in", server.port())));
    CHECK_THAT(text, Catch::Contains("GET http://127.0.0.1:"));
    CHECK(text.find("secret") == std::string::npos);
    CHECK(text.find("robot") == std::string::npos);
    CHECK(text.find("Authorization") == std::string::npos);
}
