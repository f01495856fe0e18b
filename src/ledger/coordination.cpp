// What concurrent processes share through the ledger: the hourly upload budget, listing
// watermarks, the webhook queue and per-name upload claims. Every check-then-write runs inside one
// BEGIN IMMEDIATE transaction (Impl::write), so two processes cannot both see a free slot or claim.

#include "impl.hpp"

namespace namekeeper::ledger {

namespace {

using namespace std::chrono_literals;

constexpr std::chrono::seconds k_budget_window = 1h;
// Slots older than this are of no use to anyone; pruned when a slot is taken.
constexpr std::chrono::seconds k_slot_retention = 48h;

std::int64_t slots_in_window(Ledger::Impl& impl, TimePoint now) {
    auto s = impl.prepare("SELECT count(*) FROM upload_slots WHERE taken_at > ?1 AND taken_at <= ?2");
    s->bind(1, format_utc(now - k_budget_window));
    s->bind(2, format_utc(now));
    s->executeStep();
    return s->getColumn(0).getInt64();
}

} // namespace

Result<std::optional<UploadSlot>> Ledger::try_take_upload_slot(TimePoint now, int limit_per_hour) {
    return m_impl->write([&]() -> std::optional<UploadSlot> {
        if (slots_in_window(*m_impl, now) >= limit_per_hour) {
            return std::nullopt;
        }
        auto prune = m_impl->prepare("DELETE FROM upload_slots WHERE taken_at < ?1");
        prune->bind(1, format_utc(now - k_slot_retention));
        prune->exec();
        auto take = m_impl->prepare("INSERT INTO upload_slots (taken_at) VALUES (?1)");
        take->bind(1, format_utc(now));
        take->exec();
        return UploadSlot{m_impl->db.getLastInsertRowid()};
    });
}

Result<std::int64_t> Ledger::upload_slots_available(TimePoint now, int limit_per_hour) {
    return m_impl->read(
        [&] { return std::max<std::int64_t>(0, limit_per_hour - slots_in_window(*m_impl, now)); });
}

Result<void> Ledger::return_upload_slot(UploadSlot slot) {
    return m_impl->write([&] {
        auto s = m_impl->prepare("DELETE FROM upload_slots WHERE id = ?1");
        s->bind(1, slot.id);
        s->exec();
    });
}

Result<TimePoint> Ledger::next_upload_slot_at(TimePoint now, int limit_per_hour) {
    return m_impl->read([&]() -> TimePoint {
        if (limit_per_hour <= 0) {
            return TimePoint::max();
        }
        const std::int64_t taken = slots_in_window(*m_impl, now);
        if (taken < limit_per_hour) {
            return now;
        }
        // The window frees up when its (taken - limit + 1)-th oldest slot turns an hour old.
        auto s = m_impl->prepare("SELECT taken_at FROM upload_slots WHERE taken_at > ?1 AND taken_at <= ?2 "
                                 "ORDER BY taken_at LIMIT 1 OFFSET ?3");
        s->bind(1, format_utc(now - k_budget_window));
        s->bind(2, format_utc(now));
        s->bind(3, taken - limit_per_hour);
        s->executeStep();
        return time_or_null(*s, 0).value_or(now) + k_budget_window;
    });
}

Result<std::optional<Watermark>> Ledger::watermark(std::string_view repository) {
    return m_impl->read([&]() -> std::optional<Watermark> {
        auto s = m_impl->prepare("SELECT repository, max_created, last_listing_at, last_full_listing_at "
                                 "FROM watermarks WHERE repository = ?1");
        s->bind(1, std::string(repository));
        if (!s->executeStep()) {
            return std::nullopt;
        }
        return Watermark{s->getColumn(0).getString(), text_or_null(*s, 1), time_or_null(*s, 2),
                         time_or_null(*s, 3)};
    });
}

Result<void> Ledger::set_watermark(std::string_view repository, std::optional<std::string_view> max_created,
                                   ListingKind kind, TimePoint now) {
    return m_impl->write([&] {
        auto s = m_impl->prepare(
            "INSERT INTO watermarks (repository, max_created, last_listing_at, last_full_listing_at) "
            "VALUES (?1, ?2, ?3, CASE WHEN ?4 THEN ?3 END) "
            "ON CONFLICT (repository) DO UPDATE SET "
            " max_created = coalesce(excluded.max_created, watermarks.max_created),"
            " last_listing_at = excluded.last_listing_at,"
            " last_full_listing_at = coalesce(excluded.last_full_listing_at, "
            "watermarks.last_full_listing_at)");
        s->bind(1, std::string(repository));
        bind_optional(*s, 2, max_created ? std::optional<std::string>(*max_created) : std::nullopt);
        s->bind(3, format_utc(now));
        s->bind(4, kind == ListingKind::full ? 1 : 0);
        s->exec();
    });
}

Result<Enqueued> Ledger::enqueue(std::string_view name, std::string_view repository, std::string_view path,
                                 TimePoint now) {
    return m_impl->write([&] {
        auto s =
            m_impl->prepare("INSERT INTO queue (name, repository, path, queued_at) VALUES (?1, ?2, ?3, ?4) "
                            "ON CONFLICT (name) DO NOTHING");
        s->bind(1, std::string(name));
        s->bind(2, std::string(repository));
        s->bind(3, std::string(path));
        s->bind(4, format_utc(now));
        return s->exec() == 1 ? Enqueued::newly : Enqueued::already;
    });
}

Result<std::optional<QueuedName>> Ledger::next_queued() {
    return m_impl->read([&]() -> std::optional<QueuedName> {
        auto s = m_impl->prepare("SELECT name, repository, path, queued_at FROM queue ORDER BY seq LIMIT 1");
        if (!s->executeStep()) {
            return std::nullopt;
        }
        return QueuedName{s->getColumn(0).getString(), s->getColumn(1).getString(),
                          s->getColumn(2).getString(), time_or_null(*s, 3).value_or(TimePoint{})};
    });
}

Result<void> Ledger::dequeue(std::string_view name) {
    return m_impl->write([&] {
        auto s = m_impl->prepare("DELETE FROM queue WHERE name = ?1");
        s->bind(1, std::string(name));
        s->exec();
    });
}

Result<std::int64_t> Ledger::queue_depth() {
    return m_impl->read([&] {
        auto s = m_impl->prepare("SELECT count(*) FROM queue");
        s->executeStep();
        return s->getColumn(0).getInt64();
    });
}

Result<bool> Ledger::try_claim(std::string_view name, std::string_view owner, TimePoint now,
                               std::chrono::seconds lease) {
    return m_impl->write([&] {
        auto s = m_impl->prepare("INSERT INTO claims (name, owner, expires_at) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                                 "expires_at = excluded.expires_at "
                                 "WHERE claims.expires_at <= ?4 OR claims.owner = excluded.owner");
        s->bind(1, std::string(name));
        s->bind(2, std::string(owner));
        s->bind(3, format_utc(now + lease));
        s->bind(4, format_utc(now));
        return s->exec() == 1;
    });
}

Result<void> Ledger::release_claim(std::string_view name, std::string_view owner) {
    return m_impl->write([&] {
        auto s = m_impl->prepare("DELETE FROM claims WHERE name = ?1 AND owner = ?2");
        s->bind(1, std::string(name));
        s->bind(2, std::string(owner));
        s->exec();
    });
}

} // namespace namekeeper::ledger
