// Walks the YAML of SPEC.md "Configuration" section by section into the structs of config.hpp.
// Value syntax lives in values.cpp and key-by-key reading in section.cpp; this file holds which keys
// exist, their ranges, and the rules that tie several keys together (authentication pairs, the
// loopback-only insecure_no_auth).
#include "namekeeper/config/loader.hpp"

#include "config/section.hpp"
#include "config/values.hpp"

#include <cstring>
#include <fmt/format.h>

namespace namekeeper::config {
namespace {

// A configuration file is a few kilobytes; this only stops reading a wrong path such as /dev/zero.
constexpr std::size_t k_max_config_bytes = 16 * 1024 * 1024;

using Problem = std::optional<std::string>;

Problem unless(bool fine, std::string_view problem) {
    return fine ? std::nullopt : Problem(std::string(problem));
}

// The checks of single values; each returns the end of the message.
Problem url_check(const std::string& url) {
    return url_problem(url, UrlCredentials::refused);
}
Problem upload_url_check(const std::string& url) {
    if (auto problem = url_check(url)) {
        return problem;
    }
    return unless(url.ends_with('/'),
                  "must end with /, as in https://upload.pypi.org/legacy/ (without it the "
                  "upload API answers with a 308 redirect)");
}
Problem single_line(const std::string& text) {
    return unless(!has_control_characters(text), "expected one line without control characters");
}
Problem name_check(const std::string& name) {
    return unless(!name.empty() && !has_control_characters(name) && name.find(' ') == std::string::npos,
                  "expected a name without spaces");
}
Problem email_check(const std::string& email) {
    return unless(is_email_address(email), "expected an e-mail address");
}
Problem repository_key_check(const std::string& key) {
    return unless(is_repository_key(key), "expected a repository key (letters, digits, '.', '_' and '-')");
}
Problem version_check(const std::string& version) {
    return unless(is_public_version(version),
                  "expected a normalized PEP 440 version without a local part, such as 0.0.0");
}
Problem ledger_path_check(const std::string& path) {
    return unless(!path.empty() && !has_control_characters(path),
                  "expected the path of the SQLite ledger file");
}
Problem glob_check(const std::string& pattern) {
    return unless(!pattern.empty() && !has_control_characters(pattern) &&
                      pattern.find(' ') == std::string::npos,
                  "expected a glob pattern without spaces, such as acme-*-fork");
}
Problem listen_check(const std::string& listen) {
    return unless(parse_listen_address(listen).has_value(),
                  "expected HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080, with a port from 1 to 65535");
}
Problem log_level_check(const std::string& level) {
    const bool known =
        level == "trace" || level == "debug" || level == "info" || level == "warn" || level == "error";
    return unless(known, "expected one of trace, debug, info, warn, error");
}
Problem log_format_check(const std::string& format) {
    return unless(format == "text" || format == "json", "expected text or json");
}
constexpr std::string_view k_formats_problem = "expected a non-empty list of wheel and/or sdist";
Problem format_check(const std::string& format) {
    return unless(format == "wheel" || format == "sdist", k_formats_problem);
}

// Applies a secret URL's check without ever quoting it.
void check_secret_url(const Section& section, const std::string& key, const Secret& secret) {
    if (const auto problem = url_problem(secret.reveal(), UrlCredentials::allowed)) {
        section.fail_value(section.has(key) ? key : key + "_file", *problem);
    }
}

void read_artifactory(const Section& s, ArtifactoryConfig& out) {
    const auto url = s.string("url", url_check);
    if (!url) {
        s.fail_missing("url", "missing; give the base URL including /artifactory, such as "
                              "https://artifactory.example.com/artifactory");
    }
    out.url = strip_trailing_slashes(*url);
    const bool token = s.has("token") || s.has("token_file");
    const bool password = s.has("password") || s.has("password_file");
    if (token && (s.has("username") || password)) {
        s.fail_key(s.has("username") ? "username" : (s.has("password") ? "password" : "password_file"),
                   "give either a token (token or token_file) or username + password, not both");
    }
    if (s.has("username") && !password) {
        s.fail_key("username", "needs artifactory.password or artifactory.password_file");
    }
    if (password && !s.has("username")) {
        s.fail_key(s.has("password") ? "password" : "password_file", "needs artifactory.username");
    }
    out.token = s.secret("token").value_or(Secret{});
    out.username = s.string("username", single_line).value_or("");
    out.password = s.secret("password").value_or(Secret{});
    out.repositories = s.strings("repositories", repository_key_check).value_or(out.repositories);
    out.page_size = static_cast<int>(s.whole_number("page_size", 1, 100000).value_or(out.page_size));
    out.timeout = s.duration("timeout").value_or(out.timeout);
}

void read_pypi(const Section& s, PypiConfig& out) {
    out.index_url = strip_trailing_slashes(s.string("index_url", url_check).value_or(out.index_url));
    out.upload_url = s.string("upload_url", upload_url_check).value_or(out.upload_url);
    out.token = s.secret("token").value_or(Secret{});
    out.owners = s.strings("owners", name_check).value_or(out.owners);
    out.organizations = s.strings("organizations", name_check).value_or(out.organizations);
    out.known_emails = s.strings("known_emails", email_check).value_or(out.known_emails);
    out.concurrency = static_cast<int>(s.whole_number("concurrency", 1, 64).value_or(out.concurrency));
    out.max_new_projects_per_hour = static_cast<int>(
        s.whole_number("max_new_projects_per_hour", 0, 10000).value_or(out.max_new_projects_per_hour));
    out.timeout = s.duration("timeout").value_or(out.timeout);
    out.contact = s.string("contact", single_line).value_or(out.contact);
}

void read_placeholder(const Section& s, PlaceholderConfig& out) {
    out.version = s.string("version", version_check).value_or(out.version);
    out.summary = s.string("summary", single_line).value_or(out.summary);
    out.description = s.string("description").value_or(out.description);
    out.author = s.string("author", single_line).value_or(out.author);
    out.author_email = s.string("author_email", email_check).value_or(out.author_email);
    out.project_url = s.string("project_url", url_check).value_or(out.project_url);
    if (const auto formats = s.strings("formats", format_check)) {
        if (formats->empty()) {
            s.fail_value("formats", k_formats_problem);
        }
        out.formats.clear();
        for (const auto& format : *formats) {
            const auto kind = format == "wheel" ? PlaceholderFormat::wheel : PlaceholderFormat::sdist;
            if (std::ranges::find(out.formats, kind) != out.formats.end()) {
                s.fail_value("formats", fmt::format("{} is listed twice", format));
            }
            out.formats.push_back(kind);
        }
    }
}

void read_ledger(const Section& s, LedgerConfig& out) {
    out.path = s.string("path", ledger_path_check).value_or(out.path);
}

void read_policy(const Section& s, PolicyConfig& out) {
    out.ignore = s.strings("ignore", glob_check).value_or(out.ignore);
    out.recheck_after = s.duration("recheck_after").value_or(out.recheck_after);
    out.full_listing_every = s.duration("full_listing_every").value_or(out.full_listing_every);
}

void read_notify(const Section& s, NotifyConfig& out) {
    out.slack_webhook_url = s.secret("slack_webhook_url").value_or(Secret{});
    out.webhook_url = s.secret("webhook_url").value_or(Secret{});
    // A variable that is set but empty turns the notification off.
    if (!out.slack_webhook_url.empty()) {
        check_secret_url(s, "slack_webhook_url", out.slack_webhook_url);
    }
    if (!out.webhook_url.empty()) {
        check_secret_url(s, "webhook_url", out.webhook_url);
    }
}

void read_webhook(const Section& s, WebhookConfig& out) {
    out.listen = s.string("listen", listen_check).value_or(out.listen);
    out.secret = s.secret("secret").value_or(Secret{});
    out.insecure_no_auth = s.boolean("insecure_no_auth").value_or(out.insecure_no_auth);
    out.max_body_bytes = static_cast<std::size_t>(
        s.whole_number("max_body_bytes", 1, 1073741824).value_or(out.max_body_bytes));
    if (!out.insecure_no_auth) {
        return;
    }
    // Without authentication anyone who reaches the port can make the service look names up.
    if (!is_loopback_host(parse_listen_address(out.listen)->host)) {
        s.fail_key("insecure_no_auth", "true is allowed only when webhook.listen is a loopback address "
                                       "(127.0.0.0/8, ::1 or localhost)");
    }
    if (s.has("secret") || s.has("secret_file")) {
        s.fail_key("insecure_no_auth", "true contradicts webhook.secret; remove one of them");
    }
}

void read_log(const Section& s, LogConfig& out) {
    out.level = s.string("level", log_level_check).value_or(out.level);
    out.format = s.string("format", log_format_check).value_or(out.format);
}

std::vector<YAML::Node> load_documents(const std::string& yaml_text, const Document& document) {
    try {
        return YAML::LoadAll(yaml_text);
    } catch (const YAML::Exception& e) { // ParserException, or a bad alias
        document.fail(location_of(e.mark), "", e.msg);
    }
}

} // namespace

Config parse(const std::string& yaml_text, const std::filesystem::path& source) {
    const Document document(source.string());
    const std::vector<YAML::Node> documents = load_documents(yaml_text, document);
    if (documents.empty() || documents.front().IsNull()) {
        document.fail(Location{}, "", "the configuration is empty; it needs at least artifactory.url");
    }
    if (documents.size() > 1) {
        document.fail(location_of(documents[1].Mark()), "", "expected one YAML document, found a second one");
    }
    const Section root(
        document, documents.front(), "", Location{},
        {"artifactory", "pypi", "placeholder", "ledger", "policy", "notify", "webhook", "log"});

    Config config;
    config.source = source;
    read_artifactory(root.section("artifactory", {"url", "token", "token_file", "username", "password",
                                                  "password_file", "repositories", "page_size", "timeout"}),
                     config.artifactory);
    read_pypi(root.section("pypi", {"index_url", "upload_url", "token", "token_file", "owners",
                                    "organizations", "known_emails", "concurrency",
                                    "max_new_projects_per_hour", "timeout", "contact"}),
              config.pypi);
    read_placeholder(root.section("placeholder", {"version", "summary", "description", "author",
                                                  "author_email", "project_url", "formats"}),
                     config.placeholder);
    read_ledger(root.section("ledger", {"path"}), config.ledger);
    read_policy(root.section("policy", {"ignore", "recheck_after", "full_listing_every"}), config.policy);
    read_notify(root.section("notify", {"slack_webhook_url", "slack_webhook_url_file", "webhook_url",
                                        "webhook_url_file"}),
                config.notify);
    read_webhook(
        root.section("webhook", {"listen", "secret", "secret_file", "insecure_no_auth", "max_body_bytes"}),
        config.webhook);
    read_log(root.section("log", {"level", "format"}), config.log);
    return config;
}

Config load(const std::filesystem::path& path) {
    auto text = read_file(path, k_max_config_bytes);
    if (!text) {
        throw ConfigError(
            fmt::format("cannot read configuration {}: {}", path.string(), std::strerror(text.error())));
    }
    return parse(*text, path);
}

} // namespace namekeeper::config
