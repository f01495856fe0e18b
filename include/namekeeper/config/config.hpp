#pragma once

// The configuration of SPEC.md, section by section. Loading and validation live in loader.hpp;
// these structs hold already-validated values with the documented defaults.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace namekeeper::config {

using Seconds = std::chrono::seconds;

// A secret value. It never prints: use reveal() only where the value is sent on the wire.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : m_value(std::move(value)) {}
    [[nodiscard]] bool empty() const { return m_value.empty(); }
    [[nodiscard]] const std::string& reveal() const { return m_value; }

private:
    std::string m_value;
};

struct ArtifactoryConfig {
    std::string url;      // base URL including /artifactory, no trailing slash
    Secret token;         // Bearer token; empty when basic auth is used (all empty: anonymous)
    std::string username; // basic auth, with password
    Secret password;
    std::vector<std::string> repositories; // empty: discover every local PyPI repository
    int page_size = 10000;
    Seconds timeout{30};
};

struct PypiConfig {
    std::string index_url = "https://pypi.org";                 // no trailing slash
    std::string upload_url = "https://upload.pypi.org/legacy/"; // always ends with '/'
    Secret token;
    std::vector<std::string> owners;
    std::vector<std::string> organizations;
    std::vector<std::string> known_emails;
    int concurrency = 4;                // 1..64
    int max_new_projects_per_hour = 10; // 0 reserves nothing (alerts only)
    Seconds timeout{30};
    std::string contact;
};

enum class PlaceholderFormat { wheel, sdist };

struct PlaceholderConfig {
    std::string version = "0.0.0";
    std::string summary = "Reserved name to protect users from dependency confusion";
    std::string description; // empty: a default text explaining the reservation is generated
    std::string author = "Security Team";
    std::string author_email;
    std::string project_url;
    std::vector<PlaceholderFormat> formats{PlaceholderFormat::wheel};
};

struct LedgerConfig {
    std::filesystem::path path = "/var/lib/namekeeper/ledger.sqlite3";
};

struct PolicyConfig {
    std::vector<std::string> ignore;
    Seconds recheck_after{24 * 3600};
    Seconds full_listing_every{7 * 24 * 3600};
};

struct NotifyConfig {
    Secret slack_webhook_url;
    Secret webhook_url; // a generic receiver's URL may carry a token in its query: treat as secret
};

struct WebhookConfig {
    std::string listen = "127.0.0.1:8080"; // HOST:PORT; see parse_listen_address in loader.hpp
    Secret secret;
    bool insecure_no_auth = false;
    std::size_t max_body_bytes = 1048576;
};

struct LogConfig {
    std::string level = "info";
    std::string format = "text";
};

struct Config {
    std::filesystem::path source; // the file it was read from, for messages
    ArtifactoryConfig artifactory;
    PypiConfig pypi;
    PlaceholderConfig placeholder;
    LedgerConfig ledger;
    PolicyConfig policy;
    NotifyConfig notify;
    WebhookConfig webhook;
    LogConfig log;
};

} // namespace namekeeper::config
