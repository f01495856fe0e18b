// webhook::Service over real HTTP on loopback, in this process, against the PyPI stand-in.
// The process-level cases (signals, kill -9, a parallel reconcile) are in tests/cli/serve_test.cpp.

#include "namekeeper/http/client.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/notify/notifier.hpp"
#include "namekeeper/util/digest.hpp"
#include "namekeeper/webhook/service.hpp"
#include "webhook/service_fixture.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

using namespace namekeeper;
using namespace namekeeper::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::size_t uploads_for(standins::PypiStandin& pypi, std::string_view name) {
    std::size_t count = 0;
    for (const auto& upload : pypi.uploads()) {
        count += upload.name == name ? 1 : 0;
    }
    return count;
}

} // namespace

TEST_CASE("serve: a deployed event is queued before the 202 and then reserved", "[webhook][service]") {
    // The stand-in answers slowly, so the worker is still busy with the name when the 202 arrives.
    ServiceHarness harness({.pypi_latency = 300ms});
    WebhookClient client(harness.port());

    const auto answer = client.post(wheel_event("acme-utils"));
    REQUIRE(answer.status == 202);
    CHECK(answer.content_type == "application/json");
    CHECK(json::parse(answer.body) == json{{"accepted", true}, {"name", "acme-utils"}});

    // A second connection, as another process: the name is committed to the queue already.
    auto ledger = harness.open_ledger();
    const auto queued = ledger.next_queued();
    REQUIRE(queued.has_value());
    REQUIRE(queued->has_value());
    CHECK((*queued)->name == "acme-utils");
    CHECK((*queued)->repository == "pypi-local");
    CHECK((*queued)->path == "acme-utils/1.0.0/acme_utils-1.0.0-py3-none-any.whl");

    REQUIRE(harness.wait_settled("acme-utils"));
    CHECK(harness.state_of("acme-utils") == ledger::NameState::reserved);
    CHECK(uploads_for(harness.pypi(), "acme-utils") == 1);
    CHECK(harness.pypi().project("acme-utils").has_value());
    REQUIRE(wait_for([&] { return ledger.queue_depth() == 0; }));
    CHECK(harness.pypi().request_count(standins::PypiEndpoint::simple) == 1);
}

TEST_CASE("serve: each accepted event shape yields the name", "[webhook][service]") {
    ServiceHarness harness;
    WebhookClient client(harness.port());

    SECTION("data as a JSON-encoded string") {
        const json data{{"repo_key", "pypi-team"}, {"path", "acme-db/2.0/acme-db-2.0.tar.gz"}};
        const json body{{"domain", "artifact"}, {"event_type", "deployed"}, {"data", data.dump()}};
        const auto answer = client.post(body.dump());
        CHECK(answer.status == 202);
        CHECK(json::parse(answer.body) == json{{"accepted", true}, {"name", "acme-db"}});
        REQUIRE(harness.wait_settled("acme-db"));
        CHECK(harness.state_of("acme-db") == ledger::NameState::reserved);
    }
    SECTION("moved and copied use the target path") {
        const auto moved =
            client.post(relocated_event("moved", "pypi-local", "acme-geo/1.0/acme_geo-1.0.tar.gz"));
        CHECK(moved.status == 202);
        CHECK(json::parse(moved.body) == json{{"accepted", true}, {"name", "acme-geo"}});
        const auto copied = client.post(
            relocated_event("copied", "PyPI-Team", "Acme.Jobs/1.0/Acme.Jobs-1.0-py3-none-any.whl"));
        CHECK(copied.status == 202);
        CHECK(json::parse(copied.body) == json{{"accepted", true}, {"name", "acme-jobs"}});
        REQUIRE(harness.wait_settled("acme-geo"));
        REQUIRE(harness.wait_settled("acme-jobs"));
        CHECK(harness.state_of("old") == std::nullopt); // the source path is not a name
        auto ledger = harness.open_ledger();
        const auto record = ledger.get("acme-jobs");
        REQUIRE(record.has_value());
        REQUIRE(record->has_value());
        CHECK((*record)->repositories == std::vector<std::string>{"pypi-team"});
    }
    SECTION("an existing project of someone else is recorded taken, nothing uploaded") {
        const auto answer = client.post(deployed_event("pypi-local", "requests/2.0.0/requests-2.0.0.tar.gz"));
        CHECK(answer.status == 202);
        REQUIRE(harness.wait_settled("requests"));
        CHECK(harness.state_of("requests") == ledger::NameState::taken);
        CHECK(harness.pypi().uploads().empty());
    }
}

TEST_CASE("serve: events that are not for us are answered 202 accepted false", "[webhook][service]") {
    ServiceHarness harness;
    WebhookClient client(harness.port());
    const auto ignored = [&](const std::string& body) {
        const auto answer = client.post(body);
        REQUIRE(answer.status == 202);
        const auto parsed = json::parse(answer.body);
        CHECK(parsed["accepted"] == false);
        return parsed["reason"].get<std::string>();
    };

    CHECK(
        ignored(
            R"({"domain":"artifact","event_type":"deleted","data":{"repo_key":"pypi-local","path":"a/1/a-1.tar.gz"}})") ==
        "event \"deleted\" is not handled");
    CHECK(ignored(R"({"domain":"build","event_type":"uploaded","data":{}})") ==
          "domain \"build\" is not handled");
    CHECK(ignored(deployed_event("npm-local", "left-pad/-/left-pad-1.3.0.tgz")) ==
          "repository \"npm-local\" is not configured");
    CHECK(ignored(deployed_event("pypi-local", ".pypi/acme-utils/acme-utils.html")) ==
          "not a Python distribution");
    CHECK(ignored(deployed_event("pypi-local", "acme-notes/readme.txt")) == "not a Python distribution");

    auto ledger = harness.open_ledger();
    CHECK(ledger.queue_depth() == 0);
    CHECK(ledger.list()->empty());
    CHECK(harness.pypi().request_count(standins::PypiEndpoint::simple) == 0);
}

TEST_CASE("serve: bad requests are refused with a JSON error", "[webhook][service]") {
    ServiceHarness harness;
    WebhookClient client(harness.port());
    const auto error = [&](const HttpAnswer& answer) {
        CHECK(answer.content_type == "application/json");
        return json::parse(answer.body)["error"].get<std::string>();
    };

    SECTION("not JSON, truncated JSON, an empty body, not an event") {
        auto answer = client.post("hello");
        CHECK(answer.status == 400);
        CHECK(error(answer) == "body is not valid JSON");
        answer = client.post(wheel_event("acme-utils").substr(0, 40));
        CHECK(answer.status == 400);
        CHECK(error(answer) == "body is not valid JSON");
        answer = client.post("");
        CHECK(answer.status == 400);
        CHECK(error(answer) == "body is empty");
        answer = client.post("[1,2]");
        CHECK(answer.status == 400);
        CHECK(error(answer) == "body must be a JSON object");
        answer = client.post(R"({"domain":"artifact","event_type":"deployed"})");
        CHECK(answer.status == 400);
        CHECK(error(answer) == "\"data\" is missing");
    }
    SECTION("path traversal in the payload") {
        auto answer = client.post(deployed_event("pypi-local", "acme-utils/../../etc/passwd.whl"));
        CHECK(answer.status == 400);
        CHECK(error(answer) == "\"data.path\" contains a \"..\" segment");
        answer = client.post(relocated_event("moved", "pypi-local", "/etc/acme-1.0.tar.gz"));
        CHECK(answer.status == 400);
        CHECK(error(answer) == "\"data.target_repo_path\" must be relative to the repository");
    }
    SECTION("a body over max_body_bytes is 413") {
        const auto answer =
            client.post(deployed_event("pypi-local", "acme-utils/1.0/" + std::string(5000, 'a')));
        CHECK(answer.status == 413);
        CHECK(error(answer) == "body larger than webhook.max_body_bytes (4096 bytes)");
    }
    SECTION("junk and traversal paths are 404") {
        for (const std::string path :
             {"/", "/webhooks", "/webhooks/artifactory/../healthz", "/webhooks/artifactory/x",
              "/webhooks/%2e%2e/healthz", "/etc/passwd", "/webhooks/ARTIFACTORY"}) {
            const auto answer = client.post(wheel_event("acme-utils"), std::string(k_webhook_secret), path);
            CHECK(answer.status == 404);
            CHECK(error(answer) == "no such endpoint; Artifactory posts to /webhooks/artifactory");
        }
        const auto get = client.get("/webhooks/artifactory");
        CHECK(get.status == 404);
    }
    SECTION("a garbled request line") {
        const auto garbled = raw_exchange(harness.port(), "BREW /pot HTCPCP/1.0 junk\r\n\r\n");
        CHECK(raw_status(garbled) == 400);
        const auto body = garbled.substr(garbled.find("\r\n\r\n") + 4);
        CHECK(json::parse(body) == json{{"error", "malformed HTTP request (400)"}});
    }
    SECTION("a client that hangs up before the body is complete") {
        const std::string event = wheel_event("acme-utils");
        const auto truncated = raw_exchange(
            harness.port(),
            fmt::format("POST /webhooks/artifactory HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "X-JFrog-Event-Auth: {}\r\nContent-Length: {}\r\n\r\n{}",
                        k_webhook_secret, event.size() + 10, event),
            SendSide::close);
        CHECK(truncated.empty());
        // Nothing was taken from the partial body, and the service still answers.
        CHECK(client.get("/healthz").status == 200);
    }
    auto ledger = harness.open_ledger();
    CHECK(ledger.queue_depth() == 0);
    CHECK(ledger.list()->empty());
}

TEST_CASE("serve: the secret is checked, plain or as the body's HMAC", "[webhook][service]") {
    ServiceHarness harness;
    WebhookClient client(harness.port());
    const std::string body = wheel_event("acme-cli");

    for (const auto& auth : std::vector<std::optional<std::string>>{
             std::nullopt, std::string(), std::string("wrong"), std::string(k_webhook_secret) + "x",
             std::string(k_webhook_secret).substr(1), util::hmac_sha256_hex(k_webhook_secret, body + " "),
             util::hmac_sha256_hex("wrong", body)}) {
        const auto answer = client.post(body, auth);
        CHECK(answer.status == 401);
        CHECK(json::parse(answer.body) == json{{"error", "missing or wrong X-JFrog-Event-Auth header"}});
    }
    CHECK(harness.open_ledger().queue_depth() == 0);
    CHECK(harness.state_of("acme-cli") == std::nullopt);

    SECTION("plain") {
        CHECK(client.post(body).status == 202);
    }
    SECTION("signed") {
        CHECK(client.post(body, util::hmac_sha256_hex(k_webhook_secret, body)).status == 202);
    }
    REQUIRE(harness.wait_settled("acme-cli"));
}

TEST_CASE("serve: insecure_no_auth on loopback takes events without the header", "[webhook][service]") {
    ServiceHarness harness({.insecure_no_auth = true});
    WebhookClient client(harness.port());
    const auto answer = client.post(wheel_event("acme-web"), std::nullopt);
    CHECK(answer.status == 202);
    CHECK(json::parse(answer.body) == json{{"accepted", true}, {"name", "acme-web"}});
    REQUIRE(harness.wait_settled("acme-web"));
}

TEST_CASE("serve: a flood of duplicates costs one look-up and one upload per name", "[webhook][service]") {
    ServiceHarness harness({.pypi_latency = 20ms});
    const std::vector<std::string> names{"acme-auth", "acme-billing", "acme-config", "acme-crypto",
                                         "acme-data"};
    constexpr int k_threads = 8;
    constexpr int k_per_thread = 64; // 512 events
    std::vector<std::thread> threads;
    std::vector<std::vector<HttpAnswer>> answers(k_threads);
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            WebhookClient client(harness.port());
            for (int i = 0; i < k_per_thread; ++i) {
                answers[static_cast<std::size_t>(t)].push_back(
                    client.post(wheel_event(names[static_cast<std::size_t>(t + i) % names.size()])));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::string> accepted;
    for (const auto& per_thread : answers) {
        for (const auto& answer : per_thread) {
            REQUIRE(answer.status == 202);
            const auto parsed = json::parse(answer.body);
            CHECK(parsed["accepted"] == true);
            accepted.insert(parsed["name"].get<std::string>());
        }
    }
    CHECK(accepted == std::set<std::string>(names.begin(), names.end()));
    for (const auto& name : names) {
        REQUIRE(harness.wait_settled(name));
        CHECK(harness.state_of(name) == ledger::NameState::reserved);
    }
    auto ledger = harness.open_ledger();
    REQUIRE(wait_for([&] { return ledger.queue_depth() == 0; }));
    CHECK(harness.pypi().request_count(standins::PypiEndpoint::simple) == names.size());
    CHECK(harness.pypi().request_count(standins::PypiEndpoint::upload) == names.size());
    for (const auto& name : names) {
        CHECK(uploads_for(harness.pypi(), name) == 1);
    }

    // Later duplicates of settled names cost nothing either: within a minute they are answered from
    // memory; after a restart they pass through the queue, and the worker sees they are settled.
    for (int round = 0; round < 2; ++round) {
        WebhookClient client(harness.port());
        for (const auto& name : names) {
            const auto answer = client.post(wheel_event(name));
            CHECK(answer.status == 202);
            CHECK(json::parse(answer.body)["accepted"] == true);
        }
        REQUIRE(wait_for([&] { return ledger.queue_depth() == 0; }));
        CHECK(harness.pypi().request_count(standins::PypiEndpoint::simple) == names.size());
        CHECK(harness.pypi().request_count(standins::PypiEndpoint::upload) == names.size());
        harness.restart();
    }
}

TEST_CASE("serve: /healthz and /metrics", "[webhook][service]") {
    ServiceHarness harness;
    WebhookClient client(harness.port());

    const auto health = client.get("/healthz");
    CHECK(health.status == 200);
    CHECK(json::parse(health.body) == json{{"status", "ok"}, {"queue_depth", 0}});

    CHECK(client.post(wheel_event("acme-flags")).status == 202);
    REQUIRE(harness.wait_settled("acme-flags"));
    CHECK(client.post(wheel_event("acme-flags")).status == 202);
    CHECK(client.post("junk").status == 400);
    CHECK(client.post(wheel_event("acme-flags"), "wrong").status == 401);
    CHECK(client.post(deployed_event("npm-local", "x/1/x-1.tgz")).status == 202);
    CHECK(client.post(deployed_event("pypi-local", std::string(5000, 'a'))).status == 413);
    REQUIRE(wait_for([&] { return harness.open_ledger().queue_depth() == 0; }));

    const auto metrics = client.get("/metrics");
    CHECK(metrics.status == 200);
    CHECK(metrics.content_type == "text/plain; version=0.0.4");
    const auto has = [&](const std::string& line) {
        INFO(metrics.body);
        CHECK(metrics.body.find(line + "\n") != std::string::npos);
    };
    has(R"(namekeeper_webhook_events_total{result="accepted",reason="queued"} 1)");
    has(R"(namekeeper_webhook_events_total{result="accepted",reason="duplicate"} 1)");
    has(R"(namekeeper_webhook_events_total{result="rejected",reason="bad-payload"} 1)");
    has(R"(namekeeper_webhook_events_total{result="rejected",reason="auth"} 1)");
    has(R"(namekeeper_webhook_events_total{result="rejected",reason="too-large"} 1)");
    has(R"(namekeeper_webhook_events_total{result="ignored",reason="repository"} 1)");
    has("namekeeper_queue_depth 0");
    has(R"(namekeeper_names{state="reserved"} 1)");
    has(R"(namekeeper_names{state="pending"} 0)");
    has(R"(namekeeper_uploads_total{outcome="accepted"} 1)");
    has("namekeeper_lookup_duration_seconds_count 1");
}

TEST_CASE("serve: one service per ledger", "[webhook][service]") {
    ServiceHarness harness;
    const auto config = service_config(harness.pypi(), harness.ledger_path());
    auto http = http::make_client({});
    index::PublicIndex index(*http, config.pypi);
    index::Uploader uploader(*http, config.pypi);
    notify::Notifier notifier(*http, config.notify);
    webhook::Service second({config, index, uploader, notifier, {}});
    const auto started = second.start("127.0.0.1:0");
    REQUIRE_FALSE(started.has_value());
    CHECK(started.error() ==
          fmt::format("another namekeeper serve uses the ledger {} (cannot lock {}.serve.lock)",
                      harness.ledger_path().string(), harness.ledger_path().string()));
}

TEST_CASE("serve: a port in use is refused, not shared", "[webhook][service]") {
    ServiceHarness first;
    TempDir other;
    const auto config = service_config(first.pypi(), other / "ledger.sqlite3");
    auto http = http::make_client({});
    index::PublicIndex index(*http, config.pypi);
    index::Uploader uploader(*http, config.pypi);
    notify::Notifier notifier(*http, config.notify);
    webhook::Service second({config, index, uploader, notifier, {}});
    const std::string listen = fmt::format("127.0.0.1:{}", first.port());
    const auto started = second.start(listen);
    REQUIRE_FALSE(started.has_value());
    CHECK(started.error() == fmt::format("cannot listen on {} (address in use or not available)", listen));
}
