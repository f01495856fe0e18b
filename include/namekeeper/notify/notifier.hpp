#pragma once

// Delivers the ledger's notification outbox to Slack ({"text": ...}) and to the generic webhook (the
// payload as the ledger froze it). A row is marked sent once every configured receiver took it; a
// failed delivery stays pending for the next run and never stops a reservation.

#include "namekeeper/config/config.hpp"
#include "namekeeper/ledger/ledger.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace namekeeper::http {
class Client;
}

namespace namekeeper::notify {

struct Delivery {
    int sent = 0;
    int failed = 0;
};

class Notifier {
public:
    Notifier(http::Client& http, const config::NotifyConfig& config);

    [[nodiscard]] bool has_receivers() const;

    // Sends every pending notification. Without receivers, rows are marked sent (nothing to do).
    Delivery deliver(ledger::Ledger& ledger, const std::function<ledger::TimePoint()>& now);

    // The Slack message for a payload, one line a person can act on.
    [[nodiscard]] static std::string slack_text(std::string_view payload_json);

private:
    http::Client& m_http;
    const config::NotifyConfig& m_config;
};

} // namespace namekeeper::notify
