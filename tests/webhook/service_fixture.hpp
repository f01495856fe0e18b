#pragma once

// Test support for `namekeeper serve`: webhook bodies, a raw HTTP client over loopback, and
// ServiceHarness, which runs webhook::Service in this process on 127.0.0.1 port 0 against the PyPI
// stand-in, on a ledger in a fresh temp folder. The harness's config is the sample company's
// (owners [acme-security], org acme, token "pypi-demo-token") with repositories pypi-local and
// pypi-team, webhook secret k_webhook_secret and max_body_bytes 4096.

#include "namekeeper/config/config.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "standins/pypi_standin.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace namekeeper::webhook {
class Service;
}
namespace namekeeper::http {
class Client;
}
namespace namekeeper::index {
class PublicIndex;
class Uploader;
} // namespace namekeeper::index
namespace namekeeper::notify {
class Notifier;
}

namespace namekeeper::test {

inline constexpr std::string_view k_webhook_secret = "webhook-test-secret";

// {"domain":"artifact","event_type":"deployed","data":{"repo_key":REPO,"path":PATH,"name":<last segment>}}
std::string deployed_event(std::string_view repo, std::string_view path);
// A deployed event for the wheel of `name` 1.0.0 in pypi-local: "<name>/1.0.0/<n>-1.0.0-py3-none-any.whl".
std::string wheel_event(std::string_view name);
// A moved or copied event whose target is "TARGET_REPO/TARGET_PATH".
std::string relocated_event(std::string_view type, std::string_view target_repo,
                            std::string_view target_path);

struct HttpAnswer {
    int status = 0; // 0 when the request failed at the transport level
    std::string body;
    std::string content_type;
};

// One keep-alive connection to 127.0.0.1:port (cpp-httplib client); not thread-safe.
class WebhookClient {
public:
    explicit WebhookClient(int port);
    ~WebhookClient();
    WebhookClient(const WebhookClient&) = delete;
    WebhookClient& operator=(const WebhookClient&) = delete;

    // POST to `path` with Content-Type application/json; `auth` goes into X-JFrog-Event-Auth.
    HttpAnswer post(const std::string& body, std::optional<std::string> auth = std::string(k_webhook_secret),
                    const std::string& path = "/webhooks/artifactory");
    HttpAnswer get(const std::string& path);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Writes `request` as it is to 127.0.0.1:port and returns everything the server wrote back (the raw
// HTTP response) until it closed the connection, for requests no well-behaved client would send.
// With SendSide::close the client shuts its sending side right after the request, as a client that
// dies mid-request does: cpp-httplib then answers nothing at all.
enum class SendSide { keep_open, close };
std::string raw_exchange(int port, std::string_view request, SendSide send_side = SendSide::keep_open);
// The status code of a raw HTTP response ("HTTP/1.1 400 Bad Request..." -> 400), 0 when none.
int raw_status(std::string_view response);

// Polls `done` every 10 ms until it holds or `limit` passes; returns its last value.
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(20));

// The sample company's configuration pointing at `pypi`, ledger at `ledger_path`.
config::Config service_config(const standins::PypiStandin& pypi, const std::filesystem::path& ledger_path);

class ServiceHarness {
public:
    struct Options {
        bool insecure_no_auth = false;            // no secret, insecure_no_auth: true
        std::chrono::milliseconds pypi_latency{}; // added by the stand-in to reads and uploads
    };
    explicit ServiceHarness(Options options);
    ServiceHarness() : ServiceHarness(Options{}) {}
    ~ServiceHarness();
    ServiceHarness(const ServiceHarness&) = delete;
    ServiceHarness& operator=(const ServiceHarness&) = delete;

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] standins::PypiStandin& pypi() { return m_pypi; }
    [[nodiscard]] const std::filesystem::path& ledger_path() const { return m_ledger_path; }
    // A connection of the test's own, as another process would have.
    [[nodiscard]] ledger::Ledger open_ledger() const;
    // The name's state in the ledger, nullopt when the ledger has no such name.
    [[nodiscard]] std::optional<ledger::NameState> state_of(std::string_view name) const;
    // True once `name` is in the ledger and neither pending nor queued.
    [[nodiscard]] bool wait_settled(std::string_view name) const;
    // Stops the service and waits for run() to return.
    void stop();
    // Stops the service and starts a new one on the same ledger (a new port; nothing in memory).
    void restart();

private:
    void start();

    TempDir m_dir;
    standins::PypiStandin m_pypi;
    std::filesystem::path m_ledger_path;
    config::Config m_config;
    std::unique_ptr<http::Client> m_http;
    std::unique_ptr<index::PublicIndex> m_index;
    std::unique_ptr<index::Uploader> m_uploader;
    std::unique_ptr<notify::Notifier> m_notifier;
    std::unique_ptr<webhook::Service> m_service;
    std::thread m_runner;
    int m_port = 0;
};

} // namespace namekeeper::test
