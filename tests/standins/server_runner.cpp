#include "standins/server_runner.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <stdexcept>

namespace namekeeper::standins {

ServerRunner::ServerRunner() : m_server(std::make_unique<httplib::Server>()) {}

ServerRunner::~ServerRunner() {
    stop();
}

void ServerRunner::start(const ServerOptions& options) {
    const std::size_t threads = options.threads == 0 ? 1 : options.threads;
    m_server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_server->set_tcp_nodelay(true);
    m_server->set_keep_alive_max_count(options.keep_alive_max_count);
    m_server->set_read_timeout(30, 0);
    m_server->set_write_timeout(30, 0);
    if (options.compression == Compression::none) {
        // The request object is not const where cpp-httplib owns it; the answer is chosen by this header.
        m_server->set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
            const_cast<httplib::Request&>(request).headers.erase("Accept-Encoding");
            return httplib::Server::HandlerResponse::Unhandled;
        });
    }
    m_host = options.host;
    if (options.port == 0) {
        m_port = m_server->bind_to_any_port(options.host);
    } else {
        m_port = m_server->bind_to_port(options.host, options.port) ? options.port : -1;
    }
    if (m_port <= 0) {
        throw std::runtime_error(fmt::format("cannot listen on {}:{}", options.host, options.port));
    }
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    // The socket is bound and listening already; is_running() turns true once the accept loop runs.
    for (int i = 0; i < 5000 && !m_server->is_running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!m_server->is_running()) {
        stop();
        throw std::runtime_error(fmt::format("server on {}:{} did not start", m_host, m_port));
    }
}

void ServerRunner::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_server->stop();
        m_thread.join();
    }
}

bool ServerRunner::sleep_for(std::chrono::milliseconds duration) {
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, duration, [this] { return m_stopping; });
}

} // namespace namekeeper::standins
