#pragma once

// The ledger's schema as an ordered list of migrations. PRAGMA user_version is the number of the
// last one applied. Migrations are append-only: a released step is never edited, a change is a new step.

#include <SQLiteCpp/Database.h>
#include <span>

namespace namekeeper::ledger::schema {

struct Migration {
    int version;     // 1, 2, ...: the user_version after this step
    const char* sql; // one or more statements
};

[[nodiscard]] std::span<const Migration> migrations();
[[nodiscard]] int latest_version();
[[nodiscard]] int current_version(SQLite::Database& db);

// Applies every step above the file's version up to `target`, each in its own BEGIN IMMEDIATE
// transaction that re-reads user_version first (another process may have migrated meanwhile).
void migrate(SQLite::Database& db, int target);

} // namespace namekeeper::ledger::schema
