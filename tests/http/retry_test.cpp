#include "http/retry.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::http;
using namespace namekeeper::http::detail;
using std::chrono::milliseconds;

namespace {

const auto k_now = std::chrono::system_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37 GMT

Result answer(long status, std::optional<std::string> retry_after = std::nullopt) {
    Response response;
    response.status = status;
    if (retry_after) {
        response.headers.emplace_back("retry-after", *retry_after);
    }
    return response;
}

Result failure(TransportErrorKind kind) {
    return std::unexpected(TransportError{kind, "failed", 1});
}

} // namespace

TEST_CASE("backoff doubles from base_delay up to max_delay, scaled by the jitter", "[http]") {
    const RetryPolicy policy{.base_delay = milliseconds(100), .max_delay = milliseconds(1000)};
    CHECK(backoff_delay(policy, 1, 1.0) == milliseconds(100));
    CHECK(backoff_delay(policy, 2, 1.0) == milliseconds(200));
    CHECK(backoff_delay(policy, 4, 1.0) == milliseconds(800));
    CHECK(backoff_delay(policy, 5, 1.0) == milliseconds(1000));
    CHECK(backoff_delay(policy, 60, 1.0) == milliseconds(1000));
    CHECK(backoff_delay(policy, 3, 0.5) == milliseconds(200));
    CHECK(backoff_delay(policy, 3, 0.0) == milliseconds(0));
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date", "[http]") {
    CHECK(parse_retry_after("120", k_now) == milliseconds(120'000));
    CHECK(parse_retry_after(" 0 ", k_now) == milliseconds(0));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", k_now) == milliseconds(10'000));
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", k_now) == milliseconds(60'000));
    CHECK(parse_retry_after("Sun Nov  6 08:49:40 1994", k_now) == milliseconds(3'000));
    CHECK(parse_retry_after("Sat, 05 Nov 1994 08:49:37 GMT", k_now) == milliseconds(0)); // in the past
    CHECK(parse_retry_after("99999999999999999999999", k_now) == milliseconds(365LL * 24 * 3600 * 1000));
    CHECK_FALSE(parse_retry_after("soon", k_now).has_value());
    CHECK_FALSE(parse_retry_after("-5", k_now).has_value());
    CHECK_FALSE(parse_retry_after("", k_now).has_value());
}

TEST_CASE("retry_delay follows the policy", "[http]") {
    const RetryPolicy policy{
        .max_attempts = 3, .base_delay = milliseconds(100), .max_delay = milliseconds(5000)};

    CHECK(retry_delay(policy, answer(200), 1, 1.0, k_now) == std::nullopt);
    CHECK(retry_delay(policy, answer(404), 1, 1.0, k_now) == std::nullopt);
    CHECK(retry_delay(policy, answer(302), 1, 1.0, k_now) == std::nullopt);
    CHECK(retry_delay(policy, answer(500), 1, 1.0, k_now) == milliseconds(100));
    CHECK(retry_delay(policy, answer(502), 2, 1.0, k_now) == milliseconds(200));
    CHECK(retry_delay(policy, answer(500), 3, 1.0, k_now) == std::nullopt); // attempts used up
    CHECK(retry_delay(policy, answer(429), 1, 1.0, k_now) == milliseconds(100));
    CHECK(retry_delay(policy, failure(TransportErrorKind::connect), 1, 1.0, k_now) == milliseconds(100));
    CHECK(retry_delay(policy, failure(TransportErrorKind::timeout), 2, 0.5, k_now) == milliseconds(100));
    CHECK(retry_delay(policy, failure(TransportErrorKind::too_large), 1, 1.0, k_now) == std::nullopt);

    SECTION("Retry-After on 429 and 503, capped at max_delay; ignored on a 500") {
        CHECK(retry_delay(policy, answer(429, "2"), 1, 0.0, k_now) == milliseconds(2000));
        CHECK(retry_delay(policy, answer(503, "Sun, 06 Nov 1994 08:49:38 GMT"), 1, 0.0, k_now) ==
              milliseconds(1000));
        CHECK(retry_delay(policy, answer(429, "3600"), 1, 0.0, k_now) == milliseconds(5000));
        CHECK(retry_delay(policy, answer(500, "2"), 1, 1.0, k_now) == milliseconds(100));
        CHECK(retry_delay(policy, answer(429, "whenever"), 1, 1.0, k_now) == milliseconds(100));
    }
    SECTION("switches") {
        CHECK(retry_delay(RetryPolicy{.on_transport_error = false}, failure(TransportErrorKind::connect), 1,
                          1.0, k_now) == std::nullopt);
        CHECK(retry_delay(RetryPolicy{.on_5xx = false}, answer(503, "1"), 1, 1.0, k_now) == std::nullopt);
        CHECK(retry_delay(RetryPolicy{.on_429 = false}, answer(429, "1"), 1, 1.0, k_now) == std::nullopt);
        CHECK(retry_delay(RetryPolicy{.max_attempts = 1}, answer(500), 1, 1.0, k_now) == std::nullopt);
        CHECK(retry_delay(RetryPolicy{.max_attempts = 0}, answer(500), 1, 1.0, k_now) == std::nullopt);
    }
}
