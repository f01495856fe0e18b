#include "support/http_client.hpp"

namespace namekeeper::test {

std::unique_ptr<http::Client> fast_http_client(int attempts, std::chrono::milliseconds max_delay) {
    http::ClientOptions options;
    options.user_agent = "namekeeper-tests/1";
    options.timeout = std::chrono::seconds(10);
    options.retry.max_attempts = attempts;
    options.retry.base_delay = std::chrono::milliseconds(1);
    options.retry.max_delay = max_delay;
    return http::make_client(options);
}

} // namespace namekeeper::test
