#pragma once

// The "Company" fixture of the end-to-end tests (tests/reconcile and tests/cli).
//
// A Company starts both stand-ins on loopback port 0 (with the sample company of
// standins/sample_data.hpp, or empty for custom data), holds a config::Config that points at them,
// and keeps the ledger in its own TempDir. Tests drive the job either through the library
// (Company::reconcile: a fresh HTTP client, ledger connection and Reconciler per run, with fast
// retries and an optional pinned clock) or through the real binary (Company::run: the config is
// written as YAML into the TempDir, secrets in *_file files).
//
// Receiver is a tiny notification receiver (generic webhook or Slack) that records what it got.

#include "namekeeper/config/config.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "namekeeper/reconcile/reconciler.hpp"
#include "standins/artifactory_standin.hpp"
#include "standins/pypi_standin.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::test {

enum class SampleData { yes, no };

struct CompanyOptions {
    SampleData sample = SampleData::yes;
    // The PyPI stand-in's new-project limit (warehouse's default is 20): high enough by default for
    // every sample name to be reserved in one run.
    std::size_t pypi_new_projects_per_hour = 1000;
};

// Records every request; answers `status` (default 200).
class Receiver {
public:
    Receiver();
    ~Receiver();
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    // http://127.0.0.1:PORT + path (any path is answered).
    [[nodiscard]] std::string url(std::string_view path = "/hook") const;
    void answer(int status);
    // Bodies of the requests answered 2xx, in order.
    [[nodiscard]] std::vector<std::string> delivered() const;
    [[nodiscard]] std::size_t request_count() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// Stands between namekeeper and the PyPI stand-in's upload API: forwards each upload (the form
// rebuilt part by part, with its Authorization header) unless `before` answers it instead, then calls
// `after` with the stand-in's status before the answer goes back. Hooks run on the server's threads.
class UploadProxy {
public:
    struct Answer {
        int status = 400;
        std::string message; // goes into a Pyramid-style HTML error page, as warehouse sends
    };
    using Before = std::function<std::optional<Answer>(const std::string& name)>;
    using After = std::function<void(const std::string& name, int status)>;

    explicit UploadProxy(const standins::PypiStandin& pypi, Before before = {}, After after = {});
    ~UploadProxy();
    UploadProxy(const UploadProxy&) = delete;
    UploadProxy& operator=(const UploadProxy&) = delete;

    [[nodiscard]] std::string upload_url() const; // http://127.0.0.1:PORT/legacy/
    [[nodiscard]] std::size_t request_count() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

class Company {
public:
    explicit Company(CompanyOptions options = {});

    standins::ArtifactoryStandin artifactory;
    standins::PypiStandin pypi;
    TempDir dir;
    config::Config config;

    // An internal release of `name` in "pypi-local" (a wheel), created at `created`.
    void add_internal(std::string_view name, std::string_view version = "1.0.0",
                      std::string_view created = "2026-12-01T10:00:00.000Z");

    [[nodiscard]] std::filesystem::path ledger_path() const { return config.ledger.path; }
    [[nodiscard]] ledger::Ledger open_ledger() const;

    // One reconcile pass through the library. `now` pins the clock for the whole run.
    reconcile::RunReport reconcile(reconcile::ReconcileOptions options = {},
                                   std::optional<ledger::TimePoint> now = std::nullopt) const;
    // The summary line of `report` against the ledger as it is now.
    [[nodiscard]] std::string summary(const reconcile::RunReport& report) const;

    // The record of `name`; fails the test when the ledger does not know it.
    [[nodiscard]] ledger::NameRecord record(std::string_view name) const;
    [[nodiscard]] std::map<std::string, std::string> states() const; // name -> state

    // Writes `config` as YAML (secrets in *_file files) and returns its path.
    [[nodiscard]] std::filesystem::path write_config() const;
    // Runs the real binary with -c <written config> and `args`.
    [[nodiscard]] ProcessResult run(const std::vector<std::string>& args) const;
};

// The wheel file name of the placeholder for `name`.
[[nodiscard]] std::string placeholder_wheel(std::string_view name);

// sha256 (hex) of a file's bytes, "" when it does not exist.
[[nodiscard]] std::string file_sha256(const std::filesystem::path& path);

// The lines of `text` containing `needle`.
[[nodiscard]] std::vector<std::string> lines_with(const std::string& text, std::string_view needle);

} // namespace namekeeper::test
