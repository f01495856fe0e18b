#include "webhook/service_fixture.hpp"

#include "namekeeper/http/client.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/notify/notifier.hpp"
#include "namekeeper/webhook/service.hpp"
#include "standins/sample_data.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace namekeeper::test {

std::string deployed_event(std::string_view repo, std::string_view path) {
    const auto slash = path.rfind('/');
    const nlohmann::json body{{"domain", "artifact"},
                              {"event_type", "deployed"},
                              {"data",
                               {{"repo_key", repo},
                                {"path", path},
                                {"name", slash == std::string_view::npos ? path : path.substr(slash + 1)},
                                {"sha256", "0000"},
                                {"size", 1234}}},
                              {"subscription_key", "namekeeper"},
                              {"jpd_origin", "https://artifactory.acme.example"},
                              {"source", "jfrog/jfrt@01h9"}};
    return body.dump();
}

std::string wheel_event(std::string_view name) {
    std::string file_part(name);
    std::ranges::replace(file_part, '-', '_');
    return deployed_event("pypi-local", fmt::format("{}/1.0.0/{}-1.0.0-py3-none-any.whl", name, file_part));
}

std::string relocated_event(std::string_view type, std::string_view target_repo,
                            std::string_view target_path) {
    const nlohmann::json body{{"domain", "artifact"},
                              {"event_type", type},
                              {"data",
                               {{"repo_key", "staging"},
                                {"path", "old/1.0/old-1.0.tar.gz"},
                                {"name", "old-1.0.tar.gz"},
                                {"source_repo_path", "staging/old/1.0/old-1.0.tar.gz"},
                                {"target_repo_path", fmt::format("{}/{}", target_repo, target_path)}}}};
    return body.dump();
}

struct WebhookClient::Impl {
    explicit Impl(int port) : client("127.0.0.1", port) {
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);
        client.set_read_timeout(30, 0);
    }
    httplib::Client client;
};

WebhookClient::WebhookClient(int port) : m_impl(std::make_unique<Impl>(port)) {}
WebhookClient::~WebhookClient() = default;

namespace {

HttpAnswer to_answer(const httplib::Result& result) {
    if (!result) {
        return {};
    }
    return {result->status, result->body, result->get_header_value("Content-Type")};
}

} // namespace

HttpAnswer WebhookClient::post(const std::string& body, std::optional<std::string> auth,
                               const std::string& path) {
    httplib::Headers headers;
    if (auth) {
        headers.emplace("X-JFrog-Event-Auth", *auth);
    }
    return to_answer(m_impl->client.Post(path, headers, body, "application/json"));
}

HttpAnswer WebhookClient::get(const std::string& path) {
    return to_answer(m_impl->client.Get(path));
}

std::string raw_exchange(int port, std::string_view request, SendSide send_side) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    // NOLINTNEXTLINE: the sockets API takes a sockaddr*
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
        std::size_t sent = 0;
        while (sent < request.size()) {
            const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
        if (send_side == SendSide::close) {
            ::shutdown(fd, SHUT_WR);
        }
        const timeval limit{.tv_sec = 20, .tv_usec = 0}; // a test that hangs fails instead
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        char buffer[4096];
        for (;;) {
            const auto n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) {
                break;
            }
            response.append(buffer, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return response;
}

int raw_status(std::string_view response) {
    if (!response.starts_with("HTTP/1.1 ") || response.size() < 12) {
        return 0;
    }
    return std::stoi(std::string(response.substr(9, 3)));
}

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return done();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

config::Config service_config(const standins::PypiStandin& pypi, const std::filesystem::path& ledger_path) {
    config::Config config;
    config.artifactory.url = "http://127.0.0.1:9/artifactory"; // never asked: repositories are configured
    config.artifactory.repositories = {"pypi-local", "pypi-team"};
    config.pypi.index_url = pypi.base_url();
    config.pypi.upload_url = pypi.upload_url();
    config.pypi.token = config::Secret(std::string(standins::k_sample_pypi_token));
    config.pypi.owners = {std::string(standins::k_sample_pypi_user)};
    config.pypi.organizations = {"acme"};
    config.pypi.max_new_projects_per_hour = 1000;
    config.pypi.timeout = std::chrono::seconds(10);
    config.placeholder.author_email = "security@acme.example";
    config.ledger.path = ledger_path;
    config.webhook.listen = "127.0.0.1:0";
    config.webhook.secret = config::Secret(std::string(k_webhook_secret));
    config.webhook.max_body_bytes = 4096;
    return config;
}

ServiceHarness::ServiceHarness(Options options) : m_ledger_path(m_dir / "ledger.sqlite3") {
    m_pypi.add_token(std::string(standins::k_sample_pypi_token), std::string(standins::k_sample_pypi_user));
    m_pypi.add_project("requests", {"psf"}, std::nullopt, {"2.31.0"});
    if (options.pypi_latency.count() > 0) {
        m_pypi.set_latency(options.pypi_latency, standins::LatencyScope::reads_and_uploads);
    }
    m_config = service_config(m_pypi, m_ledger_path);
    if (options.insecure_no_auth) {
        m_config.webhook.secret = config::Secret{};
        m_config.webhook.insecure_no_auth = true;
    }
    http::ClientOptions http_options;
    http_options.user_agent = http::user_agent("security@acme.example");
    m_http = http::make_client(http_options);
    m_index = std::make_unique<index::PublicIndex>(*m_http, m_config.pypi);
    m_uploader = std::make_unique<index::Uploader>(*m_http, m_config.pypi);
    m_notifier = std::make_unique<notify::Notifier>(*m_http, m_config.notify);
    start();
}

void ServiceHarness::start() {
    m_service = std::make_unique<webhook::Service>(webhook::ServiceDeps{
        m_config, *m_index, *m_uploader, *m_notifier, m_config.artifactory.repositories});
    const auto port = m_service->start(m_config.webhook.listen);
    if (!port) {
        throw std::runtime_error(port.error());
    }
    m_port = *port;
    m_runner = std::thread([this] { m_service->run(); });
}

void ServiceHarness::restart() {
    stop();
    m_service.reset();
    start();
}

ServiceHarness::~ServiceHarness() {
    stop();
}

void ServiceHarness::stop() {
    if (m_runner.joinable()) {
        m_service->stop();
        m_runner.join();
    }
}

ledger::Ledger ServiceHarness::open_ledger() const {
    auto ledger = ledger::Ledger::open(m_ledger_path, "test");
    if (!ledger) {
        throw std::runtime_error(ledger.error().message);
    }
    return std::move(*ledger);
}

std::optional<ledger::NameState> ServiceHarness::state_of(std::string_view name) const {
    auto ledger = open_ledger();
    const auto record = ledger.get(name);
    if (!record) {
        throw std::runtime_error(record.error().message);
    }
    return *record ? std::optional((*record)->state) : std::nullopt;
}

bool ServiceHarness::wait_settled(std::string_view name) const {
    return wait_for([&] {
        const auto state = state_of(name);
        return state && *state != ledger::NameState::pending;
    });
}

} // namespace namekeeper::test
