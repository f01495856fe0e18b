#pragma once

// A cpp-httplib server on 127.0.0.1 and a free port, serving from its own thread until destroyed.
// The routes are set before it starts; httplib itself is included by the .cpp files only.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace httplib {
class Server;
}

namespace namekeeper::test {

class LocalServer {
public:
    explicit LocalServer(const std::function<void(httplib::Server&)>& routes);
    ~LocalServer();
    LocalServer(const LocalServer&) = delete;
    LocalServer& operator=(const LocalServer&) = delete;

    [[nodiscard]] int port() const { return m_port; }
    // "http://127.0.0.1:<port><path>"
    [[nodiscard]] std::string url(std::string_view path) const;

private:
    std::unique_ptr<httplib::Server> m_server;
    int m_port = -1;
    std::thread m_thread;
};

// A port that was bound and released: nothing listens there, so a connection is refused.
[[nodiscard]] int closed_port();

} // namespace namekeeper::test
