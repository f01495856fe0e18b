#include "ledger/schema.hpp"
#include "ledger_test_support.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <fstream>
#include <iterator>
#include <sys/wait.h>
#include <unistd.h>

using namespace namekeeper::ledger;
using namespace namekeeper::test;
using namespace std::chrono_literals;

namespace {

std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}

std::string garbage(std::size_t size) {
    std::string bytes(size, '\0');
    std::uint32_t x = 2463534242u;
    for (char& c : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x & 0xff);
    }
    return bytes;
}

LedgerError open_error(const std::filesystem::path& path, OpenOptions options = {}) {
    auto l = Ledger::open(path, "test", options);
    REQUIRE_FALSE(l.has_value());
    return l.error();
}

} // namespace

TEST_CASE("open creates the folder and a WAL ledger at the latest schema", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "var" / "lib" / "ledger.sqlite3";
    {
        Ledger l = open_ok(path);
        CHECK(l.path() == path);
        CHECK(l.schema_version() == schema::latest_version());
        ok(l.quick_check());
    }
    REQUIRE(std::filesystem::exists(path));
    SQLite::Database raw(path.string());
    CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == schema::latest_version());
}

TEST_CASE("reopening a ledger changes nothing", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    const std::vector<SeenName> batch{seen("acme-utils", "pypi-local", "1.0")};
    {
        Ledger l = open_ok(path);
        ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    }
    Ledger again = open_ok(path);
    CHECK(ok(again.events()).size() == 1);
    CHECK(ok(again.get("acme-utils")).has_value());
    SQLite::Database raw(path.string());
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == schema::latest_version());
}

TEST_CASE("a file that is not SQLite is refused and left byte for byte", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    const std::string bytes = garbage(4096);
    write_bytes(path, bytes);
    const auto error = open_error(path);
    CHECK(error.kind == LedgerErrorKind::not_a_database);
    CHECK(error.message == "ledger " + path.string() +
                               " is not an SQLite database (file is not a database); refusing to touch it");
    CHECK(read_bytes(path) == bytes);
    CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
    SECTION("read-only too") {
        CHECK(open_error(path, {.access = Access::read_only}).kind == LedgerErrorKind::not_a_database);
        CHECK(read_bytes(path) == bytes);
    }
}

TEST_CASE("damaged pages are reported, never repaired", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    {
        Ledger l = open_ok(path);
        std::vector<SeenName> batch;
        for (int i = 0; i < 500; ++i) {
            batch.push_back(seen("acme-" + std::to_string(i), "pypi-local", "1.0"));
        }
        ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    }
    std::string bytes = read_bytes(path);
    REQUIRE(bytes.size() > 8192);
    // Page 1 (the header and the table of tables) stays intact; everything after it is noise.
    bytes.replace(4096, bytes.size() - 4096, garbage(bytes.size() - 4096));
    write_bytes(path, bytes);

    {
        auto l = Ledger::open(path, "test");
        if (l) {
            const auto listed = l->list();
            REQUIRE_FALSE(listed.has_value());
            CHECK(listed.error().kind == LedgerErrorKind::damaged);
            CHECK(listed.error().message ==
                  "ledger " + path.string() +
                      " is damaged (database disk image is malformed); refusing to touch it");
            CHECK(l->quick_check().error().kind == LedgerErrorKind::damaged);
        } else {
            CHECK(l.error().kind == LedgerErrorKind::damaged);
        }
    }
    CHECK(read_bytes(path) == bytes);
}

TEST_CASE("an SQLite database of another program is refused", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "other.db";
    {
        SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
    }
    const std::string bytes = read_bytes(path);
    const auto error = open_error(path);
    CHECK(error.kind == LedgerErrorKind::foreign_database);
    CHECK(error.message == "ledger " + path.string() +
                               " is an SQLite database of another program (it has tables but no namekeeper "
                               "schema); refusing to touch it");
    CHECK(read_bytes(path) == bytes);
}

TEST_CASE("a ledger from a newer namekeeper is refused", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    {
        SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        schema::migrate(raw, schema::latest_version());
        raw.exec("PRAGMA user_version = 99");
    }
    const auto error = open_error(path);
    CHECK(error.kind == LedgerErrorKind::too_new);
    CHECK(error.message ==
          "ledger " + path.string() + " has schema version 99, newer than this namekeeper knows (" +
              std::to_string(schema::latest_version()) + "); upgrade namekeeper, refusing to touch it");
}

TEST_CASE("a version 1 ledger is migrated and keeps its names", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    {
        SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        schema::migrate(raw, 1);
        REQUIRE(schema::current_version(raw) == 1);
        raw.exec(
            "INSERT INTO names (name, display_name, state, first_seen, updated_at) "
            "VALUES ('acme-old', 'Acme_Old', 'reserved', '2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z')");
    }
    SECTION("read-only opening asks for a reconcile first") {
        const auto error = open_error(path, {.access = Access::read_only});
        CHECK(error.kind == LedgerErrorKind::too_old);
        CHECK(error.message ==
              "ledger " + path.string() + " has schema version 1, older than this namekeeper (" +
                  std::to_string(schema::latest_version()) + "); run namekeeper reconcile to upgrade it");
    }
    SECTION("read-write opening migrates") {
        Ledger l = open_ok(path);
        const auto old = ok(l.get("acme-old"));
        REQUIRE(old.has_value());
        CHECK(old->display_name == "Acme_Old");
        CHECK(old->state == NameState::reserved);
        CHECK(format_utc(old->updated_at) == "2025-01-02T00:00:00Z");
        CHECK(ok(l.enqueue("acme-new", "pypi-local", "acme-new/1.0/x.whl", at("2026-01-01T00:00:00Z"))) ==
              Enqueued::newly);
        SQLite::Database raw(path.string());
        CHECK(schema::current_version(raw) == schema::latest_version());
    }
}

TEST_CASE("read-only opening needs an existing ledger and writes nothing", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    const auto missing = open_error(path, {.access = Access::read_only});
    CHECK(missing.kind == LedgerErrorKind::missing);
    CHECK(missing.message ==
          "ledger " + path.string() + " does not exist yet; run namekeeper reconcile first");
    CHECK_FALSE(std::filesystem::exists(path));

    {
        Ledger writer = open_ok(path);
        const std::vector<SeenName> batch{seen("acme-utils", "pypi-local")};
        ok(writer.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    }
    Ledger reader = open_ok(path, "status", {.access = Access::read_only});
    CHECK(ok(reader.counts())[NameState::pending] == 1);
    const auto refused = reader.enqueue("acme-x", "pypi-local", "p", at("2026-12-04T10:00:00Z"));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == LedgerErrorKind::read_only);
}

TEST_CASE("a folder that cannot be made is reported", "[ledger][open]") {
    TempDir dir;
    write_bytes(dir / "file", "x");
    const auto path = dir / "file" / "sub" / "ledger.sqlite3";
    const auto error = open_error(path);
    CHECK(error.kind == LedgerErrorKind::cannot_create_folder);
    CHECK(error.message == "cannot create folder " + (dir / "file" / "sub").string() + " for ledger " +
                               path.string() + ": Not a directory");
}

TEST_CASE("a ledger locked by another process fails after the busy timeout", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    const OpenOptions quick{.busy_timeout = 200ms};
    const std::string locked_message =
        "ledger " + path.string() + " is locked by another process (gave up after 200 ms)";
    { Ledger created = open_ok(path); }

    SECTION("opening, while a rollback-journal writer holds EXCLUSIVE") {
        SQLite::Database other(path.string(), SQLite::OPEN_READWRITE);
        other.exec("PRAGMA journal_mode = DELETE");
        other.exec("BEGIN EXCLUSIVE");
        other.exec("INSERT INTO queue (name, repository, path, queued_at) VALUES ('x', 'r', 'p', 't')");
        const auto error = open_error(path, quick);
        CHECK(error.kind == LedgerErrorKind::locked);
        CHECK(error.message == locked_message);
        other.exec("ROLLBACK");
    }
    SECTION("writing, while another connection holds the write lock") {
        Ledger l = open_ok(path, "test", quick);
        SQLite::Database other(path.string(), SQLite::OPEN_READWRITE);
        other.exec("BEGIN IMMEDIATE");
        other.exec("INSERT INTO queue (name, repository, path, queued_at) VALUES ('x', 'r', 'p', 't')");
        const auto refused = l.enqueue("acme-utils", "pypi-local", "p", at("2026-12-04T10:00:00Z"));
        REQUIRE_FALSE(refused.has_value());
        CHECK(refused.error().kind == LedgerErrorKind::locked);
        CHECK(refused.error().message == locked_message);
        // Reads go on: WAL readers do not wait for the writer.
        CHECK(ok(l.queue_depth()) == 0);
        other.exec("ROLLBACK");
        CHECK(ok(l.enqueue("acme-utils", "pypi-local", "p", at("2026-12-04T10:00:00Z"))) == Enqueued::newly);
    }
}

TEST_CASE("a writer killed mid-transaction leaves nothing behind", "[ledger][open]") {
    TempDir dir;
    const auto path = dir / "ledger.sqlite3";
    {
        Ledger l = open_ok(path);
        const std::vector<SeenName> batch{seen("acme-before", "pypi-local")};
        ok(l.record_seen(batch, at("2026-12-04T10:00:00Z"), dotted_less));
    }
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // A big transaction with a tiny page cache, so uncommitted pages spill into the WAL file.
        SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA cache_size = 2");
        raw.exec("BEGIN IMMEDIATE");
        for (int i = 0; i < 2000; ++i) {
            raw.exec(
                "INSERT INTO names (name, display_name, state, first_seen, updated_at) VALUES ('killed-" +
                std::to_string(i) + "', 'k', 'pending', 't', 't')");
        }
        ::_exit(0); // no COMMIT, no close
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    Ledger l = open_ok(path);
    ok(l.quick_check());
    const auto names = ok(l.list());
    REQUIRE(names.size() == 1);
    CHECK(names[0].name == "acme-before");
}
