#pragma once

// The part both stand-ins share: a cpp-httplib server on its own thread, tuned so that the stand-in is
// not what a benchmark measures (REFERENCE.md, cpp-httplib: TCP_NODELAY on, long keep-alive, a pool
// big enough that handler latency does not cap throughput), and sleeps that stop() interrupts so a
// "hang" fault never keeps the server from shutting down.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace namekeeper::standins {

// cpp-httplib compresses JSON and text answers with brotli at its highest quality (about 1 MB/s) when
// the client accepts it, as libcurl does: a benchmark that pages through 200,000 artifacts would
// measure the stand-in's compressor. `none` answers uncompressed whatever the client accepts.
enum class Compression { as_asked, none };

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0; // 0: any free port
    std::size_t threads = 64;
    std::size_t keep_alive_max_count = 1000;
    Compression compression = Compression::as_asked;
};

class ServerRunner {
public:
    ServerRunner();
    ~ServerRunner();
    ServerRunner(const ServerRunner&) = delete;
    ServerRunner& operator=(const ServerRunner&) = delete;

    // Register handlers on it before start().
    [[nodiscard]] httplib::Server& server() { return *m_server; }

    // Binds and starts serving; returns once the server accepts connections. Throws std::runtime_error
    // when the address cannot be bound.
    void start(const ServerOptions& options);

    // Wakes every sleeping handler, stops accepting and joins the server thread. Idempotent.
    void stop();

    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] const std::string& host() const { return m_host; }

    // Sleeps `duration`, or less when stop() is called meanwhile. Returns false when interrupted.
    bool sleep_for(std::chrono::milliseconds duration);

private:
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    std::string m_host;
    int m_port = 0;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
};

} // namespace namekeeper::standins
