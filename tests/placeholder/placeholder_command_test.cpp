#include "namekeeper/util/digest.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace namekeeper;
using test::namekeeper_binary;
using test::run_process;
using test::TempDir;

using namekeeper::test::read_file;

namespace {

// No configuration file: the command falls back to the defaults (wheel only).
const std::vector<std::string> k_no_config{"NAMEKEEPER_CONFIG=/nonexistent/namekeeper.yaml"};

} // namespace

TEST_CASE("placeholder writes one wheel per name and lists it with its sha256", "[placeholder][cli]") {
    TempDir dir;
    const auto out = dir / "out" / "nested";
    const auto result = run_process(
        {namekeeper_binary(), "placeholder", "Acme.Utils", "a", "acme__utils", "--out", out.string()}, {},
        k_no_config);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto wheel = out / "acme_utils-0.0.0-py3-none-any.whl";
    const auto small = out / "a-0.0.0-py3-none-any.whl";
    const std::string wheel_sha = util::digest_hex(util::DigestKind::sha256, read_file(wheel));
    const std::string small_sha = util::digest_hex(util::DigestKind::sha256, read_file(small));
    // acme__utils normalizes like Acme.Utils: the same file, listed once.
    CHECK(result.out ==
          wheel.string() + "  sha256=" + wheel_sha + "\n" + small.string() + "  sha256=" + small_sha + "\n");
    CHECK(result.err.empty());
}

TEST_CASE("placeholder bytes do not depend on the time zone", "[placeholder][cli]") {
    TempDir dir;
    std::vector<std::string> lines;
    for (const char* zone : {"TZ=UTC", "TZ=EST5EDT", "TZ=JST-9", "TZ=NZST-12NZDT"}) {
        auto env = k_no_config;
        env.emplace_back(zone);
        const auto result = run_process(
            {namekeeper_binary(), "placeholder", "acme-utils", "--out", dir.path().string()}, {}, env);
        REQUIRE(result.exit_code == 0);
        lines.push_back(result.out);
    }
    CHECK(lines[1] == lines[0]);
    CHECK(lines[2] == lines[0]);
    CHECK(lines[3] == lines[0]);
}

TEST_CASE("placeholder refuses an invalid name before writing anything", "[placeholder][cli]") {
    TempDir dir;
    const auto out = dir / "out";
    const auto result =
        run_process({namekeeper_binary(), "placeholder", "--out", out.string(), "--", "acme-utils", "-bad"},
                    {}, k_no_config);
    CHECK(result.exit_code == 2);
    CHECK(result.err == "namekeeper: \"-bad\" is not a valid project name\n");
    CHECK(result.out.empty());
    CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("placeholder exits 1 when it cannot write", "[placeholder][cli]") {
    TempDir dir;
    SECTION("the output folder cannot be created") {
        std::ofstream(dir / "file") << "x";
        const auto out = dir / "file" / "sub";
        const auto result = run_process(
            {namekeeper_binary(), "placeholder", "acme-utils", "--out", out.string()}, {}, k_no_config);
        CHECK(result.exit_code == 1);
        CHECK(result.err == "namekeeper: cannot create " + out.string() + ": Not a directory\n");
        CHECK(result.out.empty());
    }
    SECTION("a folder stands where the file should go") {
        const auto blocker = dir / "a-0.0.0-py3-none-any.whl";
        std::filesystem::create_directory(blocker);
        const auto result = run_process(
            {namekeeper_binary(), "placeholder", "a", "--out", dir.path().string()}, {}, k_no_config);
        CHECK(result.exit_code == 1);
        CHECK(result.err == "namekeeper: cannot write " + blocker.string() + ": Is a directory\n");
        CHECK(result.out.empty());
    }
}
