// Measurements, not tests: hidden from the normal run, started by
//   ./namekeeper_tests "[http-measure]" -s
// They print figures and check only that every answer came back right.

#include "http/local_server.hpp"
#include "namekeeper/http/client.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <httplib.h>
#include <thread>

using namespace namekeeper::http;
using namekeeper::test::LocalServer;

namespace {

std::vector<Request> numbered(const LocalServer& server, std::string_view path, int count) {
    std::vector<Request> requests(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        requests[static_cast<std::size_t>(i)].url = server.url(fmt::format("{}?i={}", path, i));
    }
    return requests;
}

long open_descriptors() {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator{});
}

int count_right(const std::vector<Result>& results) {
    int right = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        right += results[i] && results[i]->status == 200 && results[i]->body == std::to_string(i) ? 1 : 0;
    }
    return right;
}

} // namespace

TEST_CASE("send_all throughput against a server answering after 20 ms", "[.][http-measure]") {
    LocalServer server([](httplib::Server& svr) {
        svr.Get("/slow", [](const httplib::Request& req, httplib::Response& res) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            res.set_content(req.get_param_value("i"), "text/plain");
        });
    });
    // The first call at a concurrency opens its connections; httplib 0.11.4 listens with a backlog
    // of 5, so a burst of connects may lose SYNs and wait a second for their retransmission. The
    // second call runs on connections the multi handle kept.
    for (const int concurrency : {1, 8, 16}) {
        const auto client = make_client(ClientOptions{});
        for (const std::string_view pass : {"first call", "second call"}) {
            const std::vector<Request> requests = numbered(server, "/slow", 50 * concurrency);
            const auto start = std::chrono::steady_clock::now();
            const std::vector<Result> results = client->send_all(requests, concurrency);
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            CHECK(count_right(results) == static_cast<int>(requests.size()));
            fmt::print("send_all, concurrency {:2}, 20 ms handler, {:11}: {} requests in {:.2f} s = {:.0f} "
                       "requests/s (ideal {:.0f})\n",
                       concurrency, pass, requests.size(), took.count(),
                       static_cast<double>(requests.size()) / took.count(), concurrency / 0.020);
        }
    }
}

TEST_CASE("send_all with 40,000 requests", "[.][http-measure]") {
    LocalServer server([](httplib::Server& svr) {
        svr.Get("/n", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content(req.get_param_value("i"), "text/plain");
        });
    });
    const auto client = make_client(ClientOptions{});
    const long descriptors_before = open_descriptors();
    const std::vector<Request> requests = numbered(server, "/n", 40'000);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<Result> results = client->send_all(requests, 16);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    CHECK(count_right(results) == 40'000);
    fmt::print("send_all, concurrency 16, immediate answers: 40000 requests in {:.2f} s = {:.0f} requests/s; "
               "open descriptors {} before, {} after\n",
               took.count(), 40'000 / took.count(), descriptors_before, open_descriptors());
}
