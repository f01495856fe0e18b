#pragma once

#include "namekeeper/http/client.hpp"

#include <chrono>
#include <memory>

namespace namekeeper::test {

// A client for tests against loopback servers: a test User-Agent, a 10 s timeout, `attempts`
// attempts with 1 ms backoff, and Retry-After capped at `max_delay` so retry tests stay fast.
[[nodiscard]] std::unique_ptr<http::Client> fast_http_client(int attempts,
                                                             std::chrono::milliseconds max_delay);

} // namespace namekeeper::test
