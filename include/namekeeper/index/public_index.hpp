#pragma once

// Looks names up on the public index (REFERENCE.md, "The public index").
//
// Existence is decided by the simple API alone: `GET /simple/N/` answering 404 means free; 200 means
// the name is held, even with no files (a project without releases still holds its name). The JSON
// API (`/pypi/N/json`) is no existence test, since it answers 404 for a project without releases;
// it is asked only for held names, to learn who owns them (`ownership`, set by PyPI itself) and which
// versions they publish.

#include "namekeeper/config/config.hpp"

#include <chrono>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace namekeeper::http {
class Client;
}

namespace namekeeper::index {

struct Project {
    bool has_releases = false;                 // false when the JSON API answered 404
    std::vector<std::string> versions;         // release versions as published
    std::optional<std::string> public_version; // the highest valid PEP 440 version among them
    bool ownership_known = false;              // the JSON API carried "ownership"
    std::vector<std::string> owners;           // role users
    std::optional<std::string> organization;
    std::optional<std::string> author_email;
};

// nullopt: no project of that name, the name is free.
using Found = std::optional<Project>;

struct LookupError {
    std::string message; // for people, names the project and what failed
    bool rate_limited = false;
};

using LookupResult = std::expected<Found, LookupError>;

class PublicIndex {
public:
    PublicIndex(http::Client& http, const config::PypiConfig& config);

    [[nodiscard]] LookupResult look_up(const std::string& normalized_name);

    // Looks the names up with `pypi.concurrency` requests in flight; results in the order of `names`.
    [[nodiscard]] std::vector<LookupResult> look_up_all(std::span<const std::string> normalized_names);

private:
    http::Client& m_http;
    const config::PypiConfig& m_config;
};

} // namespace namekeeper::index
