#pragma once

// The values that go into and come out of the ledger (ledger.hpp). Plain data, no SQLite.

#include "namekeeper/ledger/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::ledger {

// SPEC.md, "Deciding a name's state". The order is the order of reports and of StateCounts.
enum class NameState { pending, reserved, owned, taken, blocked, ignored, failed };
inline constexpr std::size_t k_state_count = 7;
inline constexpr std::array<NameState, k_state_count> k_all_states{
    NameState::pending, NameState::reserved, NameState::owned, NameState::taken,
    NameState::blocked, NameState::ignored,  NameState::failed};

enum class Risk { critical, warning };

[[nodiscard]] std::string_view to_string(NameState state);
[[nodiscard]] std::string_view to_string(Risk risk);
[[nodiscard]] std::optional<NameState> parse_state(std::string_view text);
[[nodiscard]] std::optional<Risk> parse_risk(std::string_view text);

enum class LedgerErrorKind {
    cannot_create_folder, // the parent folder is missing and could not be made
    missing,              // read-only open of a file that does not exist
    cannot_open,          // the OS refused the file (permissions, a folder in the way...)
    not_a_database,       // not an SQLite file: left byte for byte as it was
    damaged,              // an SQLite file whose pages are malformed: left as it was
    foreign_database,     // an SQLite file of some other program
    too_new,              // written by a newer namekeeper (schema version above ours)
    too_old,              // read-only open of a ledger that needs a migration first
    locked,               // another process kept the write lock past the busy timeout
    read_only,            // a write through a read-only Ledger
    unknown_name,         // apply()/record_upload()/mark_checked() on a name never seen
    failed,               // anything else SQLite reported (disk full, I/O error...)
};

struct LedgerError {
    LedgerErrorKind kind;
    std::string message; // one line, names the ledger file; never holds secrets
};

struct NameRecord {
    std::string name;         // PEP 503 normalized, the key
    std::string display_name; // as first seen
    NameState state = NameState::pending;
    std::optional<std::string> reason; // blocked: invalid-name|stdlib|prohibited|too-similar; free text else
    std::optional<Risk> risk;          // taken only
    std::vector<std::string> repositories; // sorted, unique
    std::optional<std::string> internal_version;
    std::optional<std::string> public_version;
    std::vector<std::string> owners; // as the public index listed them
    TimePoint first_seen;
    TimePoint updated_at;                     // last change of anything but checked_at
    std::optional<TimePoint> checked_at;      // last public look-up that settled the name
    int attempts = 0;                         // settling attempts (apply() with any state but pending)
    int failures = 0;                         // consecutive failed attempts; drives the backoff
    std::optional<TimePoint> next_attempt_at; // failed: not before this
    std::optional<std::string> last_error;
    std::optional<std::string> mismatch; // folder/filename disagreement note
};

// One artifact's worth of evidence for record_seen(). Several entries may share a name.
struct SeenName {
    std::string name; // normalized
    std::string display_name;
    std::string repository;
    std::optional<std::string> version;  // PEP 440 text as found
    std::optional<std::string> mismatch; // e.g. "folder Acme_Utils, file acme-utils-1.0.tar.gz"
};

// What a look-up or an upload decided; see Ledger::apply for how each field is used.
struct Outcome {
    NameState state = NameState::pending;
    std::optional<std::string> reason;
    std::optional<Risk> risk;
    std::optional<std::string> public_version;
    std::vector<std::string> owners;
    std::optional<std::string> error; // kept in last_error; state failed or pending
    // A pending outcome that rests on a look-up (the name was free; the upload has to wait): the
    // look-up counts as a check, so the name is not looked up again before recheck_after, unless
    // an upload slot is there for it (Ledger::waiting_for_upload).
    bool checked = false;
};

struct ApplyResult {
    bool state_changed = false;       // state or risk differs from before
    bool notification_queued = false; // an outbox row was added
};

struct StateCounts {
    std::array<std::int64_t, k_state_count> by_state{};
    [[nodiscard]] std::int64_t operator[](NameState s) const { return by_state[static_cast<std::size_t>(s)]; }
    [[nodiscard]] std::int64_t total() const;
};

struct Event {
    std::int64_t id = 0;
    TimePoint at;
    std::string actor; // "reconcile", "serve", ...
    std::int64_t pid = 0;
    std::optional<std::string> name;
    std::string kind; // seen | state_change | failure | upload | notification | notification_failed
    std::optional<std::string> from_state;
    std::optional<std::string> to_state;
    std::string detail; // JSON object
};

struct UploadRecord {
    std::string name;
    std::string filename;
    std::string sha256;
    std::string outcome; // the caller's word: "reserved", "too-similar", "http-500" ...
    TimePoint at;
};

// An outbox row. `payload` is the generic webhook's JSON body (SPEC.md, "Notifications"), frozen
// when the change happened so that a late retry reports what was true then.
struct PendingNotification {
    std::int64_t id = 0;
    std::string event; // name.taken | name.reserved | name.failed | upload.auth_failed
    std::optional<std::string> name;
    std::string payload;
    TimePoint created_at;
    int attempts = 0; // failed deliveries so far
    std::optional<std::string> last_error;
};

struct UploadSlot {
    std::int64_t id = 0;
};

enum class ListingKind { incremental, full };

struct Watermark {
    std::string repository;
    std::optional<std::string> max_created; // Artifactory's `created`, verbatim
    std::optional<TimePoint> last_listing_at;
    std::optional<TimePoint> last_full_listing_at;
};

struct QueuedName {
    std::string name;
    std::string repository;
    std::string path;
    TimePoint queued_at;
};

enum class Enqueued { newly, already };

} // namespace namekeeper::ledger
