#include "reconcile/fixture.hpp"

#include "namekeeper/artifactory/client.hpp"
#include "namekeeper/http/client.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/notify/notifier.hpp"
#include "namekeeper/pypi/name.hpp"
#include "namekeeper/reconcile/classify.hpp"
#include "namekeeper/report/report.hpp"
#include "namekeeper/util/digest.hpp"
#include "standins/sample_data.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fstream>
#include <httplib.h>
#include <mutex>
#include <sstream>
#include <thread>

namespace namekeeper::test {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out.flush());
}

std::string yaml_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) {
        out += fmt::format("{}\"{}\"", out.size() > 1 ? ", " : "", item);
    }
    return out + "]";
}

std::string seconds(config::Seconds s) {
    return fmt::format("{}s", s.count());
}

} // namespace

struct Receiver::State {
    mutable std::mutex mutex;
    int status = 200;
    std::vector<std::string> delivered;
    std::size_t requests = 0;
    httplib::Server server;
    std::thread thread;
    int port = 0;
};

Receiver::Receiver() : m_state(std::make_unique<State>()) {
    m_state->server.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
        std::lock_guard lock(m_state->mutex);
        ++m_state->requests;
        response.status = m_state->status;
        if (m_state->status >= 200 && m_state->status < 300) {
            m_state->delivered.push_back(request.body);
        }
        response.set_content("ok", "text/plain");
    });
    m_state->port = m_state->server.bind_to_any_port("127.0.0.1");
    REQUIRE(m_state->port > 0);
    m_state->thread = std::thread([this] { m_state->server.listen_after_bind(); });
    while (!m_state->server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

Receiver::~Receiver() {
    m_state->server.stop();
    m_state->thread.join();
}

std::string Receiver::url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", m_state->port, path);
}

void Receiver::answer(int status) {
    std::lock_guard lock(m_state->mutex);
    m_state->status = status;
}

std::vector<std::string> Receiver::delivered() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->delivered;
}

std::size_t Receiver::request_count() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->requests;
}

struct UploadProxy::State {
    int target_port = 0;
    Before before;
    After after;
    std::atomic<std::size_t> requests{0};
    httplib::Server server;
    std::thread thread;
    int port = 0;
};

UploadProxy::UploadProxy(const standins::PypiStandin& pypi, Before before, After after)
    : m_state(std::make_unique<State>()) {
    m_state->target_port = pypi.port();
    m_state->before = std::move(before);
    m_state->after = std::move(after);
    m_state->server.Post("/legacy/", [this](const httplib::Request& request, httplib::Response& response) {
        ++m_state->requests;
        std::string name;
        httplib::MultipartFormDataItems items;
        for (const auto& [key, part] : request.files) {
            if (key == "name") {
                name = part.content;
            }
            items.push_back({part.name, part.content, part.filename, part.content_type});
        }
        if (m_state->before) {
            if (const auto answer = m_state->before(name)) {
                const std::string line = fmt::format("{} {}", answer->status, answer->message);
                response.status = answer->status;
                response.set_content(fmt::format("<html>\n <head>\n  <title>{0}</title>\n </head>\n <body>\n"
                                                 "  <h1>{0}</h1>\n  {1}<br/><br/>\n\n\n </body>\n</html>",
                                                 line, answer->message),
                                     "text/html; charset=UTF-8");
                return;
            }
        }
        httplib::Client client("127.0.0.1", m_state->target_port);
        client.set_read_timeout(std::chrono::seconds(30));
        const httplib::Headers headers{{"Authorization", request.get_header_value("Authorization")}};
        const auto forwarded = client.Post("/legacy/", headers, items);
        const int status = forwarded ? forwarded->status : 502;
        if (m_state->after) {
            m_state->after(name, status);
        }
        response.status = status;
        if (forwarded) {
            response.set_content(forwarded->body, forwarded->get_header_value("Content-Type").c_str());
        }
    });
    m_state->port = m_state->server.bind_to_any_port("127.0.0.1");
    REQUIRE(m_state->port > 0);
    m_state->thread = std::thread([this] { m_state->server.listen_after_bind(); });
    while (!m_state->server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

UploadProxy::~UploadProxy() {
    m_state->server.stop();
    m_state->thread.join();
}

std::string UploadProxy::upload_url() const {
    return fmt::format("http://127.0.0.1:{}/legacy/", m_state->port);
}

std::size_t UploadProxy::request_count() const {
    return m_state->requests;
}

Company::Company(CompanyOptions options)
    : pypi(standins::PypiOptions{.new_projects_per_hour = options.pypi_new_projects_per_hour}) {
    if (options.sample == SampleData::yes) {
        standins::populate_sample_company(artifactory, pypi);
    } else {
        artifactory.set_bearer_token(std::string(standins::k_sample_artifactory_token));
        pypi.add_token(std::string(standins::k_sample_pypi_token), std::string(standins::k_sample_pypi_user));
        artifactory.add_repository("pypi-local", "local", "pypi");
    }
    config.source = dir / "config.yaml";
    config.artifactory.url = artifactory.base_url();
    config.artifactory.token = config::Secret(std::string(standins::k_sample_artifactory_token));
    config.artifactory.page_size = 25;
    config.artifactory.timeout = config::Seconds(5);
    config.pypi.index_url = pypi.base_url();
    config.pypi.upload_url = pypi.upload_url();
    config.pypi.token = config::Secret(std::string(standins::k_sample_pypi_token));
    config.pypi.owners = {"acme-security"};
    config.pypi.organizations = {"acme"};
    config.pypi.max_new_projects_per_hour = 1000;
    config.pypi.timeout = config::Seconds(5);
    config.pypi.contact = "security@acme.example";
    config.placeholder.author = "ACME Security";
    config.placeholder.author_email = "security@acme.example";
    config.placeholder.project_url = "https://acme.example/security";
    config.ledger.path = dir / "state" / "ledger.sqlite3";
    config.policy.ignore = {"acme-*-fork"};
}

void Company::add_internal(std::string_view name, std::string_view version, std::string_view created) {
    artifactory.add_artifact(
        "pypi-local",
        fmt::format("{}/{}/{}-{}-py3-none-any.whl", name, version, pypi::filename_component(name), version),
        created);
}

ledger::Ledger Company::open_ledger() const {
    auto opened = ledger::Ledger::open(config.ledger.path, "test");
    if (!opened) {
        FAIL(opened.error().message);
    }
    return std::move(*opened);
}

reconcile::RunReport Company::reconcile(reconcile::ReconcileOptions options,
                                        std::optional<ledger::TimePoint> now) const {
    http::ClientOptions client_options;
    client_options.user_agent = http::user_agent(config.pypi.contact);
    client_options.timeout = config.pypi.timeout;
    // Fast retries: three attempts, tens of milliseconds apart (a Retry-After is capped too).
    client_options.retry.max_attempts = 3;
    client_options.retry.base_delay = std::chrono::milliseconds(10);
    client_options.retry.max_delay = std::chrono::milliseconds(50);
    const auto http = http::make_client(client_options);
    artifactory::Client artifactory_client(*http, config.artifactory);
    index::PublicIndex index(*http, config.pypi);
    index::Uploader uploader(*http, config.pypi, client_options.retry);
    notify::Notifier notifier(*http, config.notify);
    auto ledger = open_ledger();
    reconcile::Services services{
        config,   ledger,           index,
        uploader, "test-reconcile", [now] { return now.value_or(ledger::Clock::now()); }};
    reconcile::Reconciler reconciler(services, artifactory_client, notifier);
    return reconciler.run(options);
}

std::string Company::summary(const reconcile::RunReport& report) const {
    auto ledger = open_ledger();
    const auto counts = ledger.counts();
    REQUIRE(counts);
    return report::summary_line(report, *counts);
}

ledger::NameRecord Company::record(std::string_view name) const {
    auto ledger = open_ledger();
    auto found = ledger.get(name);
    REQUIRE(found);
    if (!found->has_value()) {
        FAIL("the ledger has no name " << name);
    }
    return std::move(**found);
}

std::map<std::string, std::string> Company::states() const {
    auto ledger = open_ledger();
    auto records = ledger.list();
    REQUIRE(records);
    std::map<std::string, std::string> out;
    for (const auto& r : *records) {
        out[r.name] = std::string(ledger::to_string(r.state));
    }
    return out;
}

std::filesystem::path Company::write_config() const {
    const auto secrets = dir / "secrets";
    std::filesystem::create_directories(secrets);
    write_file(secrets / "artifactory-token", config.artifactory.token.reveal() + "\n");
    write_file(secrets / "pypi-token", config.pypi.token.reveal() + "\n");
    std::string yaml = fmt::format("artifactory:\n"
                                   "  url: {}\n"
                                   "  token_file: {}\n"
                                   "  page_size: {}\n"
                                   "  timeout: {}\n",
                                   config.artifactory.url, (secrets / "artifactory-token").string(),
                                   config.artifactory.page_size, seconds(config.artifactory.timeout));
    if (!config.artifactory.repositories.empty()) {
        yaml += fmt::format("  repositories: {}\n", yaml_list(config.artifactory.repositories));
    }
    yaml += fmt::format("pypi:\n"
                        "  index_url: {}\n"
                        "  upload_url: {}\n"
                        "  token_file: {}\n"
                        "  owners: {}\n"
                        "  organizations: {}\n"
                        "  concurrency: {}\n"
                        "  max_new_projects_per_hour: {}\n"
                        "  timeout: {}\n"
                        "  contact: {}\n",
                        config.pypi.index_url, config.pypi.upload_url, (secrets / "pypi-token").string(),
                        yaml_list(config.pypi.owners), yaml_list(config.pypi.organizations),
                        config.pypi.concurrency, config.pypi.max_new_projects_per_hour,
                        seconds(config.pypi.timeout), config.pypi.contact);
    yaml += fmt::format("placeholder:\n"
                        "  version: {}\n"
                        "  author: {}\n"
                        "  author_email: {}\n"
                        "  project_url: {}\n"
                        "ledger:\n"
                        "  path: {}\n"
                        "policy:\n"
                        "  ignore: {}\n"
                        "  recheck_after: {}\n"
                        "  full_listing_every: {}\n",
                        config.placeholder.version, config.placeholder.author,
                        config.placeholder.author_email, config.placeholder.project_url,
                        config.ledger.path.string(), yaml_list(config.policy.ignore),
                        seconds(config.policy.recheck_after), seconds(config.policy.full_listing_every));
    if (!config.notify.slack_webhook_url.empty() || !config.notify.webhook_url.empty()) {
        yaml += "notify:\n";
        if (!config.notify.slack_webhook_url.empty()) {
            write_file(secrets / "slack-url", config.notify.slack_webhook_url.reveal() + "\n");
            yaml += fmt::format("  slack_webhook_url_file: {}\n", (secrets / "slack-url").string());
        }
        if (!config.notify.webhook_url.empty()) {
            write_file(secrets / "webhook-url", config.notify.webhook_url.reveal() + "\n");
            yaml += fmt::format("  webhook_url_file: {}\n", (secrets / "webhook-url").string());
        }
    }
    const auto path = dir / "config.yaml";
    write_file(path, yaml);
    return path;
}

ProcessResult Company::run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{namekeeper_binary(), "-c", write_config().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

std::string placeholder_wheel(std::string_view name) {
    return pypi::filename_component(pypi::normalize(name)) + "-0.0.0-py3-none-any.whl";
}

std::string file_sha256(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::stringstream bytes;
    bytes << in.rdbuf();
    return util::digest_hex(util::DigestKind::sha256, bytes.str());
}

std::vector<std::string> lines_with(const std::string& text, std::string_view needle) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.find(needle) != std::string::npos) {
            out.push_back(line);
        }
    }
    return out;
}

} // namespace namekeeper::test
