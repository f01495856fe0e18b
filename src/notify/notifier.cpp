#include "namekeeper/notify/notifier.hpp"

#include "namekeeper/http/client.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace namekeeper::notify {
namespace {

using nlohmann::json;

std::string text_of(const json& payload, const char* key, std::string_view fallback = "unknown") {
    const auto it = payload.find(key);
    return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

std::string list_of(const json& payload, const char* key) {
    const auto it = payload.find(key);
    if (it == payload.end() || !it->is_array() || it->empty()) {
        return "nobody we know";
    }
    std::string out;
    for (const auto& v : *it) {
        if (v.is_string()) {
            out += (out.empty() ? "" : ", ") + v.get<std::string>();
        }
    }
    return out;
}

// Posts `body` as JSON; an error message when it did not arrive.
std::optional<std::string> post(http::Client& http, const config::Secret& url, const std::string& body) {
    http::Request request;
    request.method = http::Method::post;
    request.url = url.reveal();
    request.url_is_secret = true; // a Slack webhook URL is itself the credential
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body;
    const auto result = http.send(request);
    if (!result) {
        return result.error().message;
    }
    if (result->status < 200 || result->status >= 300) {
        return fmt::format("HTTP {} {}", result->status, result->reason);
    }
    return std::nullopt;
}

} // namespace

Notifier::Notifier(http::Client& http, const config::NotifyConfig& config) : m_http(http), m_config(config) {}

bool Notifier::has_receivers() const {
    return !m_config.slack_webhook_url.empty() || !m_config.webhook_url.empty();
}

std::string Notifier::slack_text(std::string_view payload_json) {
    const json payload = json::parse(payload_json, nullptr, false);
    if (!payload.is_object()) {
        return "namekeeper: a notification could not be read";
    }
    const std::string event = text_of(payload, "event");
    const std::string name = text_of(payload, "name");
    if (event == "name.taken") {
        const std::string risk = text_of(payload, "risk");
        return fmt::format(
            "{} namekeeper: internal package `{}` is TAKEN on the public index by {} (risk {}: public "
            "version {}, internal {}). pip with --extra-index-url may install the public one.",
            risk == "critical" ? ":rotating_light:" : ":warning:", name, list_of(payload, "owners"), risk,
            text_of(payload, "public_version", "none"), text_of(payload, "internal_version", "unknown"));
    }
    if (event == "name.reserved") {
        return fmt::format(":lock: namekeeper: reserved `{}` on the public index with placeholder {}.", name,
                           text_of(payload, "public_version", "?"));
    }
    if (event == "name.failed") {
        return fmt::format(":x: namekeeper: could not settle `{}`; it will be retried. Check the logs.",
                           name);
    }
    if (event == "upload.auth_failed") {
        return ":no_entry: namekeeper: the public index refused the upload token; no names are being "
               "reserved "
               "until it is replaced.";
    }
    return fmt::format("namekeeper: {} {}", event, name);
}

Delivery Notifier::deliver(ledger::Ledger& ledger, const std::function<ledger::TimePoint()>& now) {
    Delivery delivery;
    const auto pending = ledger.pending_notifications();
    if (!pending) {
        spdlog::error("could not read the notification outbox: {}", pending.error().message);
        return delivery;
    }
    for (const auto& n : *pending) {
        std::optional<std::string> error;
        if (!m_config.slack_webhook_url.empty()) {
            error = post(m_http, m_config.slack_webhook_url, json{{"text", slack_text(n.payload)}}.dump());
        }
        if (!error && !m_config.webhook_url.empty()) {
            error = post(m_http, m_config.webhook_url, n.payload);
        }
        if (error) {
            ++delivery.failed;
            spdlog::warn("notification {} for {} not delivered ({}); it is retried on the next run", n.event,
                         n.name.value_or("the run"), *error);
            if (auto r = ledger.mark_notification_failed(n.id, now(), *error); !r) {
                spdlog::error("{}", r.error().message);
            }
            continue;
        }
        ++delivery.sent;
        if (auto r = ledger.mark_notification_sent(n.id, now()); !r) {
            spdlog::error("{}", r.error().message);
        }
    }
    return delivery;
}

} // namespace namekeeper::notify
