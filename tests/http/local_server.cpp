#include "http/local_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace namekeeper::test {

LocalServer::LocalServer(const std::function<void(httplib::Server&)>& routes)
    : m_server(std::make_unique<httplib::Server>()) {
    m_server->set_tcp_nodelay(true);
    m_server->set_keep_alive_max_count(100000); // httplib closes after 5 requests by default
    m_server->new_task_queue = [] { return new httplib::ThreadPool(32); };
    routes(*m_server);
    m_port = m_server->bind_to_any_port("127.0.0.1");
    if (m_port < 0) {
        throw std::runtime_error("cannot bind a port on 127.0.0.1");
    }
    // The socket listens from bind_to_any_port on: a client may connect before the thread runs.
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
}

LocalServer::~LocalServer() {
    m_server->stop();
    m_thread.join();
}

std::string LocalServer::url(std::string_view path) const {
    return fmt::format("http://127.0.0.1:{}{}", m_port, path);
}

int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    const bool bound = ::bind(fd, generic, length) == 0 && ::getsockname(fd, generic, &length) == 0;
    ::close(fd); // bound but never listening, and now closed: a connection is refused
    if (!bound) {
        throw std::runtime_error("cannot bind a port on 127.0.0.1");
    }
    return ntohs(address.sin_port);
}

} // namespace namekeeper::test
