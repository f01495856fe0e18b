#include "config/config_test_support.hpp"
#include "namekeeper/config/loader.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace namekeeper::config;
using namekeeper::test::config_error;
using namekeeper::test::k_minimal_config;
using namekeeper::test::ScopedEnv;
using namekeeper::test::TempDir;
using std::chrono::seconds;

TEST_CASE("default values", "[config]") {
    const Config c = parse(k_minimal_config, "minimal.yaml");
    CHECK(c.source == "minimal.yaml");

    CHECK(c.artifactory.url == "https://artifactory.example.com/artifactory");
    CHECK(c.artifactory.token.empty());
    CHECK(c.artifactory.username.empty());
    CHECK(c.artifactory.password.empty());
    CHECK(c.artifactory.repositories.empty());
    CHECK(c.artifactory.page_size == 10000);
    CHECK(c.artifactory.timeout == seconds{30});

    CHECK(c.pypi.index_url == "https://pypi.org");
    CHECK(c.pypi.upload_url == "https://upload.pypi.org/legacy/");
    CHECK(c.pypi.token.empty());
    CHECK(c.pypi.owners.empty());
    CHECK(c.pypi.organizations.empty());
    CHECK(c.pypi.known_emails.empty());
    CHECK(c.pypi.concurrency == 4);
    CHECK(c.pypi.max_new_projects_per_hour == 10);
    CHECK(c.pypi.timeout == seconds{30});
    CHECK(c.pypi.contact.empty());

    CHECK(c.placeholder.version == "0.0.0");
    CHECK(c.placeholder.summary == "Reserved name to protect users from dependency confusion");
    CHECK(c.placeholder.description.empty());
    CHECK(c.placeholder.author == "Security Team");
    CHECK(c.placeholder.author_email.empty());
    CHECK(c.placeholder.project_url.empty());
    CHECK(c.placeholder.formats == std::vector<PlaceholderFormat>{PlaceholderFormat::wheel});

    CHECK(c.ledger.path == "/var/lib/namekeeper/ledger.sqlite3");

    CHECK(c.policy.ignore.empty());
    CHECK(c.policy.recheck_after == seconds{24 * 3600});
    CHECK(c.policy.full_listing_every == seconds{7 * 24 * 3600});

    CHECK(c.notify.slack_webhook_url.empty());
    CHECK(c.notify.webhook_url.empty());

    CHECK(c.webhook.listen == "127.0.0.1:8080");
    CHECK(c.webhook.secret.empty());
    CHECK_FALSE(c.webhook.insecure_no_auth);
    CHECK(c.webhook.max_body_bytes == 1048576);

    CHECK(c.log.level == "info");
    CHECK(c.log.format == "text");

    SECTION("empty sections keep the defaults too") {
        const Config d = parse(k_minimal_config + "pypi:\nplaceholder: {}\nlog:\n", "minimal.yaml");
        CHECK(d.pypi.concurrency == 4);
        CHECK(d.placeholder.version == "0.0.0");
        CHECK(d.log.level == "info");
    }
}

TEST_CASE("every key lands in its field", "[config]") {
    const Config c = parse(R"(artifactory:
  url: http://localhost:8081/artifactory//
  username: reader
  password: hunter2
  repositories: [pypi-local, pypi-team.b]
  page_size: 1
  timeout: 90s
pypi:
  index_url: https://test.pypi.org/
  upload_url: https://test.pypi.org/legacy/
  token: pypi-abc
  owners: [acme-security, bob]
  organizations: [acme]
  known_emails: [a@acme.example]
  concurrency: 64
  max_new_projects_per_hour: 0
  timeout: 2m
  contact: security@acme.example
placeholder:
  version: 0.0.1.dev0
  summary: Held by ACME
  description: |
    Line one.
    Line two.
  author: ACME
  author_email: sec@acme.example
  project_url: https://acme.example/security
  formats: [sdist, wheel]
ledger:
  path: ./ledger.sqlite3
policy:
  ignore: ["acme-*-fork", "tmp-*"]
  recheck_after: 12h
  full_listing_every: 1d
notify:
  slack_webhook_url: https://hooks.slack.com/services/T/B/X
  webhook_url: https://hooks.acme.example/namekeeper?token=t
webhook:
  listen: "[::1]:9090"
  insecure_no_auth: true
  max_body_bytes: 4096
log:
  level: debug
  format: json
)",
                           "full.yaml");
    CHECK(c.artifactory.url == "http://localhost:8081/artifactory");
    CHECK(c.artifactory.token.empty());
    CHECK(c.artifactory.username == "reader");
    CHECK(c.artifactory.password.reveal() == "hunter2");
    CHECK(c.artifactory.repositories == std::vector<std::string>{"pypi-local", "pypi-team.b"});
    CHECK(c.artifactory.page_size == 1);
    CHECK(c.artifactory.timeout == seconds{90});
    CHECK(c.pypi.index_url == "https://test.pypi.org");
    CHECK(c.pypi.upload_url == "https://test.pypi.org/legacy/");
    CHECK(c.pypi.token.reveal() == "pypi-abc");
    CHECK(c.pypi.owners == std::vector<std::string>{"acme-security", "bob"});
    CHECK(c.pypi.organizations == std::vector<std::string>{"acme"});
    CHECK(c.pypi.known_emails == std::vector<std::string>{"a@acme.example"});
    CHECK(c.pypi.concurrency == 64);
    CHECK(c.pypi.max_new_projects_per_hour == 0);
    CHECK(c.pypi.timeout == seconds{120});
    CHECK(c.pypi.contact == "security@acme.example");
    CHECK(c.placeholder.version == "0.0.1.dev0");
    CHECK(c.placeholder.summary == "Held by ACME");
    CHECK(c.placeholder.description == "Line one.\nLine two.\n");
    CHECK(c.placeholder.author == "ACME");
    CHECK(c.placeholder.author_email == "sec@acme.example");
    CHECK(c.placeholder.project_url == "https://acme.example/security");
    CHECK(c.placeholder.formats ==
          std::vector<PlaceholderFormat>{PlaceholderFormat::sdist, PlaceholderFormat::wheel});
    CHECK(c.ledger.path == "./ledger.sqlite3");
    CHECK(c.policy.ignore == std::vector<std::string>{"acme-*-fork", "tmp-*"});
    CHECK(c.policy.recheck_after == seconds{12 * 3600});
    CHECK(c.policy.full_listing_every == seconds{24 * 3600});
    CHECK(c.notify.slack_webhook_url.reveal() == "https://hooks.slack.com/services/T/B/X");
    CHECK(c.notify.webhook_url.reveal() == "https://hooks.acme.example/namekeeper?token=t");
    CHECK(c.webhook.listen == "[::1]:9090");
    CHECK(c.webhook.secret.empty());
    CHECK(c.webhook.insecure_no_auth);
    CHECK(c.webhook.max_body_bytes == 4096);
    CHECK(c.log.level == "debug");
    CHECK(c.log.format == "json");
}

TEST_CASE("unknown keys name the key and the ones expected", "[config]") {
    CHECK(
        config_error(k_minimal_config + "pypy:\n  concurrency: 2\n") ==
        "test.yaml:3:1: pypy: unknown key (expected one of: artifactory, pypi, placeholder, ledger, policy, "
        "notify, webhook, log)");
    CHECK(config_error(k_minimal_config + "pypi:\n  timeout: 30s\n  tokn: x\n") ==
          "test.yaml:5:3: pypi.tokn: unknown key (expected one of: index_url, upload_url, token, token_file, "
          "owners, organizations, known_emails, concurrency, max_new_projects_per_hour, timeout, contact)");
    CHECK(config_error(k_minimal_config + "log: {level: info, colour: true}\n") ==
          "test.yaml:3:20: log.colour: unknown key (expected one of: level, format)");
    CHECK(config_error(k_minimal_config + "ledger:\n  path: a\n  path: b\n") ==
          "test.yaml:5:3: ledger.path: given twice (first at line 4)");
}

TEST_CASE("wrong types and values out of range", "[config]") {
    const auto error = [](const std::string& section) { return config_error(k_minimal_config + section); };
    CHECK(error("pypi:\n  contact: [a, b]\n") == "test.yaml:4:12: pypi.contact: expected a string");
    CHECK(error("pypi:\n  contact:\n") == "test.yaml:4:3: pypi.contact: expected a string");
    CHECK(error("pypi:\n  owners: acme\n") ==
          "test.yaml:4:11: pypi.owners: expected a list of strings, such as [a, b]");
    CHECK(error("pypi:\n  owners: [acme, [x]]\n") == "test.yaml:4:18: pypi.owners[1]: expected a string");
    CHECK(error("pypi:\n  owners: [acme, bad name]\n") ==
          "test.yaml:4:18: pypi.owners[1]: expected a name without spaces");
    CHECK(error("pypi:\n  concurrency: 0\n") ==
          "test.yaml:4:16: pypi.concurrency: expected a whole number from 1 to 64");
    CHECK(error("pypi:\n  concurrency: -3\n") ==
          "test.yaml:4:16: pypi.concurrency: expected a whole number from 1 to 64");
    CHECK(error("pypi:\n  concurrency: 65\n") ==
          "test.yaml:4:16: pypi.concurrency: expected a whole number from 1 to 64");
    CHECK(error("pypi:\n  max_new_projects_per_hour: -1\n") ==
          "test.yaml:4:30: pypi.max_new_projects_per_hour: expected a whole number from 0 to 10000");
    CHECK(config_error(k_minimal_config + "  page_size: 10000.0\n") ==
          "test.yaml:3:14: artifactory.page_size: expected a whole number from 1 to 100000");
    CHECK(config_error(k_minimal_config + "  page_size: 100001\n") ==
          "test.yaml:3:14: artifactory.page_size: expected a whole number from 1 to 100000");
    CHECK(config_error(k_minimal_config + "  page_size: {a: 1}\n") ==
          "test.yaml:3:14: artifactory.page_size: expected a whole number from 1 to 100000");
    CHECK(error("webhook:\n  max_body_bytes: 0\n") ==
          "test.yaml:4:19: webhook.max_body_bytes: expected a whole number from 1 to 1073741824");
    CHECK(error("webhook:\n  insecure_no_auth: yes\n") ==
          "test.yaml:4:21: webhook.insecure_no_auth: expected true or false");
    CHECK(
        error("pypi: [a]\n") ==
        "test.yaml:3:7: pypi: expected a mapping of keys (one of: index_url, upload_url, token, token_file, "
        "owners, organizations, known_emails, concurrency, max_new_projects_per_hour, timeout, contact)");
    CHECK(
        config_error("- artifactory\n") ==
        "test.yaml:1:1: expected a mapping of keys (one of: artifactory, pypi, placeholder, ledger, policy, "
        "notify, webhook, log)");
}

TEST_CASE("durations, URLs, listeners and enumerations", "[config]") {
    const auto error = [](const std::string& section) { return config_error(k_minimal_config + section); };
    CHECK(error("policy:\n  recheck_after: 1 day\n") ==
          "test.yaml:4:18: policy.recheck_after: expected a duration like 30s, 10m, 24h or 7d");
    CHECK(error("pypi:\n  timeout: 0s\n") ==
          "test.yaml:4:12: pypi.timeout: expected a duration like 30s, 10m, 24h or 7d");
    CHECK(config_error("artifactory:\n  url: artifactory.example.com\n") ==
          "test.yaml:2:8: artifactory.url: expected an http:// or https:// URL with a host");
    CHECK(
        config_error("artifactory:\n  url: https://admin:pw@a.example/artifactory\n") ==
        "test.yaml:2:8: artifactory.url: must not hold user:password@ (give credentials in their own keys)");
    CHECK(error("pypi:\n  upload_url: https://upload.pypi.org/legacy\n") ==
          "test.yaml:4:15: pypi.upload_url: must end with /, as in https://upload.pypi.org/legacy/ (without "
          "it the "
          "upload API answers with a 308 redirect)");
    CHECK(error("pypi:\n  index_url: ftp://pypi.org\n") ==
          "test.yaml:4:14: pypi.index_url: expected an http:// or https:// URL with a host");
    CHECK(error("log:\n  level: verbose\n") ==
          "test.yaml:4:10: log.level: expected one of trace, debug, info, warn, error");
    CHECK(error("log:\n  format: xml\n") == "test.yaml:4:11: log.format: expected text or json");
    CHECK(error("placeholder:\n  formats: []\n") ==
          "test.yaml:4:12: placeholder.formats: expected a non-empty list of wheel and/or sdist");
    CHECK(error("placeholder:\n  formats: [wheel, egg]\n") ==
          "test.yaml:4:20: placeholder.formats[1]: expected a non-empty list of wheel and/or sdist");
    CHECK(error("placeholder:\n  formats: [wheel, wheel]\n") ==
          "test.yaml:4:12: placeholder.formats: wheel is listed twice");
    CHECK(error("placeholder:\n  version: 1.0+acme\n") ==
          "test.yaml:4:12: placeholder.version: expected a normalized PEP 440 version without a local part, "
          "such "
          "as 0.0.0");
    CHECK(error("placeholder:\n  summary: \"two\\nlines\"\n") ==
          "test.yaml:4:12: placeholder.summary: expected one line without control characters");
    CHECK(error("placeholder:\n  author_email: nobody\n") ==
          "test.yaml:4:17: placeholder.author_email: expected an e-mail address");
    CHECK(config_error(k_minimal_config + "  repositories: [pypi local]\n") ==
          "test.yaml:3:18: artifactory.repositories[0]: expected a repository key (letters, digits, '.', '_' "
          "and '-')");
    CHECK(error("webhook:\n  listen: 8080\n") == "test.yaml:4:11: webhook.listen: expected HOST:PORT, such "
                                                 "as 127.0.0.1:8080 or [::1]:8080, with a port from 1 "
                                                 "to 65535");
}

TEST_CASE("insecure_no_auth needs a loopback listener and no secret", "[config]") {
    const auto error = [](const std::string& section) { return config_error(k_minimal_config + section); };
    CHECK(error("webhook:\n  listen: 0.0.0.0:8080\n  insecure_no_auth: true\n") ==
          "test.yaml:5:3: webhook.insecure_no_auth: true is allowed only when webhook.listen is a loopback "
          "address "
          "(127.0.0.0/8, ::1 or localhost)");
    CHECK(error("webhook:\n  insecure_no_auth: true\n  listen: hooks.acme.example:80\n") ==
          "test.yaml:4:3: webhook.insecure_no_auth: true is allowed only when webhook.listen is a loopback "
          "address "
          "(127.0.0.0/8, ::1 or localhost)");
    CHECK(error("webhook:\n  insecure_no_auth: true\n  secret: s3\n") ==
          "test.yaml:4:3: webhook.insecure_no_auth: true contradicts webhook.secret; remove one of them");
    for (const char* listen : {"127.0.0.1:8080", "127.1.2.3:80", "\"[::1]:8080\"", "localhost:8080"}) {
        INFO(listen);
        CHECK(error(std::string("webhook:\n  insecure_no_auth: true\n  listen: ") + listen + "\n") ==
              "loaded");
    }
    CHECK(error("webhook:\n  insecure_no_auth: true\n") == "loaded"); // the default listener is loopback
    CHECK(error("webhook:\n  listen: 0.0.0.0:8080\n  insecure_no_auth: false\n") == "loaded");
}

TEST_CASE("artifactory authentication: a token, or username and password, or nothing", "[config]") {
    const auto error = [](const std::string& lines) { return config_error(k_minimal_config + lines); };
    CHECK(error("") == "loaded");
    CHECK(error("  token: t\n") == "loaded");
    CHECK(error("  username: u\n  password: p\n") == "loaded");
    CHECK(error("  token: t\n  username: u\n  password: p\n") ==
          "test.yaml:4:3: artifactory.username: give either a token (token or token_file) or username + "
          "password, "
          "not both");
    CHECK(error("  password: p\n  token: t\n") == "test.yaml:3:3: artifactory.password: give either a token "
                                                  "(token or token_file) or username + password, "
                                                  "not both");
    CHECK(error("  username: u\n") == "test.yaml:3:3: artifactory.username: needs artifactory.password or "
                                      "artifactory.password_file");
    CHECK(error("  password: p\n") == "test.yaml:3:3: artifactory.password: needs artifactory.username");
    CHECK(config_error("artifactory:\n  token: t\n") ==
          "test.yaml:1:1: artifactory.url: missing; give the base URL including /artifactory, such as "
          "https://artifactory.example.com/artifactory");
    CHECK(config_error("log:\n  level: info\n") ==
          "test.yaml:1:1: artifactory.url: missing; give the base URL including /artifactory, such as "
          "https://artifactory.example.com/artifactory");
}

TEST_CASE("YAML syntax errors, empty files and unreadable files", "[config]") {
    CHECK(config_error("artifactory:\n  url: a: b\n") == "test.yaml:2:9: illegal map value");
    CHECK(config_error("artifactory: [a, b\n") == "test.yaml:2:1: end of sequence flow not found");
    CHECK(config_error("") == "test.yaml:1:1: the configuration is empty; it needs at least artifactory.url");
    CHECK(config_error("# all commented out\n") ==
          "test.yaml:1:1: the configuration is empty; it needs at least artifactory.url");
    CHECK(config_error(k_minimal_config + "---\nlog: {}\n") ==
          "test.yaml:4:1: expected one YAML document, found a second one");

    TempDir dir;
    CHECK_THROWS_WITH(load(dir / "absent.yaml"), "cannot read configuration " +
                                                     (dir / "absent.yaml").string() +
                                                     ": No such file or directory");
    CHECK_THROWS_WITH(load(dir.path()),
                      "cannot read configuration " + dir.path().string() + ": Is a directory");

    std::ofstream(dir / "bad.yaml") << k_minimal_config << "pypi:\n  concurrency: many\n";
    CHECK_THROWS_WITH(load(dir / "bad.yaml"),
                      (dir / "bad.yaml").string() +
                          ":4:16: pypi.concurrency: expected a whole number from 1 to 64");
    std::ofstream(dir / "good.yaml") << k_minimal_config;
    CHECK(load(dir / "good.yaml").source == dir / "good.yaml");
}

TEST_CASE("config.example.yaml is valid and documents every key", "[config]") {
    TempDir credentials;
    std::ofstream(credentials / "pypi-token") << "pypi-example-token\n";
    std::ofstream(credentials / "slack-url") << "https://hooks.slack.com/services/T0/B0/X0\n";
    std::ofstream(credentials / "webhook-secret") << "example-webhook-secret\n";
    const ScopedEnv token("ARTIFACTORY_TOKEN", "example-artifactory-token");
    const ScopedEnv directory("CREDENTIALS_DIRECTORY", credentials.path().string());

    const Config c = load(namekeeper::test::source_dir() / "config.example.yaml");
    CHECK(c.artifactory.url == "https://artifactory.example.com/artifactory");
    CHECK(c.artifactory.token.reveal() == "example-artifactory-token");
    CHECK(c.pypi.token.reveal() == "pypi-example-token");
    CHECK(c.notify.slack_webhook_url.reveal() == "https://hooks.slack.com/services/T0/B0/X0");
    CHECK(c.webhook.secret.reveal() == "example-webhook-secret");
    CHECK(c.placeholder.summary == "Reserved name to protect ACME users from dependency confusion");
    CHECK(c.policy.ignore == std::vector<std::string>{"acme-*-fork"});

    // Every key the loader knows appears in the example, set or commented out.
    std::ifstream in(namekeeper::test::source_dir() / "config.example.yaml");
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    for (const char* key : {"url:",
                            "token:",
                            "token_file:",
                            "username:",
                            "password:",
                            "password_file:",
                            "repositories:",
                            "page_size:",
                            "timeout:",
                            "index_url:",
                            "upload_url:",
                            "owners:",
                            "organizations:",
                            "known_emails:",
                            "concurrency:",
                            "max_new_projects_per_hour:",
                            "contact:",
                            "version:",
                            "summary:",
                            "description:",
                            "author:",
                            "author_email:",
                            "project_url:",
                            "formats:",
                            "path:",
                            "ignore:",
                            "recheck_after:",
                            "full_listing_every:",
                            "slack_webhook_url",
                            "webhook_url",
                            "listen:",
                            "secret_file:",
                            "insecure_no_auth:",
                            "max_body_bytes:",
                            "level:",
                            "format:"}) {
        INFO(key);
        CHECK(text.find(key) != std::string::npos);
    }
}
