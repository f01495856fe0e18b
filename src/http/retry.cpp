#include "http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <string>

namespace namekeeper::http::detail {
namespace {

using std::chrono::milliseconds;

bool is_digits(std::string_view text) {
    return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

} // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (is_digits(value)) {
        // Anything beyond a year is as good as a year: every caller caps it far lower.
        constexpr std::uint64_t k_year = 365ULL * 24 * 3600;
        std::uint64_t seconds = k_year;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (error != std::errc{} || seconds > k_year) {
            seconds = k_year;
        }
        return std::chrono::seconds(seconds);
    }
    // curl_getdate reads the three date formats RFC 9110 allows (and more); a bare word is -1.
    const std::string text(value);
    const time_t when = curl_getdate(text.c_str(), nullptr);
    if (when == -1 || value.find(' ') == std::string_view::npos) {
        return std::nullopt;
    }
    const auto delay = std::chrono::system_clock::from_time_t(when) - now;
    return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(delay));
}

milliseconds backoff_delay(const RetryPolicy& policy, int completed, double unit_random) {
    milliseconds bound = std::max(policy.base_delay, milliseconds(0));
    for (int i = 1; i < completed && bound < policy.max_delay; ++i) {
        bound *= 2;
    }
    bound = std::min(bound, policy.max_delay);
    return milliseconds(std::llround(std::clamp(unit_random, 0.0, 1.0) * static_cast<double>(bound.count())));
}

std::optional<milliseconds> retry_delay(const RetryPolicy& policy, const Result& result, int completed,
                                        double unit_random, std::chrono::system_clock::time_point now) {
    if (completed >= policy.max_attempts) {
        return std::nullopt;
    }
    if (!result) {
        // A body over the limit would be just as large the next time.
        const bool retry = policy.on_transport_error && result.error().kind != TransportErrorKind::too_large;
        return retry ? std::optional(backoff_delay(policy, completed, unit_random)) : std::nullopt;
    }
    const long status = result->status;
    const bool is_5xx = status >= 500 && status <= 599;
    if (!(is_5xx && policy.on_5xx) && !(status == 429 && policy.on_429)) {
        return std::nullopt;
    }
    if (status == 429 || status == 503) {
        if (const auto header = result->header("retry-after")) {
            if (const auto asked = parse_retry_after(*header, now)) {
                return std::min(*asked, policy.max_delay);
            }
        }
    }
    return backoff_delay(policy, completed, unit_random);
}

void mark_attempts(Result& result, int attempts) {
    if (result) {
        result->attempts = attempts;
        return;
    }
    result.error().attempts = attempts;
    if (attempts > 1) {
        result.error().message += fmt::format("; gave up after {} attempts", attempts);
    }
}

std::string_view method_name(Method method) {
    switch (method) {
    case Method::get:
        return "GET";
    case Method::post:
        return "POST";
    case Method::head:
        return "HEAD";
    }
    return "?";
}

void log_retry(const Request& request, const Result& result, int completed, int max_attempts,
               milliseconds delay) {
    const std::string url = redact_url(request.url, request.url_is_secret);
    if (result) {
        spdlog::warn("{} {}: attempt {} of {} answered {}{}{}; retrying in {} ms",
                     method_name(request.method), url, completed, max_attempts, result->status,
                     result->reason.empty() ? "" : " ", result->reason, delay.count());
    } else {
        // The error message already names the method and URL.
        spdlog::warn("{}; attempt {} of {}, retrying in {} ms", result.error().message, completed,
                     max_attempts, delay.count());
    }
}

} // namespace namekeeper::http::detail
