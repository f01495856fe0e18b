#pragma once

// Lists the files of Artifactory's PyPI repositories through AQL.
//
// Paging rules (REFERENCE.md, "AQL"): one query per repository, sorted by (repo, path, name) so that
// offset paging is stable; `include` names item fields only, or sort/offset/limit would be ignored.
// For non-admin tokens Artifactory filters results by permission *after* applying the limit, so a
// short page does not prove the end: the listing stops only on an empty page. Memory holds one page
// at a time: each page is handed to the caller and dropped.

#include "namekeeper/config/config.hpp"

#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace namekeeper::http {
class Client;
}

namespace namekeeper::artifactory {

struct Artifact {
    std::string repo;
    std::string path; // the folder, "." at the repository root
    std::string name; // the file name
    std::string created;

    // The path relative to the repository root: "acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.whl".
    [[nodiscard]] std::string repo_path() const;
};

enum class ErrorKind { transport, auth, http_status, bad_response };

struct Error {
    ErrorKind kind = ErrorKind::bad_response;
    std::string message; // for people; names the repository and offset, never a credential
};

struct ListingQuery {
    std::string repository;
    std::optional<std::string> created_after; // ISO-8601; nullopt lists everything
};

struct ListingSummary {
    std::size_t artifacts = 0;
    std::size_t pages = 0;
    std::string max_created; // the newest `created` seen, empty when nothing was listed
};

using PageHandler = std::function<void(std::span<const Artifact>)>;

class Client {
public:
    Client(http::Client& http, const config::ArtifactoryConfig& config);

    // Every local (or federated) PyPI repository the credentials can see.
    [[nodiscard]] std::expected<std::vector<std::string>, Error> discover_repositories();

    // Lists one repository page by page, calling `on_page` for each non-empty page.
    [[nodiscard]] std::expected<ListingSummary, Error> list(const ListingQuery& query,
                                                            const PageHandler& on_page);

    // The AQL text for one page, exposed for tests.
    [[nodiscard]] static std::string aql(const ListingQuery& query, std::size_t offset, std::size_t limit);

private:
    http::Client& m_http;
    const config::ArtifactoryConfig& m_config;
};

} // namespace namekeeper::artifactory
