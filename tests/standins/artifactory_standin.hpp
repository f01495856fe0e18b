#pragma once

// A local stand-in for JFrog Artifactory's REST API, as far as namekeeper uses it (REFERENCE.md):
//   GET  /artifactory/api/repositories?type=...&packageType=...   repository list
//   POST /artifactory/api/search/aql                               AQL over the stored file artifacts
// It is a real HTTP server on 127.0.0.1 (port 0 by default), started by the constructor and stopped by
// the destructor. Everything here is thread-safe: handlers run on the server's thread pool.
//
// AQL answers follow Artifactory's shape: {"results":[...], "range":{"start_pos","end_pos","total",
// "limit"}}, where start_pos is the offset, end_pos the offset plus the page's size before permission
// filtering, total the number of results in this answer, and limit the query's limit. Faults are
// counted per AQL request, the first request being number 1.

#include "standins/server_runner.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

enum class AqlFaultKind {
    status,         // answer `status` (500, 429 with Retry-After, ...) with a short plain-text body
    truncated_body, // the first half of the JSON, with a Content-Length that matches the half
    hang,           // sleep for the hang bound, then answer normally (a client timeout fires first)
};

struct AqlFault {
    AqlFaultKind kind = AqlFaultKind::status;
    int status = 500;
    std::optional<int> retry_after_seconds; // sent as Retry-After (429)
};

class ArtifactoryStandin {
public:
    explicit ArtifactoryStandin(ServerOptions options = {});
    ~ArtifactoryStandin();
    ArtifactoryStandin(const ArtifactoryStandin&) = delete;
    ArtifactoryStandin& operator=(const ArtifactoryStandin&) = delete;

    // "http://127.0.0.1:PORT/artifactory": what artifactory.url holds in a config.
    [[nodiscard]] std::string base_url() const;
    [[nodiscard]] int port() const;

    // `type`: local, remote, virtual, federated; `package_type` is listed as given ("pypi", "Pypi", ...).
    void add_repository(std::string key, std::string type = "local", std::string package_type = "pypi",
                        std::string description = {});
    // `path` is the full path in the repository ("acme-utils/1.4.0/acme_utils-1.4.0.tar.gz"); it is split
    // into AQL's path (the folder, "." at the root) and name. `created`: ISO-8601, e.g.
    // "2026-12-01T10:00:00.000Z". The repository need not be added first.
    void add_artifact(std::string_view repo, std::string_view path, std::string_view created);
    // Many at once, cheaper than one by one (the benchmark's 200,000).
    struct Artifact {
        std::string repo;
        std::string path;
        std::string created;
    };
    void add_artifacts(std::vector<Artifact> artifacts);
    [[nodiscard]] std::size_t artifact_count() const;

    // Authentication: with neither set, every request is let in. With either set, a request must carry
    // "Authorization: Bearer <token>" or matching basic credentials, else 401.
    void set_bearer_token(std::string token);
    void set_basic_auth(std::string user, std::string password);

    // Added to every request before it is answered.
    void set_latency(std::chrono::milliseconds latency);
    // How long a `hang` fault sleeps (default 5 s); the destructor cuts it short.
    void set_hang_bound(std::chrono::milliseconds bound);

    // Fault injection. `nth` counts AQL requests from 1 over the stand-in's life.
    void inject_aql_fault(std::size_t nth, AqlFault fault);
    // The next `count` AQL requests (counted from the current one).
    void inject_next_aql_faults(std::size_t count, AqlFault fault);
    // Drops `fraction` (0..1) of every page's results after the limit, as permission filtering does for
    // non-admin tokens; `range.limit` still says the query's limit.
    void set_permission_drop_fraction(double fraction);
    void clear_faults();

    [[nodiscard]] std::size_t aql_request_count() const;
    [[nodiscard]] std::size_t repository_request_count() const;
    // Bodies of the AQL requests received, in order (including those answered with a fault).
    [[nodiscard]] std::vector<std::string> received_queries() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
    ServerRunner m_runner;
};

} // namespace namekeeper::standins
