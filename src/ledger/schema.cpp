#include "schema.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <array>
#include <string>

namespace namekeeper::ledger::schema {

namespace {

// Version 1: what a name is, what was uploaded, and the audit trail.
constexpr const char* k_v1 = R"sql(
CREATE TABLE names (
    name             TEXT PRIMARY KEY NOT NULL,
    display_name     TEXT NOT NULL,
    state            TEXT NOT NULL
                     CHECK (state IN ('pending','reserved','owned','taken','blocked','ignored','failed')),
    reason           TEXT,
    risk             TEXT CHECK (risk IS NULL OR risk IN ('critical','warning')),
    repositories     TEXT NOT NULL DEFAULT '[]',
    internal_version TEXT,
    public_version   TEXT,
    owners           TEXT NOT NULL DEFAULT '[]',
    first_seen       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    checked_at       TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    failures         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    last_error       TEXT,
    mismatch         TEXT
);
CREATE INDEX names_by_state ON names(state);

CREATE TABLE uploads (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL REFERENCES names(name),
    filename TEXT NOT NULL,
    sha256   TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX uploads_by_name ON uploads(name, id);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    name       TEXT,
    kind       TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_name ON events(name, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql";

// Version 2: what processes share to cooperate: notifications to send, the upload budget, listing
// watermarks, the webhook queue and upload claims.
constexpr const char* k_v2 = R"sql(
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event           TEXT NOT NULL,
    name            TEXT,
    payload         TEXT NOT NULL,
    dedupe_key      TEXT UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent')),
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    last_error      TEXT,
    sent_at         TEXT
);
CREATE INDEX outbox_by_status ON outbox(status, id);

CREATE TABLE upload_slots (
    id       INTEGER PRIMARY KEY,
    taken_at TEXT NOT NULL
);
CREATE INDEX upload_slots_by_time ON upload_slots(taken_at);

CREATE TABLE watermarks (
    repository           TEXT PRIMARY KEY NOT NULL,
    max_created          TEXT,
    last_listing_at      TEXT,
    last_full_listing_at TEXT
);

CREATE TABLE queue (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    repository TEXT NOT NULL,
    path       TEXT NOT NULL,
    queued_at  TEXT NOT NULL
);

CREATE TABLE claims (
    name       TEXT PRIMARY KEY NOT NULL,
    owner      TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
)sql";

constexpr std::array<Migration, 2> k_migrations{{{1, k_v1}, {2, k_v2}}};

} // namespace

std::span<const Migration> migrations() {
    return k_migrations;
}

int latest_version() {
    return k_migrations.back().version;
}

int current_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db, int target) {
    for (const Migration& step : k_migrations) {
        if (step.version > target) {
            break;
        }
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        if (current_version(db) >= step.version) {
            continue; // already there (the transaction rolls back: nothing was written)
        }
        db.exec(step.sql);
        // PRAGMA takes no bound parameters; the value is our own integer.
        db.exec("PRAGMA user_version = " + std::to_string(step.version));
        transaction.commit();
    }
}

} // namespace namekeeper::ledger::schema
