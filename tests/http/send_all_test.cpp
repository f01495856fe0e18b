// send_all() against real cpp-httplib servers: order, the concurrency bound, volume and retries.

#include "http/local_server.hpp"
#include "namekeeper/http/client.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <map>
#include <mutex>
#include <thread>

using namespace namekeeper;
using namespace namekeeper::http;
using namekeeper::test::closed_port;
using namekeeper::test::LocalServer;

namespace {

ClientOptions fast_options() {
    ClientOptions options;
    options.timeout = std::chrono::seconds(30);
    options.retry.base_delay = std::chrono::milliseconds(10);
    options.retry.max_delay = std::chrono::milliseconds(2000);
    return options;
}

// Counts the handlers running at once and remembers the most.
class InFlight {
public:
    void enter() {
        const int now = ++m_now;
        int seen = m_most.load();
        while (now > seen && !m_most.compare_exchange_weak(seen, now)) {
        }
    }
    void leave() { --m_now; }
    [[nodiscard]] int most() const { return m_most.load(); }

private:
    std::atomic<int> m_now{0};
    std::atomic<int> m_most{0};
};

std::vector<Request> numbered(const LocalServer& server, std::string_view path, int count) {
    std::vector<Request> requests(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        requests[static_cast<std::size_t>(i)].url = server.url(fmt::format("{}?i={}", path, i));
    }
    return requests;
}

} // namespace

TEST_CASE("send_all returns the results in the order of the requests", "[http]") {
    InFlight in_flight;
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/echo", [&](const httplib::Request& req, httplib::Response& res) {
            in_flight.enter();
            const int i = std::stoi(req.get_param_value("i"));
            // Later requests overtake earlier ones.
            std::this_thread::sleep_for(std::chrono::milliseconds((7 - i % 8) * 3));
            res.set_content(fmt::format("answer {}", i), "text/plain");
            in_flight.leave();
        });
    });
    const auto client = make_client(fast_options());
    const std::vector<Request> requests = numbered(server, "/echo", 64);

    const std::vector<Result> results = client->send_all(requests, 5);
    REQUIRE(results.size() == requests.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
        CAPTURE(i);
        REQUIRE(results[i].has_value());
        CHECK(results[i]->status == 200);
        CHECK(results[i]->body == fmt::format("answer {}", i));
        CHECK(results[i]->attempts == 1);
    }
    CHECK(in_flight.most() <= 5);

    SECTION("a concurrency of 0 is taken as 1, and no requests give no results") {
        const std::vector<Result> one_at_a_time = client->send_all(std::span(requests).first(8), 0);
        REQUIRE(one_at_a_time.size() == 8);
        CHECK(one_at_a_time[7]->body == "answer 7");
        CHECK(client->send_all({}, 4).empty());
    }
}

TEST_CASE("send_all never has more than `concurrency` requests in flight", "[http]") {
    InFlight in_flight;
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
            in_flight.enter();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            res.set_content("done", "text/plain");
            in_flight.leave();
        });
    });
    const auto client = make_client(fast_options());
    const int concurrency = GENERATE(1, 3, 8);
    CAPTURE(concurrency);
    const std::vector<Result> results = client->send_all(numbered(server, "/slow", 40), concurrency);
    CHECK(std::ranges::all_of(results, [](const Result& r) { return r && r->status == 200; }));
    CHECK(in_flight.most() <= concurrency);
    CHECK(in_flight.most() >= 1);
}

TEST_CASE("send_all handles 2,000 requests", "[http]") {
    std::atomic<int> hits{0};
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/n", [&](const httplib::Request& req, httplib::Response& res) {
            ++hits;
            res.set_content(req.get_param_value("i"), "text/plain");
        });
    });
    const auto client = make_client(fast_options());
    const std::vector<Request> requests = numbered(server, "/n", 2000);
    const std::vector<Result> results = client->send_all(requests, 16);
    REQUIRE(results.size() == 2000);
    int right = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        right += results[i] && results[i]->status == 200 && results[i]->body == std::to_string(i) ? 1 : 0;
    }
    CHECK(right == 2000);
    CHECK(hits == 2000);
}

TEST_CASE("send_all retries each request by its own policy", "[http]") {
    std::mutex mutex;
    std::map<std::string, int> hits;
    std::vector<std::string> arrivals;
    LocalServer server([&](httplib::Server& svr) {
        // Even numbers fail twice with a 503, odd ones answer at once.
        svr.Get("/flaky", [&](const httplib::Request& req, httplib::Response& res) {
            const std::string i = req.get_param_value("i");
            std::lock_guard lock(mutex);
            arrivals.push_back(i);
            const bool fail = std::stoi(i) % 2 == 0 && ++hits[i] <= 2;
            res.status = fail ? 503 : 200;
            res.set_content(i, "text/plain");
        });
        svr.Get("/limited", [&](const httplib::Request&, httplib::Response& res) {
            std::lock_guard lock(mutex);
            arrivals.emplace_back("limited");
            if (++hits["limited"] == 1) {
                res.status = 429;
                res.set_header("Retry-After", "1");
            }
        });
    });
    const auto client = make_client(fast_options());
    std::vector<Request> requests = numbered(server, "/flaky", 20);
    requests.insert(requests.begin(), Request{.url = server.url("/limited")});
    requests.push_back(
        Request{.url = fmt::format("http://127.0.0.1:{}/refused", closed_port()),
                .retry = RetryPolicy{.max_attempts = 2, .base_delay = std::chrono::milliseconds(1)}});
    requests.push_back(Request{.url = server.url("/flaky?i=100"), .retry = RetryPolicy{.on_5xx = false}});

    const std::vector<Result> results = client->send_all(requests, 2);
    REQUIRE(results.size() == 23);
    REQUIRE(results[0].has_value());
    CHECK(results[0]->status == 200);
    CHECK(results[0]->attempts == 2);
    for (int i = 0; i < 20; ++i) {
        const Result& result = results[static_cast<std::size_t>(i) + 1];
        CAPTURE(i);
        REQUIRE(result.has_value());
        CHECK(result->status == 200);
        CHECK(result->body == std::to_string(i));
        CHECK(result->attempts == (i % 2 == 0 ? 3 : 1));
    }
    REQUIRE_FALSE(results[21].has_value());
    CHECK(results[21].error().kind == TransportErrorKind::connect);
    CHECK(results[21].error().attempts == 2);
    REQUIRE(results[22].has_value());
    CHECK(results[22]->status == 503);
    CHECK(results[22]->attempts == 1);
    // The 429's second attempt waited its second while the other requests went on.
    std::lock_guard lock(mutex);
    CHECK(arrivals.back() == "limited");
}

TEST_CASE("two clients work side by side in two threads", "[http]") {
    std::atomic<int> hits{0};
    LocalServer server([&](httplib::Server& svr) {
        svr.Get("/n", [&](const httplib::Request& req, httplib::Response& res) {
            res.status = ++hits % 7 == 0 ? 503 : 200; // some retries on both sides
            res.set_content(req.get_param_value("i"), "text/plain");
        });
    });
    const std::vector<Request> requests = numbered(server, "/n", 300);
    const auto work = [&](std::atomic<int>& right) {
        auto options = fast_options();
        options.retry.max_attempts = 10; // a request failing all ten is a 1 in 7^10 chance
        const auto client = make_client(options);
        const std::vector<Result> batch = client->send_all(requests, 4);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            right += batch[i] && batch[i]->status == 200 && batch[i]->body == std::to_string(i) ? 1 : 0;
        }
        for (std::size_t i = 0; i < 50; ++i) {
            const Result one = client->send(requests[i]);
            right += one && one->status == 200 && one->body == std::to_string(i) ? 1 : 0;
        }
    };
    std::atomic<int> right_a{0};
    std::atomic<int> right_b{0};
    std::thread a([&] { work(right_a); });
    std::thread b([&] { work(right_b); });
    a.join();
    b.join();
    CHECK(right_a == 350);
    CHECK(right_b == 350);
}
