#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace namekeeper::test;

TEST_CASE("run_process feeds stdin and collects both streams and the exit status", "[support]") {
    const auto result = run_process({"sh", "-c", "cat; echo oops >&2; exit 3"}, "hello");
    CHECK(result.out == "hello");
    CHECK(result.err == "oops\n");
    CHECK(result.exit_code == 3);
}

TEST_CASE("TempDir is empty at first and removed afterwards", "[support]") {
    std::filesystem::path kept;
    {
        TempDir dir;
        kept = dir.path();
        CHECK(std::filesystem::is_empty(kept));
        std::ofstream(dir / "f") << "x";
    }
    CHECK_FALSE(std::filesystem::exists(kept));
}
