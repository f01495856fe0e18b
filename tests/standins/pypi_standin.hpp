#pragma once

// A local stand-in for the public index (PyPI), as far as namekeeper uses it (REFERENCE.md):
//   GET  /simple/<name>/     PEP 691 JSON when asked by Accept, HTML otherwise; 301 to the normalized
//                            name; 404 unknown; 200 with no files for a project without releases
//   GET  /pypi/<name>/json   404 when missing or without releases; else info, releases, urls, ownership
//   POST /legacy/            the upload API, with warehouse's checks and messages (see pypi_upload.hpp);
//                            /legacy answers 308 to /legacy/
// It is a real HTTP server on 127.0.0.1 (port 0 by default), started by the constructor and stopped by
// the destructor; thread-safe.
//
// cpp-httplib 0.11.4 writes the standard reason phrase whatever the handler sets, so an upload's
// message travels in the HTML body only (real PyPI also puts it in the status line).

#include "standins/server_runner.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

enum class PypiEndpoint { simple, json, upload };

struct PypiOptions {
    ServerOptions server;
    std::size_t new_projects_per_hour = 20; // warehouse's default per user
};

// An upload the stand-in accepted (status 200 with a new file).
struct AcceptedUpload {
    std::string filename;
    std::string name; // the form's name field, as sent
    std::string version;
    std::string filetype;
    std::string md5;
    std::string sha256;
    std::string blake2_256;
    std::size_t size = 0;
    std::string user;
    std::multimap<std::string, std::string> fields; // every non-file form field
};

// What the stand-in holds for a project, for assertions.
struct PypiProjectView {
    std::string name; // display name
    std::vector<std::string> owners;
    std::optional<std::string> organization;
    std::string author_email;
    std::vector<std::string> versions; // in the order they were added
    std::vector<std::string> filenames;
};

enum class LatencyScope { reads, reads_and_uploads };

class PypiStandin {
public:
    explicit PypiStandin(PypiOptions options = {});
    ~PypiStandin();
    PypiStandin(const PypiStandin&) = delete;
    PypiStandin& operator=(const PypiStandin&) = delete;

    // "http://127.0.0.1:PORT": what pypi.index_url holds in a config.
    [[nodiscard]] std::string base_url() const;
    // "http://127.0.0.1:PORT/legacy/": what pypi.upload_url holds.
    [[nodiscard]] std::string upload_url() const;
    [[nodiscard]] int port() const;

    void add_token(std::string token, std::string user);
    // A project with `versions` (each gets a synthetic wheel); no versions is a project without releases.
    void add_project(std::string_view name, std::vector<std::string> owners,
                     std::optional<std::string> organization = std::nullopt,
                     std::vector<std::string> versions = {}, std::string author_email = {});
    void add_release(std::string_view name, std::string_view version);
    // A name PyPI's administrators prohibited ("isn't allowed").
    void add_prohibited_name(std::string_view name);
    void set_new_projects_per_hour(std::size_t limit);

    void set_latency(std::chrono::milliseconds latency, LatencyScope scope = LatencyScope::reads);
    void set_hang_bound(std::chrono::milliseconds bound); // default 5 s

    // Fault injection, counted per request of the endpoint.
    void fail_next(PypiEndpoint endpoint, std::size_t count, int status);
    void hang_next(PypiEndpoint endpoint, std::size_t count);
    // When an upload for `name` arrives, `stranger` creates the project first: the upload then gets
    // 403 "isn't allowed to upload to project". Fires once.
    void take_name_on_upload(std::string_view name, std::string stranger);

    [[nodiscard]] std::size_t request_count(PypiEndpoint endpoint) const;
    [[nodiscard]] std::vector<AcceptedUpload> uploads() const;
    [[nodiscard]] std::optional<PypiProjectView> project(std::string_view name) const;
    [[nodiscard]] std::size_t project_count() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
    ServerRunner m_runner;
};

} // namespace namekeeper::standins
