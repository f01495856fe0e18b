#include "http/curl_client.hpp"
#include "http/retry.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <thread>

namespace namekeeper::http {
namespace detail {

CurlClient::CurlClient(ClientOptions options)
    : m_options(std::move(options)), m_random(std::random_device{}()),
      m_exchange(std::make_unique<Exchange>(m_options)), m_easy(make_easy()), m_multi(make_multi()) {
    if (m_options.user_agent.empty()) {
        m_options.user_agent = user_agent("");
    }
    if (const CURLMcode code = curl_multi_setopt(m_multi.get(), CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
        code != CURLM_OK) {
        throw std::runtime_error(
            fmt::format("cannot enable HTTP/2 multiplexing: {}", curl_multi_strerror(code)));
    }
}

Result CurlClient::send(const Request& request) {
    const RetryPolicy policy = request.retry.value_or(m_options.retry);
    for (int attempt = 1;; ++attempt) {
        if (auto ready = m_exchange->prepare(m_easy.get(), request, PipeWait::no); !ready) {
            Result failed = std::unexpected(std::move(ready.error()));
            mark_attempts(failed, attempt); // a request that cannot be set up is not retried
            return failed;
        }
        const CURLcode code = curl_easy_perform(m_easy.get());
        Result result = m_exchange->finish(m_easy.get(), code);
        const auto delay =
            retry_delay(policy, result, attempt, unit_random(), std::chrono::system_clock::now());
        if (!delay) {
            mark_attempts(result, attempt);
            return result;
        }
        log_retry(request, result, attempt, policy.max_attempts, *delay);
        std::this_thread::sleep_for(*delay);
    }
}

} // namespace detail

std::unique_ptr<Client> make_client(ClientOptions options) {
    detail::init_curl_once();
    return std::make_unique<detail::CurlClient>(std::move(options));
}

} // namespace namekeeper::http
