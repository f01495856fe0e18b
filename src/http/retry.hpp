#pragma once

// When and how long to wait before another attempt. Pure functions (the randomness is passed in)
// shared by send() and send_all().

#include "namekeeper/http/client.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace namekeeper::http::detail {

// The delay that `Retry-After: value` asks for (delta-seconds or an HTTP date), not capped; a date
// in the past is zero. nullopt when the value is neither.
[[nodiscard]] std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

// Full jitter over min(max_delay, base_delay * 2^(completed - 1)): `unit_random` in [0, 1) picks the
// point in [0, that bound).
[[nodiscard]] std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int completed,
                                                      double unit_random);

// The wait before the next attempt after `completed` attempts ended in `result`, or nullopt when
// `result` is final: the policy does not retry it or the attempts are used up. A 429 or 503 with a
// valid Retry-After waits that long, capped at max_delay.
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_delay(const RetryPolicy& policy,
                                                                   const Result& result, int completed,
                                                                   double unit_random,
                                                                   std::chrono::system_clock::time_point now);

// Records that `result` is final after `attempts` attempts; an error message then says so.
void mark_attempts(Result& result, int attempts);

// "GET", "POST", "HEAD".
[[nodiscard]] std::string_view method_name(Method method);

// The warn line for a retry: redacted URL, what went wrong, the attempt and the delay.
void log_retry(const Request& request, const Result& result, int completed, int max_attempts,
               std::chrono::milliseconds delay);

} // namespace namekeeper::http::detail
