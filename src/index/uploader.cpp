#include "namekeeper/index/uploader.hpp"

#include "namekeeper/http/client.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>
#include <regex>
#include <string_view>
#include <utility>

namespace namekeeper::index {
namespace {

bool contains(const std::string& text, std::string_view needle) {
    return text.find(needle) != std::string::npos;
}

// HTML entities pyramid writes in its error pages, turned back into text.
std::string unescape_html(std::string text) {
    static constexpr std::pair<std::string_view, std::string_view> k_entities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"}, {"&amp;", "&"}};
    for (const auto& [entity, plain] : k_entities) {
        for (auto at = text.find(entity); at != std::string::npos;
             at = text.find(entity, at + plain.size())) {
            text.replace(at, entity.size(), plain);
        }
    }
    return text;
}

// PyPI's HTML error page repeats the status line ("400 The name 'x' is too similar ..."); pull that
// line out of it, without the status code, unescaped, so that it reads as a sentence. Plain-text
// bodies are taken as they are.
std::string message_from_body(const std::string& body, long status) {
    static const std::regex k_title(R"(<title>\s*([^<]*?)\s*</title>)", std::regex::icase);
    static const std::regex k_h1(R"(<h1>\s*([^<]*?)\s*</h1>)", std::regex::icase);
    std::smatch match;
    for (const auto* pattern : {&k_h1, &k_title}) {
        if (std::regex_search(body, match, *pattern)) {
            std::string line = unescape_html(match[1].str());
            if (const std::string code = fmt::format("{} ", status); line.starts_with(code)) {
                line.erase(0, code.size());
            }
            return line;
        }
    }
    std::string text = body.substr(0, 500);
    for (char& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text;
}

// The phrases a server writes when it has nothing to say (cpp-httplib always writes these); real
// PyPI puts its message in the reason phrase instead.
bool is_standard_reason(const std::string& reason) {
    static constexpr std::string_view k_standard[] = {"OK",
                                                      "Bad Request",
                                                      "Unauthorized",
                                                      "Forbidden",
                                                      "Not Found",
                                                      "Conflict",
                                                      "Payload Too Large",
                                                      "Request Entity Too Large",
                                                      "Too Many Requests",
                                                      "Internal Server Error",
                                                      "Bad Gateway",
                                                      "Service Unavailable",
                                                      "Gateway Timeout"};
    return std::ranges::find(k_standard, reason) != std::end(k_standard);
}

std::string describe(const http::Response& response) {
    const std::string from_body = message_from_body(response.body, response.status);
    if (response.reason.empty() || is_standard_reason(response.reason)) {
        return from_body.empty() ? response.reason : from_body;
    }
    if (!from_body.empty() && !contains(from_body, response.reason)) {
        return response.reason + " " + from_body;
    }
    return response.reason;
}

} // namespace

const char* to_string(UploadOutcome outcome) {
    switch (outcome) {
    case UploadOutcome::accepted:
        return "accepted";
    case UploadOutcome::too_similar:
        return "too-similar";
    case UploadOutcome::prohibited:
        return "prohibited";
    case UploadOutcome::stdlib:
        return "stdlib";
    case UploadOutcome::invalid_name:
        return "invalid-name";
    case UploadOutcome::file_exists:
        return "file-exists";
    case UploadOutcome::not_allowed:
        return "not-allowed";
    case UploadOutcome::auth_failed:
        return "auth-failed";
    case UploadOutcome::rate_limited:
        return "rate-limited";
    case UploadOutcome::unavailable:
        return "unavailable";
    case UploadOutcome::rejected:
        return "rejected";
    }
    return "rejected";
}

UploadOutcome classify_upload_answer(long status, const std::string& message) {
    if (status >= 200 && status < 300) {
        return UploadOutcome::accepted;
    }
    if (status == 429) {
        return UploadOutcome::rate_limited;
    }
    if (status >= 500) {
        return UploadOutcome::unavailable;
    }
    if (status == 401) {
        return UploadOutcome::auth_failed;
    }
    if (status == 403) {
        return contains(message, "isn't allowed to upload to project") ? UploadOutcome::not_allowed
                                                                       : UploadOutcome::auth_failed;
    }
    if (status == 400) {
        if (contains(message, "too similar")) {
            return UploadOutcome::too_similar;
        }
        if (contains(message, "File already exists")) {
            return UploadOutcome::file_exists;
        }
        if (contains(message, "Standard Library")) {
            return UploadOutcome::stdlib;
        }
        if (contains(message, "isn't allowed")) {
            return UploadOutcome::prohibited;
        }
        if (contains(message, "is invalid")) {
            return UploadOutcome::invalid_name;
        }
    }
    return UploadOutcome::rejected;
}

Uploader::Uploader(http::Client& http, const config::PypiConfig& config, http::RetryPolicy retry)
    : m_http(http), m_config(config), m_retry(retry) {
    m_retry.on_429 = false;
}

UploadResult Uploader::upload(const UploadFile& file) {
    http::Request request;
    request.method = http::Method::post;
    request.url = m_config.upload_url;
    request.timeout = m_config.timeout;
    request.basic_auth = http::BasicAuth{"__token__", m_config.token};
    // Only transport errors and 5xx are worth retrying here: a 429 means "stop creating projects".
    request.retry = m_retry;
    for (const auto& [name, value] : file.fields) {
        request.form.push_back({name, value, std::nullopt, {}});
    }
    request.form.push_back({"content", file.content, file.filename, "application/octet-stream"});

    const auto result = m_http.send(request);
    if (!result) {
        // The transport message already says how many attempts were made ("; gave up after N attempts").
        return {UploadOutcome::unavailable, 0, result.error().message};
    }
    std::string message = describe(*result);
    return {classify_upload_answer(result->status, message), result->status, std::move(message)};
}

} // namespace namekeeper::index
