// The names table: what record_seen merges in, what apply decides, and the reads for reports.

#include "impl.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace namekeeper::ledger {

namespace {

using nlohmann::json;

constexpr std::string_view k_columns =
    "name, display_name, state, reason, risk, repositories, internal_version, public_version, owners, "
    "first_seen, updated_at, checked_at, attempts, failures, next_attempt_at, last_error, mismatch";

std::vector<std::string> string_list(const std::string& json_text) {
    return json::parse(json_text).get<std::vector<std::string>>();
}

// Reads a row selected with k_columns.
NameRecord read_name(SQLite::Statement& s) {
    NameRecord r;
    r.name = s.getColumn(0).getString();
    r.display_name = s.getColumn(1).getString();
    r.state = parse_state(s.getColumn(2).getString()).value_or(NameState::pending);
    r.reason = text_or_null(s, 3);
    if (auto risk = text_or_null(s, 4)) {
        r.risk = parse_risk(*risk);
    }
    r.repositories = string_list(s.getColumn(5).getString());
    r.internal_version = text_or_null(s, 6);
    r.public_version = text_or_null(s, 7);
    r.owners = string_list(s.getColumn(8).getString());
    r.first_seen = time_or_null(s, 9).value_or(TimePoint{});
    r.updated_at = time_or_null(s, 10).value_or(TimePoint{});
    r.checked_at = time_or_null(s, 11);
    r.attempts = s.getColumn(12).getInt();
    r.failures = s.getColumn(13).getInt();
    r.next_attempt_at = time_or_null(s, 14);
    r.last_error = text_or_null(s, 15);
    r.mismatch = text_or_null(s, 16);
    return r;
}

std::vector<NameRecord> read_all(SQLite::Statement& s) {
    std::vector<NameRecord> out;
    while (s.executeStep()) {
        out.push_back(read_name(s));
    }
    return out;
}

// Everything a batch says about one name, merged before the database is touched.
struct Evidence {
    std::string display_name;
    std::set<std::string> repositories;
    std::optional<std::string> version;
    std::optional<std::string> mismatch;
};

std::optional<std::string> greater(const std::optional<std::string>& a, const std::optional<std::string>& b,
                                   const VersionLess& less) {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return less(*a, *b) ? b : a;
}

std::map<std::string, Evidence> gather(std::span<const SeenName> batch, const VersionLess& less) {
    std::map<std::string, Evidence> by_name;
    for (const SeenName& seen : batch) {
        auto [it, inserted] = by_name.try_emplace(seen.name);
        Evidence& e = it->second;
        if (inserted) {
            e.display_name = seen.display_name.empty() ? seen.name : seen.display_name;
        }
        e.repositories.insert(seen.repository);
        e.version = greater(e.version, seen.version, less);
        if (seen.mismatch) {
            e.mismatch = seen.mismatch;
        }
    }
    return by_name;
}

} // namespace

std::optional<std::string> text_or_null(SQLite::Statement& s, int column) {
    if (s.isColumnNull(column)) {
        return std::nullopt;
    }
    return s.getColumn(column).getString();
}

std::optional<TimePoint> time_or_null(SQLite::Statement& s, int column) {
    if (s.isColumnNull(column)) {
        return std::nullopt;
    }
    return parse_utc(s.getColumn(column).getString());
}

void bind_optional(SQLite::Statement& s, int index, const std::optional<std::string>& value) {
    if (value) {
        s.bind(index, *value);
    } else {
        s.bind(index);
    }
}

void bind_optional(SQLite::Statement& s, int index, const std::optional<TimePoint>& value) {
    if (value) {
        s.bind(index, format_utc(*value));
    } else {
        s.bind(index);
    }
}

std::string json_list(const std::vector<std::string>& values) {
    return json(values).dump();
}

std::optional<NameRecord> load_name(Ledger::Impl& impl, std::string_view name) {
    static const std::string sql = fmt::format("SELECT {} FROM names WHERE name = ?1", k_columns);
    auto s = impl.prepare(sql);
    s->bind(1, std::string(name));
    if (!s->executeStep()) {
        return std::nullopt;
    }
    return read_name(*s);
}

Result<std::optional<NameRecord>> Ledger::get(std::string_view name) {
    return m_impl->read([&] { return load_name(*m_impl, name); });
}

Result<std::vector<NameRecord>> Ledger::list(std::optional<NameState> state) {
    return m_impl->read([&] {
        static const std::string sql =
            fmt::format("SELECT {} FROM names WHERE ?1 IS NULL OR state = ?1 ORDER BY name", k_columns);
        auto s = m_impl->prepare(sql);
        if (state) {
            s->bind(1, std::string(to_string(*state)));
        }
        return read_all(*s);
    });
}

Result<StateCounts> Ledger::counts() {
    return m_impl->read([&] {
        StateCounts counts;
        auto s = m_impl->prepare("SELECT state, count(*) FROM names GROUP BY state");
        while (s->executeStep()) {
            if (auto state = parse_state(s->getColumn(0).getString())) {
                counts.by_state[static_cast<std::size_t>(*state)] = s->getColumn(1).getInt64();
            }
        }
        return counts;
    });
}

Result<std::vector<NameRecord>> Ledger::due_for_lookup(TimePoint now, std::chrono::seconds recheck_after) {
    return due_for_lookup(now, recheck_after, "", std::numeric_limits<std::size_t>::max());
}

Result<std::vector<NameRecord>> Ledger::due_for_lookup(TimePoint now, std::chrono::seconds recheck_after,
                                                       std::string_view after, std::size_t limit) {
    return m_impl->read([&] {
        static const std::string sql = fmt::format(
            "SELECT {} FROM names WHERE name > ?3 AND ((state = 'pending' AND (checked_at IS NULL OR "
            "checked_at <= ?2))"
            " OR (state = 'failed' AND (next_attempt_at IS NULL OR next_attempt_at <= ?1))"
            " OR (state IN ('reserved', 'owned', 'taken') AND (checked_at IS NULL OR checked_at <= ?2)))"
            " ORDER BY name LIMIT ?4",
            k_columns);
        auto s = m_impl->prepare(sql);
        s->bind(1, format_utc(now));
        s->bind(2, format_utc(now - recheck_after));
        s->bind(3, std::string(after));
        s->bind(4, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
        return read_all(*s);
    });
}

Result<std::vector<NameRecord>> Ledger::waiting_for_upload(std::size_t limit) {
    return m_impl->read([&] {
        static const std::string sql =
            fmt::format("SELECT {} FROM names WHERE state = 'pending' AND checked_at IS NOT NULL ORDER BY "
                        "first_seen, name LIMIT ?1",
                        k_columns);
        auto s = m_impl->prepare(sql);
        s->bind(1, static_cast<std::int64_t>(limit));
        return read_all(*s);
    });
}

Result<std::vector<std::string>> Ledger::record_seen(std::span<const SeenName> batch, TimePoint now,
                                                     const VersionLess& less) {
    const auto by_name = gather(batch, less);
    if (by_name.empty()) {
        return std::vector<std::string>{}; // no need to take the write lock
    }
    return m_impl->write([&] {
        const std::string at = format_utc(now);
        std::vector<std::string> fresh;
        for (const auto& [name, e] : by_name) {
            const std::vector<std::string> repos(e.repositories.begin(), e.repositories.end());
            auto find =
                m_impl->prepare("SELECT repositories, internal_version, mismatch FROM names WHERE name = ?1");
            find->bind(1, name);
            if (!find->executeStep()) {
                auto insert = m_impl->prepare(
                    "INSERT INTO names (name, display_name, state, repositories, internal_version, mismatch, "
                    "first_seen, updated_at) VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?6)");
                insert->bind(1, name);
                insert->bind(2, e.display_name);
                insert->bind(3, json_list(repos));
                bind_optional(*insert, 4, e.version);
                bind_optional(*insert, 5, e.mismatch);
                insert->bind(6, at);
                insert->exec();
                json detail{{"repositories", repos},
                            {"version", e.version ? json(*e.version) : json(nullptr)}};
                if (e.mismatch) {
                    detail["mismatch"] = *e.mismatch;
                }
                m_impl->add_event(now, name, "seen", std::nullopt, "pending", detail.dump());
                fresh.push_back(name);
                continue;
            }
            auto stored_repos = string_list(find->getColumn(0).getString());
            const auto stored_version = text_or_null(*find, 1);
            const auto stored_mismatch = text_or_null(*find, 2);
            std::set<std::string> merged(stored_repos.begin(), stored_repos.end());
            merged.insert(repos.begin(), repos.end());
            const std::vector<std::string> merged_repos(merged.begin(), merged.end());
            const auto version = greater(stored_version, e.version, less);
            const auto mismatch = e.mismatch ? e.mismatch : stored_mismatch;
            if (merged_repos == stored_repos && version == stored_version && mismatch == stored_mismatch) {
                continue;
            }
            auto update =
                m_impl->prepare("UPDATE names SET repositories = ?2, internal_version = ?3, mismatch = ?4, "
                                "updated_at = ?5 WHERE name = ?1");
            update->bind(1, name);
            update->bind(2, json_list(merged_repos));
            bind_optional(*update, 3, version);
            bind_optional(*update, 4, mismatch);
            update->bind(5, at);
            update->exec();
        }
        return fresh;
    });
}

Result<void> Ledger::mark_checked(std::string_view name, TimePoint now) {
    return m_impl->write([&] {
        auto s = m_impl->prepare("UPDATE names SET checked_at = ?2 WHERE name = ?1");
        s->bind(1, std::string(name));
        s->bind(2, format_utc(now));
        if (s->exec() == 0) {
            throw LedgerFailure(LedgerErrorKind::unknown_name, m_impl->unknown_name_message(name));
        }
    });
}

} // namespace namekeeper::ledger
