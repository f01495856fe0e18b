#include "namekeeper/webhook/service.hpp"

#include "namekeeper/config/loader.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "namekeeper/pypi/filename.hpp"
#include "namekeeper/reconcile/classify.hpp"
#include "namekeeper/reconcile/settler.hpp"
#include "namekeeper/util/file_lock.hpp"
#include "namekeeper/webhook/auth.hpp"
#include "namekeeper/webhook/metrics.hpp"
#include "namekeeper/webhook/payload.hpp"

#include <atomic>
#include <condition_variable>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <thread>
#include <unordered_map>

namespace namekeeper::webhook {
namespace {

using nlohmann::json;
using Clock = ledger::Clock;

// A name committed to the queue this recently is answered from memory on a duplicate event.
constexpr std::chrono::seconds k_recent_window{60};
// The owner of this service's ledger claims; unique because only one serve holds the serve lock.
constexpr std::string_view k_claim_owner = "serve";
// cpp-httplib keeps a pool thread on each keep-alive connection until it closes or idles out: a client
// connection beyond the pool waits for one (up to the keep-alive timeout, 5 s). Idle threads are cheap.
constexpr std::size_t k_http_threads = 64;
constexpr int k_listen_backlog = 1024; // the kernel caps it at net.core.somaxconn
// After a 429 on upload, the worker leaves new projects alone this long.
constexpr std::chrono::minutes k_rate_limit_pause{10};
// How long the worker sleeps when the queue is empty (it is also woken by every accepted event,
// and picks up names that another process queued).
constexpr std::chrono::seconds k_idle_poll{1};

void answer(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

} // namespace

class Service::Impl {
public:
    explicit Impl(ServiceDeps deps) : m_deps(std::move(deps)) { declare_service_metrics(m_metrics); }

    std::expected<int, std::string> start(const std::string& listen) {
        const auto& config = m_deps.config;
        auto front = ledger::Ledger::open(config.ledger.path, "serve");
        auto back = front ? ledger::Ledger::open(config.ledger.path, "serve") : std::move(front);
        if (!front || !back) {
            return std::unexpected((!front ? front : back).error().message);
        }
        // One serve per ledger: then its claims can carry a fixed owner, and a service restarted after
        // a crash takes over the claims of its dead predecessor instead of waiting out their lease.
        const std::string lock_path = config.ledger.path.string() + ".serve.lock";
        auto lock = util::FileLock::try_acquire(lock_path);
        if (!lock) {
            return std::unexpected(fmt::format("another namekeeper serve uses the ledger {} (cannot lock {})",
                                               config.ledger.path.string(), lock_path));
        }
        m_lock.emplace(std::move(*lock));
        m_front.emplace(std::move(*front));
        m_back.emplace(std::move(*back));
        const auto address = config::parse_listen_address(listen, config::PortZero::allowed);
        if (!address) {
            return std::unexpected(fmt::format("webhook.listen {} is not HOST:PORT", listen));
        }
        configure_server();
        const int port = address->port == 0
                             ? m_server.bind_to_any_port(address->host)
                             : (m_server.bind_to_port(address->host, address->port) ? address->port : -1);
        if (port < 0) {
            return std::unexpected(
                fmt::format("cannot listen on {} (address in use or not available)", listen));
        }
        // cpp-httplib 0.11.4 listens with a backlog of 5: clients that connect at once overflow it,
        // and the kernel's retransmission then costs each of them a second. listen() again resizes it.
        if (m_listen_fd < 0 || ::listen(m_listen_fd, k_listen_backlog) != 0) {
            spdlog::warn("could not enlarge the listen backlog; bursts of new connections may wait");
        }
        spdlog::info("listening on {}:{} for Artifactory webhooks", address->host, port);
        return port;
    }

    void run() {
        std::thread worker([this] { work(); });
        std::atomic<bool> listening_done{false};
        std::thread listener([&] {
            m_server.listen_after_bind();
            listening_done = true;
            stop(); // the server may also end on its own (its socket failed)
        });
        {
            std::unique_lock lock(m_wake_mutex);
            m_stop_requested.wait(lock, [&] { return m_stopping.load(); });
        }
        // httplib's stop() does nothing until the accept loop runs: a stop() that came early is
        // repeated until the loop has seen it.
        while (!listening_done) {
            m_server.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        listener.join();
        worker.join();
        spdlog::info("stopped; {} names wait in the queue", queue_depth());
    }

    void stop() {
        {
            std::lock_guard lock(m_wake_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        m_stop_requested.notify_all();
    }

private:
    void configure_server() {
        // httplib's default options set SO_REUSEPORT, which lets a second service bind the same port
        // and silently take part of the events; SO_REUSEADDR alone still allows a prompt restart.
        m_server.set_socket_options([this](int fd) {
            const int yes = 1;
            if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0) {
                spdlog::warn("setsockopt(SO_REUSEADDR) failed; a restart may have to wait for the port");
            }
            m_listen_fd = fd;
        });
        m_server.set_tcp_nodelay(true);
        m_server.set_keep_alive_max_count(1000);
        m_server.set_read_timeout(10, 0);
        m_server.set_write_timeout(10, 0);
        m_server.set_payload_max_length(m_deps.config.webhook.max_body_bytes);
        m_server.new_task_queue = [] { return new httplib::ThreadPool(k_http_threads); };
        m_server.Post("/webhooks/artifactory",
                      [this](const httplib::Request& req, httplib::Response& res) { on_event(req, res); });
        m_server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) { on_health(res); });
        m_server.Get("/metrics",
                     [this](const httplib::Request&, httplib::Response& res) { on_metrics(res); });
        m_server.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
            if (res.status == 413) {
                count("rejected", "too-large");
                answer(res, 413,
                       {{"error", fmt::format("body larger than webhook.max_body_bytes ({} bytes)",
                                              m_deps.config.webhook.max_body_bytes)}});
            } else if (res.status == 404) {
                answer(res, 404, {{"error", "no such endpoint; Artifactory posts to /webhooks/artifactory"}});
            } else if (res.body.empty()) { // httplib's own refusals (a malformed request, a short body)
                count("rejected", "bad-request");
                answer(res, res.status, {{"error", fmt::format("malformed HTTP request ({})", res.status)}});
            }
        });
    }

    void count(std::string_view result, std::string_view reason) {
        m_metrics.increment(k_metric_webhook_events, {result, reason});
    }

    bool authorized(const httplib::Request& req) {
        const auto& webhook = m_deps.config.webhook;
        if (webhook.secret.empty()) {
            return webhook.insecure_no_auth; // the config allows this only on loopback
        }
        return authenticate(req.get_header_value(std::string(k_auth_header)), req.body, webhook.secret);
    }

    void on_event(const httplib::Request& req, httplib::Response& res) {
        if (!authorized(req)) {
            count("rejected", "auth");
            answer(res, 401, {{"error", fmt::format("missing or wrong {} header", k_auth_header)}});
            return;
        }
        const auto event = parse_event(req.body, m_deps.repositories);
        if (!event) {
            count("rejected", "bad-payload");
            answer(res, 400, {{"error", event.error().message}});
            return;
        }
        if (!event->accepted()) {
            count("ignored", to_string(event->ignored->reason));
            answer(res, 202, {{"accepted", false}, {"reason", event->ignored->message}});
            return;
        }
        const auto derived = pypi::derive_artifact_name(event->path);
        if (!derived || !derived->has_value()) {
            count("ignored", "not-a-package");
            answer(res, 202,
                   {{"accepted", false},
                    {"reason", !derived ? "no package name in the path: " + derived.error().reason
                                        : std::string("not a Python distribution")}});
            return;
        }
        const std::string name = (*derived)->name;
        if (recently_committed(name)) {
            count("accepted", "duplicate");
            answer(res, 202, {{"accepted", true}, {"name", name}, {"duplicate", true}});
            return;
        }
        std::expected<ledger::Enqueued, ledger::LedgerError> queued;
        {
            std::lock_guard lock(m_front_mutex);
            queued = m_front->enqueue(name, event->repo_key, event->path, Clock::now());
        }
        if (!queued) {
            count("rejected", "ledger");
            spdlog::error("{}: could not queue: {}", name, queued.error().message);
            answer(res, 503, {{"error", "the ledger is not available; the event was not accepted"}});
            return;
        }
        remember(name);
        count("accepted", *queued == ledger::Enqueued::newly ? "queued" : "duplicate");
        wake_worker();
        answer(res, 202, {{"accepted", true}, {"name", name}});
    }

    bool recently_committed(const std::string& name) {
        std::lock_guard lock(m_recent_mutex);
        const auto it = m_recent.find(name);
        return it != m_recent.end() && Clock::now() - it->second < k_recent_window;
    }

    void remember(const std::string& name) {
        std::lock_guard lock(m_recent_mutex);
        if (m_recent.size() > 100'000) {
            std::erase_if(m_recent,
                          [now = Clock::now()](const auto& e) { return now - e.second >= k_recent_window; });
        }
        m_recent[name] = Clock::now();
    }

    // A cheap read through the same connection the events use: it proves the file opens, the schema
    // is ours and nothing holds the lock past the busy timeout. (PRAGMA quick_check would scan the
    // whole file under the mutex and stall the events while a monitor polls.)
    void on_health(httplib::Response& res) {
        std::lock_guard lock(m_front_mutex);
        const auto depth = m_front->queue_depth();
        if (!depth) {
            answer(res, 503, {{"status", "unhealthy"}, {"error", depth.error().message}});
            return;
        }
        answer(res, 200, {{"status", "ok"}, {"queue_depth", *depth}});
    }

    std::int64_t queue_depth() {
        std::lock_guard lock(m_front_mutex);
        const auto depth = m_front->queue_depth();
        return depth ? *depth : -1;
    }

    void on_metrics(httplib::Response& res) {
        {
            std::lock_guard lock(m_front_mutex);
            if (const auto depth = m_front->queue_depth()) {
                m_metrics.set(k_metric_queue_depth, {}, static_cast<double>(*depth));
            }
            if (const auto counts = m_front->counts()) {
                for (const auto state : ledger::k_all_states) {
                    m_metrics.set(k_metric_names, {ledger::to_string(state)},
                                  static_cast<double>((*counts)[state]));
                }
            }
        }
        res.set_content(m_metrics.render(), "text/plain; version=0.0.4");
    }

    // A wake-up sent while the worker is busy is kept for its next idle(), not lost.
    void wake_worker() {
        {
            std::lock_guard lock(m_wake_mutex);
            m_woken = true;
        }
        m_wake.notify_all();
    }

    // Waits for a wake-up, a stop or k_idle_poll (names another process queued).
    void idle() {
        std::unique_lock lock(m_wake_mutex);
        m_wake.wait_for(lock, k_idle_poll, [this] { return m_woken || m_stopping.load(); });
        m_woken = false;
    }

    // The worker: settles queued names one at a time until stopped.
    void work() {
        auto& ledger = *m_back;
        reconcile::Services services{
            m_deps.config,
            ledger,
            m_deps.index,
            m_deps.uploader,
            std::string(k_claim_owner),
            [] { return Clock::now(); },
            [this](std::string_view outcome) { m_metrics.increment(k_metric_uploads, {outcome}); }};
        reconcile::Settler settler(services, reconcile::DryRun::no);
        reconcile::RunState run;
        std::optional<Clock::time_point> rate_limited_at;
        while (!m_stopping) {
            const auto next = ledger.next_queued();
            if (!next || !*next) {
                if (!next) {
                    spdlog::error("reading the queue: {}", next.error().message);
                }
                idle();
                continue;
            }
            if (run.rate_limited && rate_limited_at && Clock::now() - *rate_limited_at > k_rate_limit_pause) {
                run.rate_limited = false;
            }
            const bool was_rate_limited = run.rate_limited;
            if (!settle(ledger, settler, run, **next)) {
                idle(); // the ledger is busy or broken: do not spin
            }
            if (run.rate_limited && !was_rate_limited) {
                rate_limited_at = Clock::now();
            }
            m_deps.notifier.deliver(ledger, [] { return Clock::now(); });
        }
    }

    // False when the ledger failed and the name stays queued.
    bool settle(ledger::Ledger& ledger, reconcile::Settler& settler, reconcile::RunState& run,
                const ledger::QueuedName& item) {
        const auto derived = pypi::derive_artifact_name(item.path);
        if (derived && derived->has_value()) {
            const auto& d = **derived;
            const ledger::SeenName seen{d.name, d.raw_name, item.repository,
                                        d.version ? std::optional(d.version->to_string()) : std::nullopt,
                                        d.mismatched_folder ? std::optional("folder " + *d.mismatched_folder)
                                                            : std::nullopt};
            if (auto r = ledger.record_seen(std::span(&seen, 1), Clock::now(), reconcile::version_less); !r) {
                spdlog::error("{}: {}", item.name, r.error().message);
                return false; // stays queued; retried on the next turn
            }
        }
        const auto record = ledger.get(item.name);
        if (!record) {
            spdlog::error("{}: {}", item.name, record.error().message);
            return false;
        }
        const bool settled = *record && (*record)->state != ledger::NameState::pending &&
                             (*record)->state != ledger::NameState::failed;
        if (*record && !settled) {
            const auto started = std::chrono::steady_clock::now();
            settler.settle(std::span(&**record, 1), run);
            m_metrics.observe(
                k_metric_lookup_duration,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        }
        if (auto r = ledger.dequeue(item.name); !r) {
            spdlog::error("{}: {}", item.name, r.error().message);
            return false;
        }
        return true;
    }

    ServiceDeps m_deps;
    httplib::Server m_server;
    MetricsRegistry m_metrics;
    std::optional<util::FileLock> m_lock;  // held while the service exists
    int m_listen_fd = -1;                  // owned by m_server
    std::optional<ledger::Ledger> m_front; // request handlers, under m_front_mutex
    std::mutex m_front_mutex;
    std::optional<ledger::Ledger> m_back; // the worker's own connection
    std::atomic<bool> m_stopping{false};
    std::mutex m_wake_mutex;                  // guards m_woken and the changes of m_stopping
    std::condition_variable m_wake;           // the worker waits on it
    std::condition_variable m_stop_requested; // run() waits on it
    bool m_woken = false;
    std::mutex m_recent_mutex;
    std::unordered_map<std::string, Clock::time_point> m_recent;
};

Service::Service(ServiceDeps deps) : m_impl(std::make_unique<Impl>(std::move(deps))) {}
Service::~Service() = default;
std::expected<int, std::string> Service::start(const std::string& listen) {
    return m_impl->start(listen);
}
void Service::run() {
    m_impl->run();
}
void Service::stop() {
    m_impl->stop();
}

} // namespace namekeeper::webhook
