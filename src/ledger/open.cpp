// Opening the ledger: refuse what is not ours before writing a single byte, then migrate.

#include "impl.hpp"
#include "schema.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace namekeeper::ledger {

namespace {

constexpr std::string_view k_memory = ":memory:";

std::string spell_timeout(std::chrono::milliseconds t) {
    if (t.count() % 1000 == 0) {
        return fmt::format("{} s", t.count() / 1000);
    }
    return fmt::format("{} ms", t.count());
}

LedgerError fail(LedgerErrorKind kind, std::string message) {
    return LedgerError{kind, std::move(message)};
}

// Reads only. Throws SQLite::Exception for a file that is not a database (SQLITE_NOTADB) or damaged,
// LedgerFailure for a database that is not (or not yet, or no longer) ours to use.
void check_identity(SQLite::Database& db, const std::string& where, Access access) {
    const int tables = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    const int version = schema::current_version(db);
    if (version > schema::latest_version()) {
        throw LedgerFailure(LedgerErrorKind::too_new,
                            fmt::format("ledger {} has schema version {}, newer than this namekeeper "
                                        "knows ({}); upgrade namekeeper, refusing to touch it",
                                        where, version, schema::latest_version()));
    }
    if (version == 0 && tables > 0) {
        throw LedgerFailure(LedgerErrorKind::foreign_database,
                            fmt::format("ledger {} is an SQLite database of another program (it has "
                                        "tables but no namekeeper schema); refusing to touch it",
                                        where));
    }
    if (access == Access::read_only && version < schema::latest_version()) {
        throw LedgerFailure(LedgerErrorKind::too_old,
                            fmt::format("ledger {} has schema version {}, older than this namekeeper "
                                        "({}); run namekeeper reconcile to upgrade it",
                                        where, version, schema::latest_version()));
    }
}

} // namespace

LedgerError spell_sqlite_error(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout,
                               int sqlite_code, std::string_view detail) {
    const std::string where = path.string();
    switch (sqlite_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return fail(LedgerErrorKind::locked,
                    fmt::format("ledger {} is locked by another process (gave up after {})", where,
                                spell_timeout(busy_timeout)));
    case SQLITE_NOTADB:
        return fail(LedgerErrorKind::not_a_database,
                    fmt::format("ledger {} is not an SQLite database ({}); refusing to touch it", where,
                                sqlite3_errstr(SQLITE_NOTADB)));
    case SQLITE_CORRUPT:
        return fail(LedgerErrorKind::damaged, fmt::format("ledger {} is damaged ({}); refusing to touch it",
                                                          where, sqlite3_errstr(SQLITE_CORRUPT)));
    case SQLITE_READONLY:
        return fail(LedgerErrorKind::read_only,
                    fmt::format("ledger {} cannot be written ({})", where, detail));
    case SQLITE_CANTOPEN:
        return fail(LedgerErrorKind::cannot_open,
                    fmt::format("ledger {} cannot be opened ({})", where, detail));
    default:
        return fail(LedgerErrorKind::failed, fmt::format("ledger {}: {}", where, detail));
    }
}

Ledger::Impl::Impl(std::filesystem::path p, std::string a, OpenOptions o, SQLite::Database d)
    : path(std::move(p)), actor(std::move(a)), pid(static_cast<std::int64_t>(::getpid())), options(o),
      db(std::move(d)) {}

StatementUse Ledger::Impl::prepare(std::string_view sql) {
    auto& slot = cache[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(db, std::string(sql));
    }
    return StatementUse(*slot);
}

LedgerError Ledger::Impl::error_from(const SQLite::Exception& e) const {
    return error_from(e.getErrorCode(), e.what());
}

LedgerError Ledger::Impl::error_from(int sqlite_code, std::string_view detail) const {
    return spell_sqlite_error(path, options.busy_timeout, sqlite_code, detail);
}

std::string Ledger::Impl::unknown_name_message(std::string_view name) const {
    return fmt::format("ledger {} has no name {}", path.string(), name);
}

void Ledger::Impl::add_event(TimePoint at, std::optional<std::string_view> name, std::string_view kind,
                             std::optional<std::string_view> from_state,
                             std::optional<std::string_view> to_state, const std::string& detail) {
    auto s = prepare("INSERT INTO events (at, actor, pid, name, kind, from_state, to_state, detail) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s->bind(1, format_utc(at));
    s->bind(2, actor);
    s->bind(3, pid);
    if (name) {
        s->bind(4, std::string(*name));
    }
    s->bind(5, std::string(kind));
    if (from_state) {
        s->bind(6, std::string(*from_state));
    }
    if (to_state) {
        s->bind(7, std::string(*to_state));
    }
    s->bind(8, detail);
    s->exec();
}

Result<Ledger> Ledger::open(const std::filesystem::path& path, std::string actor, OpenOptions options) {
    const std::string where = path.string();
    const bool memory = where == k_memory;
    std::error_code ec;
    if (!memory && options.access == Access::read_only && !std::filesystem::exists(path, ec)) {
        return std::unexpected(
            fail(LedgerErrorKind::missing,
                 fmt::format("ledger {} does not exist yet; run namekeeper reconcile first", where)));
    }
    if (!memory && options.access == Access::read_write && path.has_parent_path() &&
        !std::filesystem::is_directory(path.parent_path(), ec)) {
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            return std::unexpected(fail(LedgerErrorKind::cannot_create_folder,
                                        fmt::format("cannot create folder {} for ledger {}: {}",
                                                    path.parent_path().string(), where, ec.message())));
        }
    }
    // The Impl is built first so that every SQLite failure below is spelled by error_from.
    std::unique_ptr<Impl> impl;
    try {
        const int flags = options.access == Access::read_only ? SQLite::OPEN_READONLY
                                                              : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
        SQLite::Database db(where, flags, static_cast<int>(options.busy_timeout.count()));
        impl = std::make_unique<Impl>(path, std::move(actor), options, std::move(db));
    } catch (const SQLite::Exception& e) {
        return std::unexpected(spell_sqlite_error(path, options.busy_timeout, e.getErrorCode(), e.what()));
    }
    auto opened = impl->read([&] {
        check_identity(impl->db, where, options.access);
        if (options.access == Access::read_write) {
            // The switch needs the file to itself for a moment; when another connection is busy
            // with it (two processes opening a new ledger at once), SQLite answers with the old
            // mode instead of an error. Try again within the busy timeout.
            const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
            std::string mode = impl->db.execAndGet("PRAGMA journal_mode = WAL").getString();
            while (mode != "wal" && !memory && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                mode = impl->db.execAndGet("PRAGMA journal_mode = WAL").getString();
            }
            if (mode != "wal" && !memory) {
                throw LedgerFailure(
                    LedgerErrorKind::failed,
                    fmt::format("ledger {} cannot use WAL mode (it stays in {} mode)", where, mode));
            }
        }
        impl->db.exec("PRAGMA synchronous = NORMAL");
        impl->db.exec("PRAGMA foreign_keys = ON");
        if (options.access == Access::read_write) {
            schema::migrate(impl->db, schema::latest_version());
        }
    });
    if (!opened) {
        return std::unexpected(opened.error());
    }
    return Ledger(std::move(impl));
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

const std::filesystem::path& Ledger::path() const {
    return m_impl->path;
}

int Ledger::schema_version() const {
    return schema::latest_version();
}

Result<void> Ledger::quick_check() {
    return m_impl->read([&] {
        const std::string verdict = m_impl->db.execAndGet("PRAGMA quick_check").getString();
        if (verdict != "ok") {
            throw LedgerFailure(LedgerErrorKind::damaged,
                                fmt::format("ledger {} is damaged ({}); refusing to touch it",
                                            m_impl->path.string(), verdict));
        }
    });
}

} // namespace namekeeper::ledger
