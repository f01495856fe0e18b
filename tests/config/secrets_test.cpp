#include "config/config_test_support.hpp"
#include "namekeeper/config/loader.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sys/stat.h>

using namespace namekeeper::config;
using namekeeper::test::config_error;
using namekeeper::test::k_minimal_config;
using namekeeper::test::ScopedEnv;
using namekeeper::test::TempDir;

namespace {

void write(const std::filesystem::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

} // namespace

TEST_CASE("${VAR} is expanded in every value", "[config]") {
    const ScopedEnv host("NK_TEST_HOST", "artifactory.acme.example");
    const ScopedEnv team("NK_TEST_TEAM", "team");
    const ScopedEnv empty("NK_TEST_EMPTY", "");
    const ScopedEnv four("NK_TEST_FOUR", "4");
    const Config c = parse(R"(artifactory:
  url: https://${NK_TEST_HOST}/artifactory
  token: "${NK_TEST_EMPTY}"
  repositories: ["pypi-${NK_TEST_TEAM}", "${NK_TEST_TEAM}-${NK_TEST_TEAM}"]
  timeout: ${NK_TEST_FOUR}m
pypi:
  concurrency: ${NK_TEST_FOUR}
  contact: price $$5 ${NK_TEST_EMPTY}and $${NK_TEST_TEAM}
)",
                           "env.yaml");
    CHECK(c.artifactory.url == "https://artifactory.acme.example/artifactory");
    CHECK(c.artifactory.token.empty()); // set but empty is allowed
    CHECK(c.artifactory.repositories == std::vector<std::string>{"pypi-team", "team-team"});
    CHECK(c.artifactory.timeout == std::chrono::minutes{4});
    CHECK(c.pypi.concurrency == 4);
    CHECK(c.pypi.contact == "price $5 and ${NK_TEST_TEAM}");
}

TEST_CASE("a missing or malformed ${VAR} names the key", "[config]") {
    const ScopedEnv unset("ARTIFACTORY_TOKEN", std::nullopt);
    const ScopedEnv unset_team("NK_TEST_NO_TEAM", std::nullopt);
    CHECK(config_error(k_minimal_config + "  token: ${ARTIFACTORY_TOKEN}\n") ==
          "test.yaml:3:10: artifactory.token: environment variable ARTIFACTORY_TOKEN is not set");
    CHECK(config_error(k_minimal_config + "  repositories: [a, \"b-${NK_TEST_NO_TEAM}\"]\n") ==
          "test.yaml:3:21: artifactory.repositories[1]: environment variable NK_TEST_NO_TEAM is not set");
    CHECK(config_error(k_minimal_config + "pypi:\n  contact: costs $5\n") ==
          "test.yaml:4:12: pypi.contact: a $ must start ${VAR} or be doubled as $$ for a literal $");
    CHECK(config_error(k_minimal_config + "pypi:\n  contact: ${NK\n") ==
          "test.yaml:4:12: pypi.contact: ${ without a closing } (write $$ for a literal $)");
}

TEST_CASE("every secret has a *_file twin", "[config]") {
    TempDir dir;
    write(dir / "lf", "from-file\n");
    write(dir / "crlf", "from-file\r\n");
    write(dir / "url", "https://hooks.example/secret-path\n");

    const Config c = parse(k_minimal_config + "  username: u\n  password_file: " + (dir / "crlf").string() +
                               "\npypi:\n  token_file: " + (dir / "lf").string() +
                               "\nnotify:\n  slack_webhook_url_file: " + (dir / "url").string() +
                               "\n  webhook_url_file: " + (dir / "url").string() +
                               "\nwebhook:\n  secret_file: " + (dir / "lf").string() + "\n",
                           "twins.yaml");
    CHECK(c.artifactory.password.reveal() == "from-file");
    CHECK(c.pypi.token.reveal() == "from-file");
    CHECK(c.notify.slack_webhook_url.reveal() == "https://hooks.example/secret-path");
    CHECK(c.notify.webhook_url.reveal() == "https://hooks.example/secret-path");
    CHECK(c.webhook.secret.reveal() == "from-file");

    const Config t = parse(k_minimal_config + "  token_file: " + (dir / "lf").string() + "\n", "token.yaml");
    CHECK(t.artifactory.token.reveal() == "from-file");

    SECTION("an empty file gives an empty secret") {
        write(dir / "empty", "");
        CHECK(parse(k_minimal_config + "  token_file: " + (dir / "empty").string() + "\n", "t.yaml")
                  .artifactory.token.empty());
    }
    SECTION("only one trailing newline goes; a second line is an error") {
        write(dir / "two", "from-file\n\n");
        CHECK(config_error(k_minimal_config + "pypi:\n  token_file: " + (dir / "two").string() + "\n") ==
              "test.yaml:4:15: pypi.token_file: " + (dir / "two").string() +
                  ": expected one line without control characters");
    }
    SECTION("both of a pair") {
        CHECK(config_error(k_minimal_config + "pypi:\n  token_file: /x\n  token: t\n") ==
              "test.yaml:4:3: pypi.token_file: give either pypi.token or pypi.token_file, not both");
        CHECK(config_error(k_minimal_config +
                           "notify:\n  webhook_url: https://a.example\n  webhook_url_file: /x\n") ==
              "test.yaml:5:3: notify.webhook_url_file: give either notify.webhook_url or "
              "notify.webhook_url_file, "
              "not both");
        CHECK(config_error(k_minimal_config + "webhook:\n  secret: s\n  secret_file: /x\n") ==
              "test.yaml:5:3: webhook.secret_file: give either webhook.secret or webhook.secret_file, not "
              "both");
    }
    SECTION("unreadable files") {
        CHECK(config_error(k_minimal_config + "pypi:\n  token_file: " + (dir / "absent").string() + "\n") ==
              "test.yaml:4:15: pypi.token_file: cannot read " + (dir / "absent").string() +
                  ": No such file or directory");
        CHECK(config_error(k_minimal_config + "webhook:\n  secret_file: " + dir.path().string() + "\n") ==
              "test.yaml:4:16: webhook.secret_file: cannot read " + dir.path().string() + ": Is a directory");
        CHECK(config_error(k_minimal_config + "webhook:\n  secret_file: \"\"\n") ==
              "test.yaml:4:16: webhook.secret_file: expected the path of a file");
        if (::geteuid() != 0) { // root reads any file
            ::chmod((dir / "lf").c_str(), 0);
            CHECK(config_error(k_minimal_config + "  token_file: " + (dir / "lf").string() + "\n") ==
                  "test.yaml:3:15: artifactory.token_file: cannot read " + (dir / "lf").string() +
                      ": Permission denied");
        }
    }
    SECTION("a notification URL is checked without being quoted") {
        write(dir / "bad-url", "hooks.slack.com/services/x\n");
        CHECK(
            config_error(k_minimal_config +
                         "notify:\n  slack_webhook_url_file: " + (dir / "bad-url").string() + "\n") ==
            "test.yaml:4:27: notify.slack_webhook_url_file: expected an http:// or https:// URL with a host");
    }
}

TEST_CASE("secret values never appear in a message", "[config]") {
    const std::string secret = "S3cr3t-Distinctive-91f2";
    TempDir dir;
    write(dir / "multi", secret + "\n" + secret + "\n");
    write(dir / "bad-url", "ftp://" + secret + "\n");
    const ScopedEnv env("NK_TEST_SECRET", secret);

    const std::vector<std::string> configs{
        k_minimal_config + "  token: " + secret + "\n  tokn: x\n",
        k_minimal_config + "  token: " + secret + "\n  username: u\n  password: " + secret + "\n",
        k_minimal_config + "  password: " + secret + "\n",
        k_minimal_config + "  token: \"" + secret + "\\tx\"\n",
        k_minimal_config + "  token: [" + secret + "]\n",
        k_minimal_config + "  token: {" + secret + ": 1}\n",
        k_minimal_config + "  token: " + secret + "$x\n",
        k_minimal_config + "  token: " + secret + "${x\n",
        k_minimal_config + "  token: " + secret + "${" + secret + "}\n",
        k_minimal_config + "  token: \"" + secret + "\\q\"\n",
        k_minimal_config + "  token: " + secret + "\n  token_file: /x\n",
        k_minimal_config + "  token_file: " + (dir / "multi").string() + "\n",
        k_minimal_config + "pypi:\n  token: ${NK_TEST_SECRET}\n  concurrency: 0\n",
        k_minimal_config + "pypi:\n  token: \"${NK_TEST_SECRET}\\n\"\n",
        k_minimal_config + "notify:\n  webhook_url: ftp://" + secret + "\n",
        k_minimal_config + "notify:\n  webhook_url: https://" + secret + ":99999/\n",
        k_minimal_config + "notify:\n  slack_webhook_url_file: " + (dir / "bad-url").string() + "\n",
        k_minimal_config + "notify:\n  slack_webhook_url: [${NK_TEST_SECRET}]\n",
        k_minimal_config + "webhook:\n  secret: " + secret + "\n  insecure_no_auth: true\n",
        k_minimal_config + "webhook:\n  secret: " + secret + "\n  listen: " + secret + "\n",
    };
    for (const auto& yaml : configs) {
        const std::string message = config_error(yaml);
        INFO(yaml);
        CHECK(message != "loaded");
        CHECK(message.find("S3cr3t") == std::string::npos);
    }
}
