#pragma once

// Inside the ledger: the connection, the statement cache, and the one place where SQLite's
// exceptions become LedgerError values. Only src/ledger/*.cpp (and the ledger tests) include this.

#include "namekeeper/ledger/ledger.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>

namespace namekeeper::ledger {

// Thrown inside Impl::read/write bodies for failures that are not SQLite's; turned into a LedgerError.
struct LedgerFailure : std::exception {
    LedgerFailure(LedgerErrorKind k, std::string m) : kind(k), message(std::move(m)) {}
    [[nodiscard]] const char* what() const noexcept override { return message.c_str(); }
    LedgerErrorKind kind;
    std::string message;
};

// SQLite's result code as a LedgerError whose message names the file.
[[nodiscard]] LedgerError spell_sqlite_error(const std::filesystem::path& path,
                                             std::chrono::milliseconds busy_timeout, int sqlite_code,
                                             std::string_view detail);

// Column and parameter helpers for nullable text and time columns (names.cpp).
[[nodiscard]] std::optional<std::string> text_or_null(SQLite::Statement& s, int column);
[[nodiscard]] std::optional<TimePoint> time_or_null(SQLite::Statement& s, int column);
void bind_optional(SQLite::Statement& s, int index, const std::optional<std::string>& value);
void bind_optional(SQLite::Statement& s, int index, const std::optional<TimePoint>& value);
[[nodiscard]] std::string json_list(const std::vector<std::string>& values); // a JSON array

// A cached statement in use: reset and unbound when taken, reset again when released so that a
// half-read SELECT does not keep its read snapshot open.
class StatementUse {
public:
    explicit StatementUse(SQLite::Statement& s) : m_s(s) {
        m_s.tryReset();
        m_s.clearBindings();
    }
    ~StatementUse() { m_s.tryReset(); }
    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    SQLite::Statement* operator->() { return &m_s; }
    SQLite::Statement& operator*() { return m_s; }

private:
    SQLite::Statement& m_s;
};

struct Ledger::Impl {
    Impl(std::filesystem::path p, std::string a, OpenOptions o, SQLite::Database d);

    std::filesystem::path path;
    std::string actor;
    std::int64_t pid;
    OpenOptions options;
    SQLite::Database db;
    std::unordered_map<std::string_view, std::unique_ptr<SQLite::Statement>> cache;

    // `sql` must be a string literal: its address-stable text keys the cache.
    StatementUse prepare(std::string_view sql);

    [[nodiscard]] LedgerError error_from(const SQLite::Exception& e) const;
    [[nodiscard]] LedgerError error_from(int sqlite_code, std::string_view detail) const;
    [[nodiscard]] std::string unknown_name_message(std::string_view name) const;

    void add_event(TimePoint at, std::optional<std::string_view> name, std::string_view kind,
                   std::optional<std::string_view> from_state, std::optional<std::string_view> to_state,
                   const std::string& detail);

    // Runs `body` and turns what it throws into a LedgerError.
    template <typename F> auto read(F&& body) -> Result<std::invoke_result_t<F&>> {
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
                body();
                return {};
            } else {
                return body();
            }
        } catch (const SQLite::Exception& e) {
            return std::unexpected(error_from(e));
        } catch (const LedgerFailure& e) {
            return std::unexpected(LedgerError{e.kind, e.message});
        } catch (const std::exception& e) {
            return std::unexpected(
                LedgerError{LedgerErrorKind::failed, "ledger " + path.string() + ": " + e.what()});
        }
    }

    // Same, inside BEGIN IMMEDIATE ... COMMIT; anything thrown rolls back.
    template <typename F> auto write(F&& body) -> Result<std::invoke_result_t<F&>> {
        return read([&]() {
            SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
            if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
                body();
                transaction.commit();
            } else {
                auto result = body();
                transaction.commit();
                return result;
            }
        });
    }
};

// The full row of `name`, or nullopt (names.cpp).
[[nodiscard]] std::optional<NameRecord> load_name(Ledger::Impl& impl, std::string_view name);

} // namespace namekeeper::ledger
