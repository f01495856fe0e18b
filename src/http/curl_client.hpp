#pragma once

// The libcurl implementation of Client. send() runs one easy handle; send_all() runs a multi handle
// with one easy handle per slot. Both keep their handles between calls so connections are reused.

#include "http/curl_handles.hpp"
#include "http/exchange.hpp"
#include "namekeeper/http/client.hpp"

#include <memory>
#include <random>

namespace namekeeper::http::detail {

class CurlClient final : public Client {
public:
    explicit CurlClient(ClientOptions options);
    CurlClient(const CurlClient&) = delete;
    CurlClient& operator=(const CurlClient&) = delete;

    Result send(const Request& request) override;
    std::vector<Result> send_all(std::span<const Request> requests, int concurrency) override;

private:
    double unit_random() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_random); }

    ClientOptions m_options;
    std::mt19937_64 m_random;
    // The exchange is declared first so that the easy handle, which points at it, goes first.
    std::unique_ptr<Exchange> m_exchange;
    EasyHandle m_easy;
    MultiHandle m_multi;
};

} // namespace namekeeper::http::detail
