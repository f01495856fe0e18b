#include "http/exchange.hpp"

#include "http/retry.hpp"

#include <algorithm>
#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace namekeeper::http::detail {
namespace {

static_assert(CURL_ERROR_SIZE <= 256, "Exchange::m_error_buffer is too small for CURLOPT_ERRORBUFFER");

std::size_t header_trampoline(char* data, std::size_t size, std::size_t count, void* self) {
    return static_cast<Exchange*>(self)->on_header(data, size * count);
}

std::size_t body_trampoline(char* data, std::size_t size, std::size_t count, void* self) {
    return static_cast<Exchange*>(self)->on_body(data, size * count);
}

// Applies options until one fails and remembers that failure: one check for a run of setopts.
class Setter {
public:
    explicit Setter(CURL* easy) : m_easy(easy) {}
    template <typename T> void operator()(CURLoption option, T value) {
        if (m_code == CURLE_OK) {
            m_code = curl_easy_setopt(m_easy, option, value);
        }
    }
    [[nodiscard]] CURLcode code() const { return m_code; }

private:
    CURL* m_easy;
    CURLcode m_code = CURLE_OK;
};

std::string_view trim(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

bool is_https(std::string_view url) {
    constexpr std::string_view k_scheme = "https://";
    return url.size() >= k_scheme.size() &&
           std::ranges::equal(url.substr(0, k_scheme.size()), k_scheme,
                              [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

TransportErrorKind kind_of(CURLcode code) {
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return TransportErrorKind::timeout;
    case CURLE_COULDNT_CONNECT:
        return TransportErrorKind::connect;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return TransportErrorKind::dns;
    case CURLE_FILESIZE_EXCEEDED:
        return TransportErrorKind::too_large;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return TransportErrorKind::tls;
    default:
        return TransportErrorKind::other;
    }
}

std::string_view summary_of(TransportErrorKind kind) {
    switch (kind) {
    case TransportErrorKind::timeout:
        return "timed out";
    case TransportErrorKind::connect:
        return "could not connect";
    case TransportErrorKind::dns:
        return "could not resolve the host";
    case TransportErrorKind::tls:
        return "TLS failure";
    case TransportErrorKind::too_large:
        return "the response is too large";
    case TransportErrorKind::other:
        break;
    }
    return "transfer failed";
}

// The password in the URL's userinfo, if any.
std::string_view url_password(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return {};
    }
    const std::string_view rest = url.substr(scheme_end + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    const auto at = authority.rfind('@');
    const auto colon = authority.find(':');
    if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) {
        return {};
    }
    return authority.substr(colon + 1, at - colon - 1);
}

// `text` with every secret the request carries replaced by "***". curl's error texts name hosts and
// ports, not credentials, but a message must stay clean whatever curl writes.
std::string scrub(std::string text, const Request& request) {
    std::vector<std::string_view> secrets;
    if (request.basic_auth) {
        secrets.push_back(request.basic_auth->password.reveal());
    }
    if (request.bearer_token) {
        secrets.push_back(request.bearer_token->reveal());
    }
    secrets.push_back(url_password(request.url));
    if (request.url_is_secret) {
        secrets.push_back(request.url);
    }
    for (const std::string_view secret : secrets) {
        if (secret.empty()) {
            continue;
        }
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
            text.replace(at, secret.size(), "***");
        }
    }
    return text;
}

} // namespace

std::expected<void, TransportError> Exchange::prepare(CURL* easy, const Request& request,
                                                      PipeWait pipe_wait) {
    m_request = &request;
    m_response = Response{};
    m_too_large = false;
    m_error_buffer.front() = '\0';
    // Reset first: the handle must not point at the list and the form freed next. A reset keeps
    // the handle's live connections, which is why handles are reused.
    curl_easy_reset(easy);
    m_headers.clear();
    m_mime.reset();
    return configure(easy, request, pipe_wait);
}

std::expected<void, TransportError> Exchange::configure(CURL* easy, const Request& request,
                                                        PipeWait pipe_wait) {
    const auto timeout = request.timeout.value_or(m_options.timeout);
    Setter set(easy);
    set(CURLOPT_URL, request.url.c_str());
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_SSL_VERIFYPEER, 1L);
    set(CURLOPT_SSL_VERIFYHOST, 2L);
    set(CURLOPT_FOLLOWLOCATION, 0L);
    set(CURLOPT_ACCEPT_ENCODING, ""); // every encoding this libcurl decodes
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // Plain http stays HTTP/1.1 and never multiplexes: waiting to learn that would only hold the
    // first transfers back until the first answer.
    set(CURLOPT_PIPEWAIT, pipe_wait == PipeWait::yes && is_https(request.url) ? 1L : 0L);
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(m_options.max_response_bytes));
    set(CURLOPT_USERAGENT, m_options.user_agent.c_str());
    set(CURLOPT_ERRORBUFFER, m_error_buffer.data());
    set(CURLOPT_HEADERFUNCTION, &header_trampoline);
    set(CURLOPT_HEADERDATA, static_cast<void*>(this));
    set(CURLOPT_WRITEFUNCTION, &body_trampoline);
    set(CURLOPT_WRITEDATA, static_cast<void*>(this));
    switch (request.method) {
    case Method::get:
        set(CURLOPT_HTTPGET, 1L);
        break;
    case Method::head:
        set(CURLOPT_NOBODY, 1L);
        break;
    case Method::post:
        if (request.form.empty()) {
            set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
            set(CURLOPT_POSTFIELDS, request.body.data());
        }
        break;
    }
    if (request.basic_auth) {
        set(CURLOPT_HTTPAUTH, static_cast<unsigned long>(CURLAUTH_BASIC));
        set(CURLOPT_USERNAME, request.basic_auth->user.c_str());
        set(CURLOPT_PASSWORD, request.basic_auth->password.reveal().c_str());
    }
    if (set.code() != CURLE_OK) {
        return std::unexpected(error(TransportErrorKind::other, fmt::format("cannot set up the request: {}",
                                                                            curl_easy_strerror(set.code()))));
    }

    if (auto added = add_headers(easy, request); !added) {
        return added;
    }
    if (request.method == Method::post && !request.form.empty()) {
        return add_form(easy, request);
    }
    return {};
}

std::expected<void, TransportError> Exchange::add_headers(CURL* easy, const Request& request) {
    for (const auto& [name, value] : request.headers) {
        // A line break would smuggle in another header. The value is not quoted: it may be a secret.
        if (has_line_break(name) || has_line_break(value)) {
            return std::unexpected(
                error(TransportErrorKind::other, fmt::format("header '{}' contains a line break", name)));
        }
        // "Name;" is how curl is told to send a header with an empty value.
        if (!m_headers.append(value.empty() ? name + ";" : name + ": " + value)) {
            return std::unexpected(
                error(TransportErrorKind::other, "cannot set up the request: out of memory"));
        }
    }
    if (request.bearer_token) {
        if (has_line_break(request.bearer_token->reveal())) {
            return std::unexpected(
                error(TransportErrorKind::other, "the bearer token contains a line break"));
        }
        if (!m_headers.append("Authorization: Bearer " + request.bearer_token->reveal())) {
            return std::unexpected(
                error(TransportErrorKind::other, "cannot set up the request: out of memory"));
        }
    }
    if (m_headers.get() != nullptr) {
        if (const CURLcode code = curl_easy_setopt(easy, CURLOPT_HTTPHEADER, m_headers.get());
            code != CURLE_OK) {
            return std::unexpected(
                error(TransportErrorKind::other,
                      fmt::format("cannot set up the request: {}", curl_easy_strerror(code))));
        }
    }
    return {};
}

std::expected<void, TransportError> Exchange::add_form(CURL* easy, const Request& request) {
    const auto failed = [&](std::string_view what) {
        return std::unexpected(
            error(TransportErrorKind::other, fmt::format("cannot build the form: {}", what)));
    };
    m_mime.reset(curl_mime_init(easy));
    if (!m_mime) {
        return failed("curl_mime_init failed");
    }
    for (const FormPart& part : request.form) {
        curl_mimepart* added = curl_mime_addpart(m_mime.get());
        if (added == nullptr) {
            return failed("curl_mime_addpart failed");
        }
        CURLcode code = curl_mime_name(added, part.name.c_str());
        if (code == CURLE_OK) {
            code = curl_mime_data(added, part.value.data(), part.value.size());
        }
        if (code == CURLE_OK && part.filename) {
            code = curl_mime_filename(added, part.filename->c_str());
        }
        if (code == CURLE_OK && (part.filename || !part.content_type.empty())) {
            const std::string& type =
                part.content_type.empty() ? "application/octet-stream" : part.content_type;
            code = curl_mime_type(added, type.c_str());
        }
        if (code != CURLE_OK) {
            return failed(fmt::format("part '{}': {}", part.name, curl_easy_strerror(code)));
        }
    }
    if (const CURLcode code = curl_easy_setopt(easy, CURLOPT_MIMEPOST, m_mime.get()); code != CURLE_OK) {
        return failed(curl_easy_strerror(code));
    }
    return {};
}

std::size_t Exchange::on_header(const char* data, std::size_t size) {
    try {
        const std::string_view line = trim(std::string_view(data, size));
        if (line.starts_with("HTTP/")) {
            // A new response begins (after a 100 Continue, say): only the last one counts.
            m_response.headers.clear();
            const auto code_begin = line.find(' ');
            const auto reason_begin = code_begin == std::string_view::npos ? std::string_view::npos
                                                                           : line.find(' ', code_begin + 1);
            m_response.reason = reason_begin == std::string_view::npos ? "" : trim(line.substr(reason_begin));
        } else if (!line.empty() && (data[0] == ' ' || data[0] == '\t') && !m_response.headers.empty()) {
            m_response.headers.back().second += ' ';
            m_response.headers.back().second += line; // an obsolete folded continuation
        } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            std::string name(trim(line.substr(0, colon)));
            std::ranges::transform(name, name.begin(), [](char c) {
                return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
            });
            m_response.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
        }
        return size;
    } catch (...) {
        return 0; // no exception may cross curl; 0 aborts the transfer
    }
}

std::size_t Exchange::on_body(const char* data, std::size_t size) {
    if (size >
        m_options.max_response_bytes - std::min(m_options.max_response_bytes, m_response.body.size())) {
        m_too_large = true;
        return 0; // anything but `size` aborts the transfer
    }
    try {
        m_response.body.append(data, size);
        return size;
    } catch (...) {
        return 0;
    }
}

Result Exchange::finish(CURL* easy, int curl_code) {
    const auto code = static_cast<CURLcode>(curl_code);
    const std::string_view method = method_name(m_request->method);
    const std::string url = redact_url(m_request->url, m_request->url_is_secret);
    curl_off_t elapsed_us = 0;
    if (curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &elapsed_us) != CURLE_OK) {
        elapsed_us = 0; // only for the log line
    }
    if (code == CURLE_OK) {
        long status = 0;
        if (const CURLcode info = curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            info != CURLE_OK) {
            return std::unexpected(error(TransportErrorKind::other, fmt::format("cannot read the status: {}",
                                                                                curl_easy_strerror(info))));
        }
        m_response.status = status;
        spdlog::debug("{} {}: {} in {} ms", method, url, status, elapsed_us / 1000);
        return std::move(m_response);
    }
    TransportError failure;
    if (code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && m_too_large)) {
        failure = error(TransportErrorKind::too_large,
                        fmt::format("the response is larger than {} bytes", m_options.max_response_bytes));
    } else {
        const TransportErrorKind kind = kind_of(code);
        const std::string_view detail = m_error_buffer.front() != '\0'
                                            ? std::string_view(m_error_buffer.data())
                                            : curl_easy_strerror(code);
        failure = error(kind, fmt::format("{} ({})", summary_of(kind), trim(detail)));
    }
    spdlog::debug("{} after {} ms", failure.message, elapsed_us / 1000);
    return std::unexpected(std::move(failure));
}

TransportError Exchange::error(TransportErrorKind kind, std::string_view what) const {
    const std::string url = redact_url(m_request->url, m_request->url_is_secret);
    return TransportError{
        kind, scrub(fmt::format("{} {}: {}", method_name(m_request->method), url, what), *m_request), 1};
}

} // namespace namekeeper::http::detail
