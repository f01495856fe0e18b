#pragma once

// The ledger: namekeeper's memory, one SQLite file shared by every process (reconcile, serve, status).
//
// Schema (PRAGMA user_version counts the migrations applied; src/ledger/schema.cpp holds them):
//   names        one row per normalized name: display_name, state, reason, risk, repositories (JSON
//                array, sorted), internal_version, public_version, owners (JSON array), first_seen,
//                updated_at, checked_at, attempts, failures, next_attempt_at, last_error, mismatch.
//   uploads      every placeholder file sent: name, filename, sha256, outcome, at.
//   events       append-only audit trail (triggers abort UPDATE and DELETE): at, actor, pid, name,
//                kind, from_state, to_state, detail (JSON). Written in the same transaction as the
//                change it describes.
//   outbox       notifications to deliver: event, name, payload (JSON), status pending|sent,
//                attempts, last_error. `dedupe_key` (name|state|risk) is UNIQUE, so a name notifies
//                once per state/risk it enters, however often it flaps back.
//   upload_slots one row per new-project upload attempted: the hourly budget, shared by processes.
//   watermarks   per Artifactory repository: max `created` seen, last listing, last full listing.
//   queue        names the webhook accepted and not yet settled (name is the key: no duplicates).
//   claims       name -> owner + lease expiry: who may upload for a name right now.
// Times are ISO-8601 UTC text (time.hpp); comparisons in SQL are text comparisons.
//
// Connection: WAL, synchronous=NORMAL (a commit survives a killed process, not a power cut),
// foreign keys on, busy timeout (default 10 s). Every write runs in BEGIN IMMEDIATE, so concurrent
// writers queue on the lock instead of failing mid-transaction; a commit is the durability point.
// Nothing reads the wall clock: every mutating call takes `now`.
//
// A Ledger is one connection: move it between threads, but use it from one thread at a time; each
// thread or process opens its own. A moved-from Ledger may only be destroyed or assigned to. Every call
// returns std::expected: a locked or broken file is a normal-operation failure (LedgerError, message names
// the file).

#include "namekeeper/ledger/records.hpp"

#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::ledger {

template <typename T> using Result = std::expected<T, LedgerError>;

enum class Access {
    read_write, // creates the folder and the file, migrates the schema
    read_only,  // the file must exist at the current schema version; nothing is written
};

struct OpenOptions {
    Access access = Access::read_write;
    std::chrono::milliseconds busy_timeout{10'000};
};

// `less(a, b)`: PEP 440 version a sorts before b. The ledger keeps the greatest under it.
using VersionLess = std::function<bool(std::string_view a, std::string_view b)>;

class Ledger {
public:
    // `path` may be ":memory:" (tests). `actor` goes into every event, with this process's pid.
    // A file that is not an SQLite database, of another program, or of a newer schema is refused
    // without a byte written. open() reads only page 1: damage further in surfaces as
    // LedgerErrorKind::damaged from the first call that reads it (quick_check() looks at everything).
    [[nodiscard]] static Result<Ledger> open(const std::filesystem::path& path, std::string actor,
                                             OpenOptions options = {});

    Ledger(Ledger&&) noexcept;
    Ledger& operator=(Ledger&&) noexcept;
    ~Ledger();

    [[nodiscard]] const std::filesystem::path& path() const;
    [[nodiscard]] int schema_version() const; // the version this binary migrates to

    // --- names: reading ---
    [[nodiscard]] Result<std::optional<NameRecord>> get(std::string_view name);
    // Sorted by name; every name when `state` is nullopt.
    [[nodiscard]] Result<std::vector<NameRecord>> list(std::optional<NameState> state = std::nullopt);
    [[nodiscard]] Result<StateCounts> counts();
    // Names that need a public look-up now: pending, unless a look-up found them free within
    // recheck_after (they wait for an upload slot: waiting_for_upload); failed whose next_attempt_at <= now;
    // reserved/owned/taken whose checked_at is older than now - recheck_after (or unset).
    // Blocked and ignored never. Sorted by name.
    [[nodiscard]] Result<std::vector<NameRecord>> due_for_lookup(TimePoint now,
                                                                 std::chrono::seconds recheck_after);
    // The same, one page at a time: the due names after `after` (by name; "" for the first page), at
    // most `limit`. Memory then holds one page however large the ledger is; names settled between
    // pages are not seen again, since the next page starts after the last name of this one.
    [[nodiscard]] Result<std::vector<NameRecord>> due_for_lookup(TimePoint now,
                                                                 std::chrono::seconds recheck_after,
                                                                 std::string_view after, std::size_t limit);
    // Pending names that a look-up found free and that wait for an upload (budget, --max-new, a
    // rate limit): the oldest first, at most `limit`.
    [[nodiscard]] Result<std::vector<NameRecord>> waiting_for_upload(std::size_t limit);

    // --- names: writing ---
    // One transaction for the whole batch. New names enter `pending` with a `seen` event; known
    // names gain the repositories, the greater version under `less`, and a newer mismatch note.
    // State is never touched. Returns the names that were new, sorted.
    [[nodiscard]] Result<std::vector<std::string>> record_seen(std::span<const SeenName> batch, TimePoint now,
                                                               const VersionLess& less);
    // Records what a look-up or upload decided (one transaction):
    //  - state, reason and risk replace the stored ones; public_version and owners too when the state
    //    is settled (not pending/failed), so a failure keeps what was known;
    //  - any state but pending counts an attempt; `failed` also counts a consecutive failure and
    //    sets next_attempt_at = now + 5 min * 2^(failures-1), at most 24 h; other states reset both;
    //  - `error` goes to last_error (cleared by a settled state); checked_at = now when settled;
    //  - updated_at = now when any of state, reason, risk, public_version, owners, last_error changed;
    //  - events: `state_change` when state or risk changed, else `failure` for a repeated failure,
    //    else `update` when another fact changed;
    //  - outbox: when state or risk changed and the state is taken, reserved or failed, once per
    //    name|state|risk ever (a name flapping back to a state it notified does not notify again).
    // The name must have been recorded by record_seen (else LedgerErrorKind::unknown_name).
    [[nodiscard]] Result<ApplyResult> apply(std::string_view name, const Outcome& outcome, TimePoint now);
    // apply(), unless the name is settled (not pending or failed) by the time the transaction reads it:
    // then nothing is written and the result is nullopt. For a decision that rests on an earlier
    // look-up and is made without a claim.
    [[nodiscard]] Result<std::optional<ApplyResult>>
    apply_if_unsettled(std::string_view name, const Outcome& outcome, TimePoint now);
    // A re-check found nothing new.
    [[nodiscard]] Result<void> mark_checked(std::string_view name, TimePoint now);
    [[nodiscard]] Result<void> record_upload(std::string_view name, std::string_view filename,
                                             std::string_view sha256, std::string_view outcome,
                                             TimePoint now);
    [[nodiscard]] Result<std::vector<UploadRecord>> uploads(std::string_view name);
    // Newest last; every name's when `name` is nullopt; at most `limit` (the newest ones).
    [[nodiscard]] Result<std::vector<Event>> events(std::optional<std::string_view> name = std::nullopt,
                                                    std::size_t limit = 1000);

    // --- notifications outbox ---
    [[nodiscard]] Result<std::vector<PendingNotification>> pending_notifications();
    [[nodiscard]] Result<void> mark_notification_sent(std::int64_t id, TimePoint now);
    // Stays pending for the next run; attempts and last_error are kept.
    [[nodiscard]] Result<void> mark_notification_failed(std::int64_t id, TimePoint now,
                                                        std::string_view error);
    // A notification about the run rather than a name (upload.auth_failed). `payload` is a JSON
    // object; never deduplicated: the caller enqueues once per run.
    [[nodiscard]] Result<std::int64_t> enqueue_run_notification(std::string_view event,
                                                                std::string_view payload, TimePoint now);

    // --- upload budget: at most `limit_per_hour` new-project uploads in any sliding hour ---
    // Takes a slot if fewer than the limit were taken in (now - 1 h, now]. Atomic across processes.
    // Take the slot before uploading; give it back when the upload did not create a project.
    [[nodiscard]] Result<std::optional<UploadSlot>> try_take_upload_slot(TimePoint now, int limit_per_hour);
    [[nodiscard]] Result<void> return_upload_slot(UploadSlot slot);
    // How many slots try_take_upload_slot could take right now.
    [[nodiscard]] Result<std::int64_t> upload_slots_available(TimePoint now, int limit_per_hour);
    // When try_take_upload_slot could next succeed (now if it can now).
    [[nodiscard]] Result<TimePoint> next_upload_slot_at(TimePoint now, int limit_per_hour);

    // --- listing watermarks (per Artifactory repository key) ---
    [[nodiscard]] Result<std::optional<Watermark>> watermark(std::string_view repository);
    // After a successful listing: last_listing_at = now (and last_full_listing_at for a full one);
    // max_created is replaced by the caller's value (the max it saw, kept verbatim), or kept when nullopt.
    [[nodiscard]] Result<void> set_watermark(std::string_view repository,
                                             std::optional<std::string_view> max_created, ListingKind kind,
                                             TimePoint now);

    // --- webhook queue: committed (durable) when the call returns ---
    [[nodiscard]] Result<Enqueued> enqueue(std::string_view name, std::string_view repository,
                                           std::string_view path, TimePoint now);
    // Oldest first; nullopt when empty.
    [[nodiscard]] Result<std::optional<QueuedName>> next_queued();
    [[nodiscard]] Result<void> dequeue(std::string_view name);
    [[nodiscard]] Result<std::int64_t> queue_depth();

    // --- claims: one process at a time uploads for a name ---
    // True when `owner` now holds the claim: it was free, expired (expires_at <= now), or already
    // ours (the lease is renewed). Atomic across processes.
    [[nodiscard]] Result<bool> try_claim(std::string_view name, std::string_view owner, TimePoint now,
                                         std::chrono::seconds lease);
    // Only the holder can release; releasing what one does not hold is a no-op.
    [[nodiscard]] Result<void> release_claim(std::string_view name, std::string_view owner);

    // PRAGMA quick_check; for /healthz and tests.
    [[nodiscard]] Result<void> quick_check();

    struct Impl;

private:
    explicit Ledger(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace namekeeper::ledger
