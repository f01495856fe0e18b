// send() against real cpp-httplib servers on loopback: statuses, headers, retries, failures.

#include "http/local_server.hpp"
#include "namekeeper/http/client.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <set>
#include <thread>

using namespace namekeeper;
using namespace namekeeper::http;
using namekeeper::test::closed_port;
using namekeeper::test::LocalServer;

namespace {

// Small delays keep the retry tests fast; max_delay leaves room for a Retry-After of one second.
ClientOptions fast_options() {
    ClientOptions options;
    options.user_agent = "namekeeper-tests/1 (+mailto:tests@acme.example)";
    options.timeout = std::chrono::seconds(10);
    options.retry.max_attempts = 4;
    options.retry.base_delay = std::chrono::milliseconds(10);
    options.retry.max_delay = std::chrono::milliseconds(2000);
    return options;
}

Request get(std::string url) {
    Request request;
    request.url = std::move(url);
    return request;
}

} // namespace

TEST_CASE("a 200 brings its body, reason and lowercased headers", "[http]") {
    LocalServer server([](httplib::Server& svr) {
        svr.Get("/hello", [](const httplib::Request&, httplib::Response& res) {
            res.set_header("X-Thing", "Some Value");
            res.set_content("hello, world", "text/plain");
        });
    });
    const auto client = make_client(fast_options());
    const Result result = client->send(get(server.url("/hello")));
    REQUIRE(result.has_value());
    CHECK(result->status == 200);
    CHECK(result->reason == "OK");
    CHECK(result->body == "hello, world");
    CHECK(result->attempts == 1);
    CHECK(result->header("x-thing") == "Some Value");
    CHECK(result->header("X-THING") == "Some Value");
    CHECK(result->header("content-type") == "text/plain");
    CHECK_FALSE(result->header("x-missing").has_value());
    const bool lowercase = std::ranges::all_of(result->headers, [](const auto& header) {
        return std::ranges::none_of(header.first, [](char c) { return c >= 'A' && c <= 'Z'; });
    });
    CHECK(lowercase);
}

TEST_CASE("a 404 and a 302 are Responses, with their reason phrases", "[http]") {
    LocalServer server([](httplib::Server& svr) {
        svr.Get("/moved",
                [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/elsewhere"); });
        svr.Get("/elsewhere",
                [](const httplib::Request&, httplib::Response& res) { res.set_content("x", "text/plain"); });
    });
    const auto client = make_client(fast_options());

    const Result missing = client->send(get(server.url("/nothing-here")));
    REQUIRE(missing.has_value());
    CHECK(missing->status == 404);
    CHECK(missing->reason == "Not Found");
    CHECK(missing->attempts == 1);

    // Redirects are not followed: the caller decides.
    const Result moved = client->send(get(server.url("/moved")));
    REQUIRE(moved.has_value());
    CHECK(moved->status == 302);
    CHECK(moved->reason == "Found");
    CHECK(moved->header("location") == "/elsewhere");
}

TEST_CASE("5xx answers are retried as the policy says", "[http]") {
    std::atomic<int> hits{0};
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
            res.status = ++hits <= 2 ? 500 : 200;
            res.set_content(res.status == 200 ? "fine" : "broken", "text/plain");
        });
        svr.Get("/broken", [&](const httplib::Request&, httplib::Response& res) {
            ++hits;
            res.status = 500;
        });
    });
    auto options = fast_options();
    options.retry.max_attempts = 3;
    const auto client = make_client(options);

    SECTION("500, 500, 200 succeeds on the third attempt") {
        const Result result = client->send(get(server.url("/flaky")));
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->body == "fine");
        CHECK(result->attempts == 3);
        CHECK(hits == 3);
    }
    SECTION("a 500 forever is the final Response after max_attempts") {
        const Result result = client->send(get(server.url("/broken")));
        REQUIRE(result.has_value());
        CHECK(result->status == 500);
        CHECK(result->reason == "Internal Server Error");
        CHECK(result->attempts == 3);
        CHECK(hits == 3);
    }
    SECTION("the request's own policy wins over the client's") {
        Request request = get(server.url("/broken"));
        request.retry = RetryPolicy{.max_attempts = 2, .base_delay = std::chrono::milliseconds(1)};
        const Result result = client->send(request);
        REQUIRE(result.has_value());
        CHECK(result->attempts == 2);
        CHECK(hits == 2);
    }
    SECTION("on_5xx = false returns the first 500") {
        Request request = get(server.url("/broken"));
        request.retry = RetryPolicy{.on_5xx = false};
        const Result result = client->send(request);
        REQUIRE(result.has_value());
        CHECK(result->status == 500);
        CHECK(result->attempts == 1);
        CHECK(hits == 1);
    }
}

TEST_CASE("a 429 is retried after its Retry-After unless the policy says no", "[http]") {
    std::atomic<int> hits{0};
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/limited", [&](const httplib::Request&, httplib::Response& res) {
            if (++hits == 1) {
                res.status = 429;
                res.set_header("Retry-After", "1");
                res.set_content("Too many new projects created", "text/plain");
            } else {
                res.set_content("ok", "text/plain");
            }
        });
    });
    const auto client = make_client(fast_options());

    SECTION("honoured") {
        const Result result = client->send(get(server.url("/limited")));
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->attempts == 2);
        CHECK(hits == 2);
    }
    SECTION("on_429 = false returns the 429 at once") {
        Request request = get(server.url("/limited"));
        request.retry = RetryPolicy{.on_429 = false};
        const Result result = client->send(request);
        REQUIRE(result.has_value());
        CHECK(result->status == 429);
        CHECK(result->reason == "Too Many Requests");
        CHECK(result->header("retry-after") == "1");
        CHECK(result->attempts == 1);
        CHECK(hits == 1);
    }
}

TEST_CASE("a refused connection is a TransportError of kind connect", "[http]") {
    const int port = closed_port();
    auto options = fast_options();
    options.retry.max_attempts = 2;
    const auto client = make_client(options);

    const Result result = client->send(get(fmt::format("http://127.0.0.1:{}/x", port)));
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == TransportErrorKind::connect);
    CHECK(result.error().attempts == 2);
    CHECK_THAT(result.error().message,
               Catch::StartsWith(fmt::format("GET http://127.0.0.1:{}/x: could not connect (", port)) &&
                   Catch::EndsWith("); gave up after 2 attempts"));

    SECTION("without retries on transport errors, one attempt") {
        Request request = get(fmt::format("http://127.0.0.1:{}/x", port));
        request.retry = RetryPolicy{.on_transport_error = false};
        const Result once = client->send(request);
        REQUIRE_FALSE(once.has_value());
        CHECK(once.error().attempts == 1);
        CHECK_THAT(once.error().message, Catch::EndsWith(")"));
    }
}

TEST_CASE("an error message hides the URL's password and query values", "[http]") {
    const int port = closed_port();
    Request request = get(fmt::format("http://robot:hunter2@127.0.0.1:{}/path?token=s3cr3t&page=2", port));
    request.retry = RetryPolicy{.max_attempts = 1};
    const Result result = make_client(fast_options())->send(request);
    REQUIRE_FALSE(result.has_value());
    CHECK_THAT(result.error().message,
               Catch::StartsWith(fmt::format(
                   "GET http://robot:***@127.0.0.1:{}/path?token=***&page=***: could not connect (", port)));
    CHECK(result.error().message.find("hunter2") == std::string::npos);
    CHECK(result.error().message.find("s3cr3t") == std::string::npos);
}

TEST_CASE("a request over its timeout is a TransportError of kind timeout", "[http]") {
    LocalServer server([](httplib::Server& svr) {
        svr.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
            std::this_thread::sleep_for(std::chrono::seconds(2));
            res.set_content("late", "text/plain");
        });
    });
    Request request = get(server.url("/slow"));
    request.timeout = std::chrono::milliseconds(200);
    request.retry = RetryPolicy{.max_attempts = 1};
    const Result result = make_client(fast_options())->send(request);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == TransportErrorKind::timeout);
    CHECK(result.error().attempts == 1);
    CHECK_THAT(result.error().message,
               Catch::StartsWith(fmt::format("GET {}: timed out (", server.url("/slow"))));
}

TEST_CASE("a body over max_response_bytes is too_large and not retried", "[http]") {
    const std::string big(4096, 'x');
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/sized",
                [&](const httplib::Request&, httplib::Response& res) { res.set_content(big, "text/plain"); });
        // Chunked: no Content-Length, so only the write callback can notice.
        svr.Get("/chunked", [&](const httplib::Request&, httplib::Response& res) {
            res.set_chunked_content_provider("text/plain", [&](size_t offset, httplib::DataSink& sink) {
                if (offset < big.size()) {
                    sink.write(big.data() + offset, 512);
                } else {
                    sink.done();
                }
                return true;
            });
        });
    });
    auto options = fast_options();
    options.max_response_bytes = 1024;
    const auto client = make_client(options);
    for (const std::string path : {"/sized", "/chunked"}) {
        CAPTURE(path);
        const Result result = client->send(get(server.url(path)));
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().kind == TransportErrorKind::too_large);
        CHECK(result.error().attempts == 1);
        CHECK(result.error().message ==
              fmt::format("GET {}: the response is larger than 1024 bytes", server.url(path)));
    }
    options.max_response_bytes = 4096; // exactly the size is fine
    const Result fits = make_client(options)->send(get(server.url("/chunked")));
    REQUIRE(fits.has_value());
    CHECK(fits->body == big);
}

TEST_CASE("send() keeps its connection alive between requests", "[http]") {
    std::mutex mutex;
    std::set<int> client_ports;
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/p", [&](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mutex);
            client_ports.insert(req.remote_port);
            res.set_content("p", "text/plain");
        });
    });
    const auto client = make_client(fast_options());
    for (int i = 0; i < 10; ++i) {
        REQUIRE(client->send(get(server.url("/p"))).has_value());
    }
    std::lock_guard lock(mutex);
    CHECK(client_ports.size() == 1);
}
