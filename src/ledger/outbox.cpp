// The notifications outbox: rows are added by apply() (and enqueue_run_notification) in the same
// transaction as the change they announce; the notifier reads them, sends, and marks them.

#include "impl.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace namekeeper::ledger {

namespace {

using nlohmann::json;

// The row's event and name, for the audit event; throws when there is no such row.
std::pair<std::string, std::optional<std::string>> outbox_row(Ledger::Impl& impl, std::int64_t id) {
    auto s = impl.prepare("SELECT event, name FROM outbox WHERE id = ?1");
    s->bind(1, id);
    if (!s->executeStep()) {
        throw LedgerFailure(LedgerErrorKind::failed,
                            fmt::format("ledger {} has no notification {}", impl.path.string(), id));
    }
    return {s->getColumn(0).getString(), text_or_null(*s, 1)};
}

} // namespace

Result<std::vector<PendingNotification>> Ledger::pending_notifications() {
    return m_impl->read([&] {
        auto s =
            m_impl->prepare("SELECT id, event, name, payload, created_at, attempts, last_error FROM outbox "
                            "WHERE status = 'pending' ORDER BY id");
        std::vector<PendingNotification> out;
        while (s->executeStep()) {
            out.push_back(PendingNotification{s->getColumn(0).getInt64(), s->getColumn(1).getString(),
                                              text_or_null(*s, 2), s->getColumn(3).getString(),
                                              time_or_null(*s, 4).value_or(TimePoint{}),
                                              s->getColumn(5).getInt(), text_or_null(*s, 6)});
        }
        return out;
    });
}

Result<void> Ledger::mark_notification_sent(std::int64_t id, TimePoint now) {
    return m_impl->write([&] {
        const auto [event, name] = outbox_row(*m_impl, id);
        auto s = m_impl->prepare(
            "UPDATE outbox SET status = 'sent', sent_at = ?2, last_attempt_at = ?2 WHERE id = ?1");
        s->bind(1, id);
        s->bind(2, format_utc(now));
        s->exec();
        const json detail{{"id", id}, {"event", event}};
        m_impl->add_event(now, name, "notification", std::nullopt, std::nullopt, detail.dump());
    });
}

Result<void> Ledger::mark_notification_failed(std::int64_t id, TimePoint now, std::string_view error) {
    return m_impl->write([&] {
        const auto [event, name] = outbox_row(*m_impl, id);
        auto s = m_impl->prepare(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, last_attempt_at = ?3 "
            "WHERE id = ?1");
        s->bind(1, id);
        s->bind(2, std::string(error));
        s->bind(3, format_utc(now));
        s->exec();
        const json detail{{"id", id}, {"event", event}, {"error", error}};
        m_impl->add_event(now, name, "notification_failed", std::nullopt, std::nullopt, detail.dump());
    });
}

Result<std::int64_t> Ledger::enqueue_run_notification(std::string_view event, std::string_view payload,
                                                      TimePoint now) {
    return m_impl->write([&] {
        if (!json::accept(payload)) {
            throw LedgerFailure(
                LedgerErrorKind::failed,
                fmt::format("ledger {}: notification payload is not JSON", m_impl->path.string()));
        }
        auto s = m_impl->prepare("INSERT INTO outbox (event, payload, created_at) VALUES (?1, ?2, ?3)");
        s->bind(1, std::string(event));
        s->bind(2, std::string(payload));
        s->bind(3, format_utc(now));
        s->exec();
        return m_impl->db.getLastInsertRowid();
    });
}

} // namespace namekeeper::ledger
