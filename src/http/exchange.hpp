#pragma once

// One attempt of one request on one easy handle: sets the handle up, gathers the answer through
// curl's callbacks and turns curl's outcome into a Result. An Exchange is pinned in memory (curl
// holds its address for the callbacks) and may be reused for one transfer after another.

#include "http/curl_handles.hpp"
#include "namekeeper/http/client.hpp"

#include <array>
#include <cstddef>
#include <expected>
#include <string>
#include <vector>

namespace namekeeper::http::detail {

// Whether a transfer waits for an HTTP/2 connection to multiplex on rather than open another.
enum class PipeWait { no, yes };

class Exchange {
public:
    explicit Exchange(const ClientOptions& options) : m_options(options) {}
    Exchange(const Exchange&) = delete;
    Exchange& operator=(const Exchange&) = delete;

    // Resets `easy` and configures it for `request`, which must outlive the transfer.
    [[nodiscard]] std::expected<void, TransportError> prepare(CURL* easy, const Request& request,
                                                              PipeWait pipe_wait);

    // The result of the transfer on `easy` that ended with `curl_code` (a CURLcode), logged at debug.
    [[nodiscard]] Result finish(CURL* easy, int curl_code);

    // curl callbacks; public for the C trampolines only.
    std::size_t on_header(const char* data, std::size_t size);
    std::size_t on_body(const char* data, std::size_t size);

private:
    [[nodiscard]] std::expected<void, TransportError> configure(CURL* easy, const Request& request,
                                                                PipeWait pipe_wait);
    [[nodiscard]] std::expected<void, TransportError> add_headers(CURL* easy, const Request& request);
    [[nodiscard]] std::expected<void, TransportError> add_form(CURL* easy, const Request& request);
    [[nodiscard]] TransportError error(TransportErrorKind kind, std::string_view what) const;

    const ClientOptions& m_options;
    const Request* m_request = nullptr;
    HeaderList m_headers;
    MimeHandle m_mime;
    std::array<char, 256> m_error_buffer{};
    Response m_response;
    bool m_too_large = false;
};

} // namespace namekeeper::http::detail
