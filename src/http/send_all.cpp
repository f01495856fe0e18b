// send_all: many requests over one curl multi handle.
//
// A fixed set of slots, one easy handle and Exchange each, bounds the transfers in flight. The loop
// fills free slots (first with retries whose delay has passed, then with requests not yet started),
// lets curl work, and collects finished transfers. A transfer to be retried waits in a queue ordered
// by the time it may start again: its delay never holds up the other slots. Results are written by
// index, so they come back in the order of the input.

#include "http/curl_client.hpp"
#include "http/retry.hpp"

#include <algorithm>
#include <curl/curl.h>
#include <fmt/format.h>
#include <queue>

namespace namekeeper::http::detail {
namespace {

using Clock = std::chrono::steady_clock;

struct Slot {
    // The exchange is declared first so that the easy handle, which points at it, goes first.
    std::unique_ptr<Exchange> exchange;
    EasyHandle easy;
    std::size_t index = 0;
    int attempt = 0;
    bool busy = false;
};

struct Waiting {
    Clock::time_point ready;
    std::size_t index;
    int attempt;
    bool operator>(const Waiting& other) const { return ready > other.ready; }
};

class Batch {
public:
    Batch(CURLM* multi, const ClientOptions& options, std::span<const Request> requests, std::size_t slots,
          std::mt19937_64& random)
        : m_multi(multi), m_options(options), m_requests(requests), m_random(random),
          m_results(requests.size()) {
        m_slots.resize(slots);
        for (Slot& slot : m_slots) {
            slot.exchange = std::make_unique<Exchange>(options);
            slot.easy = make_easy();
        }
    }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    ~Batch() {
        for (Slot& slot : m_slots) {
            if (slot.busy) {
                // Only after an error; the handle is freed next in any case.
                (void)curl_multi_remove_handle(m_multi, slot.easy.get());
            }
        }
    }

    std::vector<Result> run() {
        while (true) {
            start_ready();
            if (m_in_flight == 0 && m_waiting.empty() && m_next == m_requests.size()) {
                return std::move(m_results);
            }
            int running = 0;
            if (const CURLMcode code = curl_multi_perform(m_multi, &running); code != CURLM_OK) {
                return abandon(fmt::format("curl_multi_perform: {}", curl_multi_strerror(code)));
            }
            if (collect_done() > 0) {
                continue; // fill the freed slots before waiting
            }
            if (const CURLMcode code = curl_multi_poll(m_multi, nullptr, 0, poll_timeout_ms(), nullptr);
                code != CURLM_OK) {
                return abandon(fmt::format("curl_multi_poll: {}", curl_multi_strerror(code)));
            }
        }
    }

private:
    // Puts the next jobs on the free slots: first retries that are due, then requests not yet begun.
    void start_ready() {
        for (Slot& slot : m_slots) {
            while (!slot.busy) {
                if (!m_waiting.empty() && m_waiting.top().ready <= Clock::now()) {
                    const Waiting job = m_waiting.top();
                    m_waiting.pop();
                    start(slot, job.index, job.attempt);
                } else if (m_next < m_requests.size()) {
                    start(slot, m_next++, 1);
                } else {
                    return;
                }
            }
        }
    }

    void start(Slot& slot, std::size_t index, int attempt) {
        const Request& request = m_requests[index];
        if (auto ready = slot.exchange->prepare(slot.easy.get(), request, PipeWait::yes); !ready) {
            finish_now(index, std::unexpected(std::move(ready.error())), attempt);
            return;
        }
        CURLcode code = curl_easy_setopt(slot.easy.get(), CURLOPT_PRIVATE, static_cast<void*>(&slot));
        const CURLMcode added = code == CURLE_OK ? curl_multi_add_handle(m_multi, slot.easy.get()) : CURLM_OK;
        if (code != CURLE_OK || added != CURLM_OK) {
            const std::string why = code != CURLE_OK ? curl_easy_strerror(code) : curl_multi_strerror(added);
            finish_now(index,
                       std::unexpected(TransportError{
                           TransportErrorKind::other,
                           fmt::format("{} {}: cannot start the transfer: {}", method_name(request.method),
                                       redact_url(request.url, request.url_is_secret), why),
                           1}),
                       attempt);
            return;
        }
        slot.index = index;
        slot.attempt = attempt;
        slot.busy = true;
        ++m_in_flight;
    }

    // Handles every finished transfer; returns how many there were.
    int collect_done() {
        int done = 0;
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(m_multi, &queued)) {
            if (message->msg != CURLMSG_DONE) {
                continue;
            }
            // The message is invalid once its handle is removed: read it first.
            CURL* easy = message->easy_handle;
            const CURLcode outcome = message->data.result;
            void* owner = nullptr;
            if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner) != CURLE_OK || owner == nullptr) {
                continue; // every handle this loop adds carries its slot, so this cannot happen
            }
            Slot& slot = *static_cast<Slot*>(owner);
            const CURLMcode removed = curl_multi_remove_handle(m_multi, easy);
            slot.busy = false;
            --m_in_flight;
            ++done;
            Result result = slot.exchange->finish(easy, outcome);
            if (removed != CURLM_OK && result) {
                result = std::unexpected(TransportError{
                    TransportErrorKind::other,
                    fmt::format("curl_multi_remove_handle: {}", curl_multi_strerror(removed)), 1});
            }
            after_attempt(slot.index, std::move(result), slot.attempt);
        }
        return done;
    }

    // Queues a retry when the policy asks for one; otherwise the result is final.
    void after_attempt(std::size_t index, Result result, int attempt) {
        const Request& request = m_requests[index];
        const RetryPolicy policy = request.retry.value_or(m_options.retry);
        const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
        const auto delay = retry_delay(policy, result, attempt, unit, std::chrono::system_clock::now());
        if (!delay) {
            finish_now(index, std::move(result), attempt);
            return;
        }
        log_retry(request, result, attempt, policy.max_attempts, *delay);
        m_waiting.push(Waiting{Clock::now() + *delay, index, attempt + 1});
    }

    void finish_now(std::size_t index, Result result, int attempt) {
        mark_attempts(result, attempt);
        m_results[index] = std::move(result);
    }

    // How long curl may wait for activity: no later than the first retry that falls due.
    int poll_timeout_ms() const {
        constexpr std::chrono::milliseconds k_longest{1000};
        if (m_waiting.empty()) {
            return static_cast<int>(k_longest.count());
        }
        const auto until = std::chrono::ceil<std::chrono::milliseconds>(m_waiting.top().ready - Clock::now());
        return static_cast<int>(std::clamp(until, std::chrono::milliseconds(0), k_longest).count());
    }

    // After a failure of the multi handle itself: every request without a result fails with `why`.
    std::vector<Result> abandon(const std::string& why) {
        std::vector<bool> pending(m_requests.size(), false);
        for (Slot& slot : m_slots) {
            if (slot.busy) {
                (void)curl_multi_remove_handle(m_multi,
                                               slot.easy.get()); // the multi handle is failing anyway
                slot.busy = false;
                pending[slot.index] = true;
            }
        }
        for (; !m_waiting.empty(); m_waiting.pop()) {
            pending[m_waiting.top().index] = true;
        }
        for (; m_next < m_requests.size(); ++m_next) {
            pending[m_next] = true;
        }
        for (std::size_t i = 0; i < m_requests.size(); ++i) {
            if (pending[i]) {
                const Request& request = m_requests[i];
                m_results[i] = std::unexpected(
                    TransportError{TransportErrorKind::other,
                                   fmt::format("{} {}: {}", method_name(request.method),
                                               redact_url(request.url, request.url_is_secret), why),
                                   1});
            }
        }
        m_in_flight = 0;
        return std::move(m_results);
    }

    CURLM* m_multi;
    const ClientOptions& m_options;
    std::span<const Request> m_requests;
    std::mt19937_64& m_random;
    std::vector<Result> m_results;
    std::vector<Slot> m_slots;
    std::priority_queue<Waiting, std::vector<Waiting>, std::greater<>> m_waiting;
    std::size_t m_next = 0;
    std::size_t m_in_flight = 0;
};

} // namespace

std::vector<Result> CurlClient::send_all(std::span<const Request> requests, int concurrency) {
    if (requests.empty()) {
        return {};
    }
    const std::size_t slots =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(concurrency, 1)), 1, requests.size());
    Batch batch(m_multi.get(), m_options, requests, slots, m_random);
    return batch.run();
}

} // namespace namekeeper::http::detail
