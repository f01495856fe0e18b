#include "config/values.hpp"
#include "namekeeper/config/loader.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <map>

using namespace namekeeper::config;
using std::chrono::seconds;

TEST_CASE("parse_duration takes a positive whole number and one unit", "[config]") {
    CHECK(parse_duration("30s") == seconds{30});
    CHECK(parse_duration("10m") == seconds{600});
    CHECK(parse_duration("24h") == seconds{86400});
    CHECK(parse_duration("7d") == seconds{604800});
    CHECK(parse_duration("1s") == seconds{1});
    CHECK(parse_duration("007s") == seconds{7});
    CHECK(parse_duration("36500d") == seconds{36500LL * 86400});

    SECTION("zero and signs") {
        CHECK_FALSE(parse_duration("0s"));
        CHECK_FALSE(parse_duration("0d"));
        CHECK_FALSE(parse_duration("-5m"));
        CHECK_FALSE(parse_duration("+5m"));
    }
    SECTION("missing or unknown unit") {
        CHECK_FALSE(parse_duration("30"));
        CHECK_FALSE(parse_duration("s"));
        CHECK_FALSE(parse_duration(""));
        CHECK_FALSE(parse_duration("30x"));
        CHECK_FALSE(parse_duration("30S"));
        CHECK_FALSE(parse_duration("30ms"));
        CHECK_FALSE(parse_duration("2w"));
        CHECK_FALSE(parse_duration("1h30m"));
        CHECK_FALSE(parse_duration("1.5h"));
    }
    SECTION("whitespace") {
        CHECK_FALSE(parse_duration(" 30s"));
        CHECK_FALSE(parse_duration("30s "));
        CHECK_FALSE(parse_duration("30 s"));
        CHECK_FALSE(parse_duration("30s\n"));
    }
    SECTION("overflow and the 36500d ceiling") {
        CHECK_FALSE(parse_duration("99999999999999999999d"));
        CHECK_FALSE(parse_duration("9223372036854775807s"));
        CHECK_FALSE(parse_duration("36501d"));
        CHECK_FALSE(parse_duration("3153600001s"));
    }
}

TEST_CASE("expand_variables replaces ${VAR} and $$", "[config]") {
    const std::map<std::string, std::string> env{
        {"A", "alpha"}, {"B_2", "beta"}, {"EMPTY", ""}, {"NESTED", "${A}"}};
    const EnvLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
        const auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    const auto expand = [&](std::string_view text) { return expand_variables(text, lookup); };

    CHECK(expand("plain") == "plain");
    CHECK(expand("").value().empty());
    CHECK(expand("${A}") == "alpha");
    CHECK(expand("x${A}y${B_2}z${A}") == "xalphaybetazalpha");
    CHECK(expand("${EMPTY}").value().empty());
    CHECK(expand("${NESTED}") == "${A}"); // a value is never expanded again
    CHECK(expand("$$") == "$");
    CHECK(expand("a$$b$$") == "a$b$");
    CHECK(expand("$${A}") == "${A}");
    CHECK(expand("$$${A}") == "$alpha");
    CHECK(expand("$$$${A}") == "$${A}");

    const auto error_of = [&](std::string_view text) { return expand(text).error().message(); };
    CHECK(error_of("${MISSING}") == "environment variable MISSING is not set");
    CHECK(expand("${MISSING}").error().variable == "MISSING");
    CHECK(error_of("x${A") == "${ without a closing } (write $$ for a literal $)");
    CHECK(error_of("${}") ==
          "${...} must name a variable with letters, digits and _ (write $$ for a literal $)");
    CHECK(error_of("${1A}") == error_of("${}"));
    CHECK(error_of("${A-B}") == error_of("${}"));
    CHECK(error_of("${ A }") == error_of("${}"));
    CHECK(error_of("pa$word") == "a $ must start ${VAR} or be doubled as $$ for a literal $");
    CHECK(error_of("price$") == error_of("pa$word"));
    CHECK(error_of("$A") == error_of("pa$word"));
}

TEST_CASE("parse_listen_address splits HOST:PORT", "[config]") {
    const auto check = [](std::string_view text, std::string_view host, int port) {
        const auto address = parse_listen_address(text);
        REQUIRE(address);
        CHECK(address->host == host);
        CHECK(address->port == port);
    };
    check("127.0.0.1:8080", "127.0.0.1", 8080);
    check("0.0.0.0:1", "0.0.0.0", 1);
    check("[::1]:65535", "::1", 65535);
    check("[2001:db8::5]:443", "2001:db8::5", 443);
    check("localhost:8080", "localhost", 8080);
    check("hooks-1.internal.example:9000", "hooks-1.internal.example", 9000);

    for (const char* bad :
         {"", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:80a",
          "127.0.0.1:-1", "127.0.0.1:+80", "::1:8080", "[::1]", "[::1:8080", "[127.0.0.1]:80", "999.1.1.1:80",
          "bad_host:80", "-host:80", "host.:80", "host name:80", "http://localhost:80"}) {
        INFO(bad);
        CHECK_FALSE(parse_listen_address(bad));
    }
}

TEST_CASE("is_loopback_host knows 127.0.0.0/8, ::1 and localhost", "[config]") {
    for (const char* host :
         {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "localhost", "LocalHost"}) {
        INFO(host);
        CHECK(is_loopback_host(host));
    }
    for (const char* host : {"0.0.0.0", "128.0.0.1", "10.0.0.1", "::", "::ffff:10.0.0.1", "2001:db8::1",
                             "localhost.example", "example.com", ""}) {
        INFO(host);
        CHECK_FALSE(is_loopback_host(host));
    }
}

TEST_CASE("url_problem wants http(s), a host and a valid port", "[config]") {
    const std::string bad = "expected an http:// or https:// URL with a host";
    for (const char* url : {"https://pypi.org", "http://localhost:8081/artifactory", "https://[::1]:8443/x",
                            "https://a.example/path?q=1"}) {
        INFO(url);
        CHECK_FALSE(url_problem(url, UrlCredentials::refused));
    }
    CHECK(url_problem("ftp://a.example", UrlCredentials::refused) == bad);
    CHECK(url_problem("pypi.org", UrlCredentials::refused) == bad);
    CHECK(url_problem("https://", UrlCredentials::refused) == bad);
    CHECK(url_problem("https:///path", UrlCredentials::refused) == bad);
    CHECK(url_problem("https://a .example", UrlCredentials::refused) == bad);
    CHECK(url_problem("https://a.example/\n", UrlCredentials::refused) == bad);
    CHECK(url_problem("https://[::1/", UrlCredentials::refused) == bad);
    CHECK(url_problem("https://a.example:0/", UrlCredentials::refused) ==
          "expected an http:// or https:// URL with a port from 1 to 65535");
    CHECK(url_problem("https://a.example:/", UrlCredentials::refused) ==
          "expected an http:// or https:// URL with a port from 1 to 65535");
    CHECK(url_problem("https://u:p@a.example/", UrlCredentials::refused) ==
          "must not hold user:password@ (give credentials in their own keys)");
    CHECK_FALSE(url_problem("https://u:p@a.example/", UrlCredentials::allowed));

    CHECK(strip_trailing_slashes("https://a.example/artifactory/") == "https://a.example/artifactory");
    CHECK(strip_trailing_slashes("https://a.example//") == "https://a.example");
    CHECK(strip_trailing_slashes("https://a.example") == "https://a.example");
}

TEST_CASE("read_file and strip_one_newline", "[config]") {
    namekeeper::test::TempDir dir;
    std::ofstream(dir / "one") << "token\n\n";
    CHECK(read_file(dir / "one", 100) == "token\n\n");
    CHECK(strip_one_newline("token\n\n") == "token\n");
    CHECK(strip_one_newline("token\r\n") == "token");
    CHECK(strip_one_newline("token\r") == "token\r");
    CHECK(strip_one_newline("token") == "token");
    CHECK(strip_one_newline("\n").empty());
    CHECK(read_file(dir / "one", 3).error() == EFBIG);
    CHECK(read_file(dir / "missing", 100).error() == ENOENT);
    CHECK(read_file(dir.path(), 100).error() == EISDIR);
}

TEST_CASE("small value parsers", "[config]") {
    CHECK(parse_whole_number("0") == 0);
    CHECK(parse_whole_number("-12") == -12);
    CHECK(parse_whole_number("10000") == 10000);
    for (const char* bad : {"", "-", "+1", "1.0", "1e4", "0x10", " 1", "1_000", "99999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(parse_whole_number(bad));
    }

    for (const char* version :
         {"0.0.0", "1", "1.2.3", "1!2.0", "1.0a1", "1.0rc2", "1.0.post1", "0.0.0.dev0"}) {
        INFO(version);
        CHECK(is_public_version(version));
    }
    for (const char* version : {"", "v1", "1.0+local", "1.0-1", "1..0", "1.0.", "latest", "1.0 "}) {
        INFO(version);
        CHECK_FALSE(is_public_version(version));
    }

    CHECK(is_repository_key("pypi-local_2.x"));
    CHECK_FALSE(is_repository_key("pypi local"));
    CHECK_FALSE(is_repository_key("pypi/local"));
    CHECK_FALSE(is_repository_key(""));

    CHECK(is_email_address("security@acme.example"));
    CHECK_FALSE(is_email_address("security"));
    CHECK_FALSE(is_email_address("@acme.example"));
    CHECK_FALSE(is_email_address("security@"));
    CHECK_FALSE(is_email_address("a b@acme.example"));

    CHECK(has_control_characters("a\tb"));
    CHECK(has_control_characters(std::string_view("a\0b", 3)));
    CHECK_FALSE(has_control_characters("ünïcode ok"));
}
