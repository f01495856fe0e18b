// util::FileLock on a real file: exclusive, released with the object, released by the kernel when the
// holder dies.

#include "namekeeper/util/file_lock.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namekeeper::util::FileLock;

using namekeeper::test::read_file;

namespace {} // namespace

TEST_CASE("a second lock in the same process is refused, naming the lock and the holder", "[util]") {
    const namekeeper::test::TempDir dir;
    const auto path = dir / "reconcile.lock";
    auto first = FileLock::try_acquire(path);
    REQUIRE(first.has_value());
    CHECK(read_file(path) == fmt::format("{}\n", ::getpid()));

    const auto second = FileLock::try_acquire(path);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error() == fmt::format("another namekeeper reconcile is running (lock {} held by pid {})",
                                        path.string(), ::getpid()));

    SECTION("released when the holder is destroyed") {
        { const FileLock gone = std::move(*first); }
        CHECK(FileLock::try_acquire(path).has_value());
    }
    SECTION("a moved lock is still held; its new owner releases it") {
        FileLock moved = std::move(*first); // `first` keeps a moved-from lock, which releases nothing
        CHECK_FALSE(FileLock::try_acquire(path).has_value());
        auto other = FileLock::try_acquire(dir / "other.lock");
        REQUIRE(other.has_value());
        moved = std::move(*other); // releases reconcile.lock, takes over other.lock
        CHECK(FileLock::try_acquire(path).has_value());
        CHECK_FALSE(FileLock::try_acquire(dir / "other.lock").has_value());
    }
}

TEST_CASE("a lock file nobody holds says nothing about an old pid", "[util]") {
    const namekeeper::test::TempDir dir;
    const auto path = dir / "reconcile.lock";
    {
        std::ofstream stale(path);
        stale << "999999\n";
    }
    const auto lock = FileLock::try_acquire(path);
    REQUIRE(lock.has_value());
    CHECK(read_file(path) == fmt::format("{}\n", ::getpid()));
}

TEST_CASE("a lock that cannot be opened says why", "[util]") {
    const namekeeper::test::TempDir dir;
    const auto path = dir / "missing-folder" / "reconcile.lock";
    const auto lock = FileLock::try_acquire(path);
    REQUIRE_FALSE(lock.has_value());
    CHECK(lock.error() == fmt::format("cannot open lock file {}: No such file or directory", path.string()));
}

TEST_CASE("a killed holder in another process leaves no stale lock", "[util]") {
    const namekeeper::test::TempDir dir;
    const auto path = dir / "reconcile.lock";
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        const auto lock = FileLock::try_acquire(path);
        const char answer = lock ? 'y' : 'n';
        if (::write(ready[1], &answer, 1) != 1) {
            ::_exit(2);
        }
        ::pause(); // until killed, holding the lock
        ::_exit(0);
    }
    ::close(ready[1]);
    char answer = 0;
    REQUIRE(::read(ready[0], &answer, 1) == 1);
    ::close(ready[0]);
    REQUIRE(answer == 'y');

    const auto refused = FileLock::try_acquire(path);
    CHECK_FALSE(refused.has_value());
    if (!refused) {
        CHECK(refused.error() ==
              fmt::format("another namekeeper reconcile is running (lock {} held by pid {})", path.string(),
                          child));
    }

    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(FileLock::try_acquire(path).has_value());
}
