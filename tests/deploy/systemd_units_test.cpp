#include "support/files.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace namekeeper::test;

namespace {

// systemd-analyze verify checks that ExecStart= is executable, so the copy under test points at the
// freshly built binary; everything else is verified exactly as it is installed.
std::filesystem::path copy_for_verify(const TempDir& dir, const std::string& unit) {
    std::string text = read_file(std::filesystem::path(NAMEKEEPER_UNIT_DIR) / unit);
    const std::string installed = NAMEKEEPER_INSTALLED_BINARY;
    for (auto at = text.find(installed); at != std::string::npos; at = text.find(installed, at)) {
        text.replace(at, installed.size(), namekeeper_binary());
        at += namekeeper_binary().size();
    }
    std::ofstream(dir / unit) << text;
    return dir / unit;
}

} // namespace

TEST_CASE("systemd units pass systemd-analyze verify", "[deploy][systemd]") {
    TempDir dir;
    const auto reconcile = copy_for_verify(dir, "namekeeper-reconcile.service");
    const auto timer = copy_for_verify(dir, "namekeeper-reconcile.timer");
    const auto webhook = copy_for_verify(dir, "namekeeper-webhook.service");
    const auto result =
        run_process({"systemd-analyze", "verify", reconcile.string(), timer.string(), webhook.string()});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
}

TEST_CASE("systemd units are hardened and take secrets as credentials", "[deploy][systemd]") {
    for (const char* unit : {"namekeeper-reconcile.service", "namekeeper-webhook.service"}) {
        const std::string text = read_file(std::filesystem::path(NAMEKEEPER_UNIT_DIR) / unit);
        INFO(unit);
        CHECK(text.find("DynamicUser=yes") != std::string::npos);
        CHECK(text.find("StateDirectory=namekeeper") != std::string::npos);
        CHECK(text.find("ProtectSystem=strict") != std::string::npos);
        CHECK(text.find("LoadCredential=pypi-token:") != std::string::npos);
        CHECK(text.find("NoNewPrivileges=yes") != std::string::npos);
        CHECK(text.find("Environment=") == std::string::npos); // secrets never travel as environment
    }
}
