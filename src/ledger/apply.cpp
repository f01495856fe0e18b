// Settling a name: apply() writes the new state, its audit event and its notification together.
// Also the per-name history: uploads and events.

#include "impl.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace namekeeper::ledger {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::chrono::seconds k_first_backoff = 5min;
constexpr std::chrono::seconds k_max_backoff = 24h;

// 5 min, 10 min, 20 min, ... at most 24 h, after the `failures`-th consecutive failure.
std::chrono::seconds backoff(int failures) {
    std::chrono::seconds delay = k_first_backoff;
    for (int i = 1; i < failures && delay < k_max_backoff; ++i) {
        delay *= 2;
    }
    return std::min(delay, k_max_backoff);
}

bool settled(NameState s) {
    return s != NameState::pending && s != NameState::failed;
}

bool notifies(NameState s) {
    return s == NameState::taken || s == NameState::reserved || s == NameState::failed;
}

json optional_json(const std::optional<std::string>& v) {
    return v ? json(*v) : json(nullptr);
}

json risk_json(const std::optional<Risk>& r) {
    return r ? json(std::string(to_string(*r))) : json(nullptr);
}

// The generic webhook's body (SPEC.md, "Notifications").
json notification_payload(const NameRecord& r) {
    return json{{"event", "name." + std::string(to_string(r.state))},
                {"name", r.name},
                {"state", to_string(r.state)},
                {"risk", risk_json(r.risk)},
                {"public_version", optional_json(r.public_version)},
                {"internal_version", optional_json(r.internal_version)},
                {"owners", r.owners},
                {"repositories", r.repositories}};
}

// The record as it is after `o` (pure: no I/O).
NameRecord settle(NameRecord r, const Outcome& o, TimePoint now) {
    r.state = o.state;
    r.reason = o.reason;
    r.risk = o.risk;
    if (settled(o.state)) {
        r.public_version = o.public_version;
        r.owners = o.owners;
        r.checked_at = now;
    } else if (o.state == NameState::pending && o.checked) {
        r.checked_at = now;
    }
    if (o.state != NameState::pending) {
        ++r.attempts;
    }
    if (o.state == NameState::failed) {
        ++r.failures;
        r.next_attempt_at = now + backoff(r.failures);
    } else {
        r.failures = 0;
        r.next_attempt_at.reset();
    }
    r.last_error = settled(o.state) ? std::nullopt : o.error;
    return r;
}

bool same_facts(const NameRecord& a, const NameRecord& b) {
    return a.state == b.state && a.reason == b.reason && a.risk == b.risk &&
           a.public_version == b.public_version && a.owners == b.owners && a.last_error == b.last_error;
}

void store(Ledger::Impl& impl, const NameRecord& r) {
    auto s = impl.prepare(
        "UPDATE names SET state = ?2, reason = ?3, risk = ?4, public_version = ?5, owners = ?6, "
        "updated_at = ?7, checked_at = ?8, attempts = ?9, failures = ?10, next_attempt_at = ?11, "
        "last_error = ?12 WHERE name = ?1");
    s->bind(1, r.name);
    s->bind(2, std::string(to_string(r.state)));
    bind_optional(*s, 3, r.reason);
    bind_optional(*s, 4, r.risk ? std::optional<std::string>(to_string(*r.risk)) : std::nullopt);
    bind_optional(*s, 5, r.public_version);
    s->bind(6, json_list(r.owners));
    s->bind(7, format_utc(r.updated_at));
    bind_optional(*s, 8, r.checked_at);
    s->bind(9, r.attempts);
    s->bind(10, r.failures);
    bind_optional(*s, 11, r.next_attempt_at);
    bind_optional(*s, 12, r.last_error);
    s->exec();
}

// Adds the outbox row unless this name already notified this state and risk. True when added.
bool queue_notification(Ledger::Impl& impl, const NameRecord& r, TimePoint now) {
    const json payload = notification_payload(r);
    auto s = impl.prepare("INSERT INTO outbox (event, name, payload, dedupe_key, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (dedupe_key) DO NOTHING");
    s->bind(1, payload["event"].get<std::string>());
    s->bind(2, r.name);
    s->bind(3, payload.dump());
    s->bind(4, r.name + "|" + std::string(to_string(r.state)) + "|" +
                   (r.risk ? std::string(to_string(*r.risk)) : std::string()));
    s->bind(5, format_utc(now));
    return s->exec() == 1;
}

// apply()'s body, inside the caller's transaction, given the stored record.
ApplyResult apply_to(Ledger::Impl& impl, const NameRecord& before, const Outcome& outcome, TimePoint now) {
    NameRecord after = settle(before, outcome, now);
    ApplyResult result;
    result.state_changed = after.state != before.state || after.risk != before.risk;
    const bool facts_changed = !same_facts(before, after);
    if (facts_changed) {
        after.updated_at = now;
    }
    store(impl, after);

    json detail{{"reason", optional_json(after.reason)},
                {"risk", risk_json(after.risk)},
                {"public_version", optional_json(after.public_version)},
                {"owners", after.owners},
                {"attempts", after.attempts}};
    if (outcome.error) {
        detail["error"] = *outcome.error;
    }
    const std::string from{to_string(before.state)};
    const std::string to{to_string(after.state)};
    if (result.state_changed) {
        impl.add_event(now, before.name, "state_change", from, to, detail.dump());
    } else if (after.state == NameState::failed) {
        impl.add_event(now, before.name, "failure", from, to, detail.dump());
    } else if (facts_changed) {
        impl.add_event(now, before.name, "update", from, to, detail.dump());
    }
    if (result.state_changed && notifies(after.state)) {
        result.notification_queued = queue_notification(impl, after, now);
    }
    return result;
}

} // namespace

Result<ApplyResult> Ledger::apply(std::string_view name, const Outcome& outcome, TimePoint now) {
    return m_impl->write([&] {
        const auto before = load_name(*m_impl, name);
        if (!before) {
            throw LedgerFailure(LedgerErrorKind::unknown_name, m_impl->unknown_name_message(name));
        }
        return apply_to(*m_impl, *before, outcome, now);
    });
}

Result<std::optional<ApplyResult>> Ledger::apply_if_unsettled(std::string_view name, const Outcome& outcome,
                                                              TimePoint now) {
    return m_impl->write([&]() -> std::optional<ApplyResult> {
        const auto before = load_name(*m_impl, name);
        if (!before) {
            throw LedgerFailure(LedgerErrorKind::unknown_name, m_impl->unknown_name_message(name));
        }
        if (settled(before->state)) {
            return std::nullopt;
        }
        return apply_to(*m_impl, *before, outcome, now);
    });
}

Result<void> Ledger::record_upload(std::string_view name, std::string_view filename, std::string_view sha256,
                                   std::string_view outcome, TimePoint now) {
    return m_impl->write([&] {
        if (!load_name(*m_impl, name)) {
            throw LedgerFailure(LedgerErrorKind::unknown_name, m_impl->unknown_name_message(name));
        }
        auto s = m_impl->prepare(
            "INSERT INTO uploads (name, filename, sha256, outcome, at) VALUES (?1, ?2, ?3, ?4, ?5)");
        s->bind(1, std::string(name));
        s->bind(2, std::string(filename));
        s->bind(3, std::string(sha256));
        s->bind(4, std::string(outcome));
        s->bind(5, format_utc(now));
        s->exec();
        const json detail{{"filename", filename}, {"sha256", sha256}, {"outcome", outcome}};
        m_impl->add_event(now, name, "upload", std::nullopt, std::nullopt, detail.dump());
    });
}

Result<std::vector<UploadRecord>> Ledger::uploads(std::string_view name) {
    return m_impl->read([&] {
        auto s = m_impl->prepare(
            "SELECT name, filename, sha256, outcome, at FROM uploads WHERE name = ?1 ORDER BY id");
        s->bind(1, std::string(name));
        std::vector<UploadRecord> out;
        while (s->executeStep()) {
            out.push_back(UploadRecord{s->getColumn(0).getString(), s->getColumn(1).getString(),
                                       s->getColumn(2).getString(), s->getColumn(3).getString(),
                                       time_or_null(*s, 4).value_or(TimePoint{})});
        }
        return out;
    });
}

Result<std::vector<Event>> Ledger::events(std::optional<std::string_view> name, std::size_t limit) {
    return m_impl->read([&] {
        auto s =
            m_impl->prepare("SELECT id, at, actor, pid, name, kind, from_state, to_state, detail FROM ("
                            " SELECT * FROM events WHERE ?1 IS NULL OR name = ?1 ORDER BY id DESC LIMIT ?2"
                            ") ORDER BY id");
        if (name) {
            s->bind(1, std::string(*name));
        }
        s->bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
        std::vector<Event> out;
        while (s->executeStep()) {
            out.push_back(Event{s->getColumn(0).getInt64(), time_or_null(*s, 1).value_or(TimePoint{}),
                                s->getColumn(2).getString(), s->getColumn(3).getInt64(), text_or_null(*s, 4),
                                s->getColumn(5).getString(), text_or_null(*s, 6), text_or_null(*s, 7),
                                s->getColumn(8).getString()});
        }
        return out;
    });
}

} // namespace namekeeper::ledger
