// notify::Notifier: a real ledger's outbox delivered to receivers on loopback.

#include "http/local_server.hpp"
#include "ledger/ledger_test_support.hpp"
#include "namekeeper/http/client.hpp"
#include "namekeeper/notify/notifier.hpp"
#include "support/http_client.hpp"
#include "support/log_capture.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace namekeeper;
using test::at;
using test::ok;

namespace {

std::unique_ptr<http::Client> fast_client() {
    return test::fast_http_client(2, std::chrono::milliseconds(10));
}

// A receiver that records every body and answers `status` for each path.
struct Receiver {
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> received; // path, body
    std::vector<std::string> content_types;
    std::atomic<int> slack_status{200};
    std::atomic<int> generic_status{200};
    test::LocalServer server{[this](httplib::Server& svr) {
        svr.Post(R"(/(services|hooks)/.*)", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mutex);
            received.emplace_back(req.path, req.body);
            content_types.push_back(req.get_header_value("Content-Type"));
            res.status = req.path.starts_with("/services/") ? slack_status.load() : generic_status.load();
        });
    }};

    std::vector<std::pair<std::string, std::string>> take() {
        std::lock_guard lock(mutex);
        return std::exchange(received, {});
    }
};

constexpr const char* k_slack_path = "/services/T0000/B0000/XXXXslacksecretXXXX";

ledger::Ledger ledger_with_taken_name() {
    auto ledger = test::open_ok(":memory:", "test");
    const std::vector<ledger::SeenName> batch{test::seen("acme-utils", "pypi-local", "1.4.0")};
    ok(ledger.record_seen(batch, at("2026-12-04T10:00:00Z"), test::dotted_less));
    const auto applied = ok(ledger.apply("acme-utils",
                                         ledger::Outcome{.state = ledger::NameState::taken,
                                                         .risk = ledger::Risk::critical,
                                                         .public_version = "9.0",
                                                         .owners = {"mallory"}},
                                         at("2026-12-04T10:00:01Z")));
    REQUIRE(applied.notification_queued);
    return ledger;
}

const char* const k_taken_payload =
    R"({"event":"name.taken","internal_version":"1.4.0","name":"acme-utils","owners":["mallory"],)"
    R"("public_version":"9.0","repositories":["pypi-local"],"risk":"critical","state":"taken"})";

const char* const k_taken_text =
    ":rotating_light: namekeeper: internal package `acme-utils` is TAKEN on the public index by mallory "
    "(risk "
    "critical: public version 9.0, internal 1.4.0). pip with --extra-index-url may install the public one.";

std::function<ledger::TimePoint()> clock_at(const char* iso) {
    const auto t = at(iso);
    return [t] { return t; };
}

} // namespace

TEST_CASE("slack_text: one line per event", "[notify]") {
    using notify::Notifier;
    CHECK(Notifier::slack_text(k_taken_payload) == k_taken_text);
    CHECK(Notifier::slack_text(R"({"event":"name.taken","name":"x","risk":"warning","owners":[],)"
                               R"("public_version":null,"internal_version":"1.0"})") ==
          ":warning: namekeeper: internal package `x` is TAKEN on the public index by nobody we know (risk "
          "warning: "
          "public version none, internal 1.0). pip with --extra-index-url may install the public one.");
    CHECK(Notifier::slack_text(R"({"event":"name.reserved","name":"x","public_version":"0.0.0"})") ==
          ":lock: namekeeper: reserved `x` on the public index with placeholder 0.0.0.");
    CHECK(Notifier::slack_text(R"({"event":"name.failed","name":"x"})") ==
          ":x: namekeeper: could not settle `x`; it will be retried. Check the logs.");
    CHECK(Notifier::slack_text(R"({"event":"upload.auth_failed"})") ==
          ":no_entry: namekeeper: the public index refused the upload token; no names are being reserved "
          "until it "
          "is replaced.");
    CHECK(Notifier::slack_text(R"({"event":"name.other","name":"x"})") == "namekeeper: name.other x");
    CHECK(Notifier::slack_text("not json") == "namekeeper: a notification could not be read");
}

TEST_CASE("a pending outbox row reaches Slack and the generic webhook", "[notify]") {
    auto ledger = ledger_with_taken_name();
    const auto pending = ok(ledger.pending_notifications());
    REQUIRE(pending.size() == 1);
    CHECK(pending.front().payload == k_taken_payload);

    Receiver receiver;
    const auto http = fast_client();
    config::NotifyConfig config;
    config.slack_webhook_url = config::Secret(receiver.server.url(k_slack_path));
    config.webhook_url = config::Secret(receiver.server.url("/hooks/namekeeper"));
    notify::Notifier notifier(*http, config);
    CHECK(notifier.has_receivers());

    const auto delivery = notifier.deliver(ledger, clock_at("2026-12-04T10:00:02Z"));
    CHECK(delivery.sent == 1);
    CHECK(delivery.failed == 0);
    const auto received = receiver.take();
    REQUIRE(received.size() == 2);
    CHECK(received[0].first == k_slack_path);
    CHECK(received[0].second == nlohmann::json{{"text", k_taken_text}}.dump());
    CHECK(received[0].second.starts_with(
        R"({"text":":rotating_light: namekeeper: internal package `acme-utils`)"));
    CHECK(received[1].first == "/hooks/namekeeper");
    CHECK(received[1].second == k_taken_payload);
    CHECK(receiver.content_types == std::vector<std::string>{"application/json", "application/json"});
    CHECK(ok(ledger.pending_notifications()).empty());

    // Delivered once: the next run sends nothing.
    CHECK(notifier.deliver(ledger, clock_at("2026-12-04T11:00:00Z")).sent == 0);
    CHECK(receiver.take().empty());
}

TEST_CASE("a receiver's 500 leaves the row pending for the next run", "[notify]") {
    auto ledger = ledger_with_taken_name();
    Receiver receiver;
    receiver.generic_status = 500;
    const auto http = fast_client();
    config::NotifyConfig config;
    config.webhook_url = config::Secret(receiver.server.url("/hooks/namekeeper"));
    notify::Notifier notifier(*http, config);

    const auto first = notifier.deliver(ledger, clock_at("2026-12-04T10:00:02Z"));
    CHECK(first.sent == 0);
    CHECK(first.failed == 1);
    CHECK(receiver.take().size() == 2); // retried once by the client, then given up for this run
    auto pending = ok(ledger.pending_notifications());
    REQUIRE(pending.size() == 1);
    CHECK(pending.front().attempts == 1);
    CHECK(pending.front().last_error == "HTTP 500 Internal Server Error");

    receiver.generic_status = 200;
    const auto second = notifier.deliver(ledger, clock_at("2026-12-04T11:00:00Z"));
    CHECK(second.sent == 1);
    CHECK(second.failed == 0);
    const auto received = receiver.take();
    REQUIRE(received.size() == 1);
    CHECK(received[0].second == k_taken_payload); // the payload as frozen, not as the name is now
    CHECK(ok(ledger.pending_notifications()).empty());
}

TEST_CASE("without receivers the outbox is marked sent", "[notify]") {
    auto ledger = ledger_with_taken_name();
    const auto http = fast_client();
    config::NotifyConfig config;
    notify::Notifier notifier(*http, config);
    CHECK_FALSE(notifier.has_receivers());
    const auto delivery = notifier.deliver(ledger, clock_at("2026-12-04T10:00:02Z"));
    CHECK(delivery.sent == 1);
    CHECK(delivery.failed == 0);
    CHECK(ok(ledger.pending_notifications()).empty());
}

TEST_CASE("the Slack URL never reaches a log line", "[notify]") {
    const test::LogCapture capture;

    auto ledger = ledger_with_taken_name();
    std::string last_error;
    {
        Receiver receiver;
        receiver.slack_status = 500;
        const auto http = fast_client();
        config::NotifyConfig config;
        config.slack_webhook_url = config::Secret(receiver.server.url(k_slack_path));
        notify::Notifier notifier(*http, config);
        CHECK(notifier.deliver(ledger, clock_at("2026-12-04T10:00:02Z")).failed == 1);
        receiver.slack_status = 200;
        CHECK(notifier.deliver(ledger, clock_at("2026-12-04T10:00:03Z")).sent == 1);
    }
    {
        // Nothing listens: a transport error's message is logged too.
        auto again = test::open_ok(":memory:", "test");
        ok(again.enqueue_run_notification("upload.auth_failed", R"({"event":"upload.auth_failed"})",
                                          at("2026-12-04T10:00:00Z")));
        const auto http = fast_client();
        config::NotifyConfig config;
        config.slack_webhook_url =
            config::Secret(fmt::format("http://127.0.0.1:{}{}", test::closed_port(), k_slack_path));
        notify::Notifier notifier(*http, config);
        CHECK(notifier.deliver(again, clock_at("2026-12-04T10:00:02Z")).failed == 1);
        last_error = ok(again.pending_notifications()).front().last_error.value_or("");
    }

    const std::string text = capture.text();
    INFO(text);
    CHECK(text.find(
              "notification name.taken for acme-utils not delivered (HTTP 500 Internal Server Error); it is "
              "retried on the next run") != std::string::npos);
    CHECK(text.find("XXXXslacksecretXXXX") == std::string::npos);
    CHECK(text.find("/services/") == std::string::npos);
    CHECK_FALSE(last_error.empty());
    CHECK(last_error.find("XXXXslacksecretXXXX") == std::string::npos);
}
