#pragma once

// One HTTP client for every outbound call (Artifactory, the public index, uploads, notifications).
// A result keeps the transport error (no HTTP answer at all) apart from the HTTP status: a 404 is a
// Response, a refused connection is a TransportError. Retries with exponential backoff and jitter
// happen inside send(); what is retried is the request's RetryPolicy.
//
// Transport: TLS certificates are always verified; the usual proxy environment variables apply;
// redirects are not followed (a 3xx is a Response); gzip and the other encodings libcurl knows are
// accepted; HTTP/2 is used over TLS where the server offers it. Logs show the method, the redacted
// URL, the status and the time taken, never a header or a credential.

#include "namekeeper/config/config.hpp"

#include <chrono>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace namekeeper::http {

enum class Method { get, post, head };

// A multipart/form-data part. With a filename it is a file part.
// The structs below give every member a default so that designated initializers can name only
// what they set (-Wmissing-field-initializers stays quiet).

struct FormPart {
    std::string name{};
    std::string value{};
    std::optional<std::string> filename{};
    std::string content_type{}; // for file parts; default application/octet-stream
};

struct BasicAuth {
    std::string user{};
    config::Secret password{};
};

struct RetryPolicy {
    int max_attempts = 4;                        // 1 = no retry
    std::chrono::milliseconds base_delay{500};   // doubled each attempt, with full jitter
    std::chrono::milliseconds max_delay{30'000}; // also caps an honoured Retry-After
    bool on_transport_error = true;
    bool on_5xx = true;
    bool on_429 = true; // honours Retry-After (seconds or HTTP date)
};

struct Request {
    Method method = Method::get;
    std::string url{};
    std::vector<std::pair<std::string, std::string>> headers{};
    std::string body{};           // sent as is when `form` is empty
    std::vector<FormPart> form{}; // multipart/form-data when non-empty
    std::optional<BasicAuth> basic_auth{};
    std::optional<config::Secret> bearer_token{};
    bool url_is_secret = false;         // e.g. a Slack webhook URL: logged as scheme://host/<redacted>
    std::optional<RetryPolicy> retry{}; // default: the client's
    std::optional<std::chrono::milliseconds> timeout{}; // whole-request timeout; default: the client's
};

struct Response {
    long status = 0;
    std::string reason{}; // the status line's reason phrase (HTTP/1.x only; empty with HTTP/2)
    std::vector<std::pair<std::string, std::string>> headers{}; // names lowercased
    std::string body{};
    int attempts = 1;

    // The first header of that name (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

enum class TransportErrorKind { timeout, connect, dns, tls, too_large, other };

struct TransportError {
    TransportErrorKind kind = TransportErrorKind::other;
    std::string message{}; // for people; never holds a secret or a secret URL
    int attempts = 1;
};

using Result = std::expected<Response, TransportError>;

struct ClientOptions {
    std::string user_agent{}; // see user_agent(contact); empty: user_agent("")
    std::chrono::milliseconds timeout{30'000};
    std::chrono::milliseconds connect_timeout{10'000};
    RetryPolicy retry{};
    std::size_t max_response_bytes = 256u << 20; // a larger body is TransportErrorKind::too_large
};

// A Client is not thread-safe: one thread at a time may use an instance. Separate instances may be
// used from separate threads at once.
class Client {
public:
    virtual ~Client() = default;

    // Sends one request, retrying as its policy says (sleeping between attempts). A result that is
    // final after several attempts says how many in `attempts`.
    virtual Result send(const Request& request) = 0;

    // Sends the requests with at most `concurrency` in flight (HTTP/2 multiplexing where the server
    // offers it) and returns the results in the order of `requests`. Each is retried as in send().
    virtual std::vector<Result> send_all(std::span<const Request> requests, int concurrency) = 0;
};

// Throws std::runtime_error when libcurl cannot be initialised. An empty user_agent becomes
// user_agent("").
[[nodiscard]] std::unique_ptr<Client> make_client(ClientOptions options);

// The User-Agent that REFERENCE.md asks API clients to send: name, version and a contact, e.g.
// "namekeeper/0.1.0 (+mailto:security@acme.example)" for an e-mail address or
// "namekeeper/0.1.0 (+https://acme.example/security)" for a URI; "namekeeper/0.1.0" without one.
[[nodiscard]] std::string user_agent(std::string_view contact);

// `url` with any userinfo password and query-string values replaced by "***", or with the whole
// path and query hidden when `secret` is true. For log lines and error messages.
[[nodiscard]] std::string redact_url(std::string_view url, bool secret = false);

} // namespace namekeeper::http
