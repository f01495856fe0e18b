#include "standins/sample_data.hpp"

#include "namekeeper/pypi/name.hpp"

#include <fmt/format.h>
#include <string>
#include <vector>

namespace namekeeper::standins {
namespace {

// Hands out creation times one hour apart, in the order the artifacts are added.
class CreatedClock {
public:
    std::string next() {
        const std::size_t hour = m_hours++;
        const std::size_t day = 1 + hour / 24;
        // November has 30 days; the sample stays well inside it and December.
        const std::size_t month = day <= 30 ? 11 : 12;
        return fmt::format("2026-{:02}-{:02}T{:02}:00:00.000Z", month, day <= 30 ? day : day - 30, hour % 24);
    }

private:
    std::size_t m_hours = 0;
};

void add_release(std::vector<ArtifactoryStandin::Artifact>& out, CreatedClock& clock, std::string_view repo,
                 std::string_view folder, std::string_view dist_name, std::string_view version) {
    const std::string file = pypi::filename_component(dist_name);
    out.push_back({std::string(repo),
                   fmt::format("{}/{}/{}-{}-py3-none-any.whl", folder, version, file, version),
                   clock.next()});
    out.push_back(
        {std::string(repo), fmt::format("{}/{}/{}-{}.tar.gz", folder, version, file, version), clock.next()});
}

void add_versions(std::vector<ArtifactoryStandin::Artifact>& out, CreatedClock& clock, std::string_view repo,
                  std::string_view name, const std::vector<std::string>& versions) {
    for (const auto& version : versions) {
        add_release(out, clock, repo, name, name, version);
    }
}

} // namespace

void populate_sample_company(ArtifactoryStandin& artifactory, PypiStandin& pypi) {
    artifactory.set_bearer_token(std::string(k_sample_artifactory_token));
    artifactory.add_repository("pypi-local", "local", "pypi", "Internal Python packages");
    artifactory.add_repository("pypi-team", "local", "Pypi", "Team packages");
    artifactory.add_repository("npm-local", "local", "npm", "Internal JavaScript packages");
    artifactory.add_repository("pypi-remote", "remote", "pypi", "Proxy of pypi.org");
    artifactory.add_repository("pypi-federated", "federated", "pypi", "Federated mirror (empty)");

    std::vector<ArtifactoryStandin::Artifact> artifacts;
    CreatedClock clock;
    for (std::size_t i = 0; i < k_sample_free_names.size(); ++i) {
        // Two to five versions per name; every third name lives in pypi-team.
        std::vector<std::string> versions;
        for (std::size_t v = 0; v < 2 + i % 4; ++v) {
            versions.push_back(fmt::format("1.{}.0", v));
        }
        add_versions(artifacts, clock, i % 3 == 2 ? "pypi-team" : "pypi-local", k_sample_free_names[i],
                     versions);
    }
    add_versions(artifacts, clock, "pypi-local", "acme-sdk", {"3.0.0", "3.1.0", "3.2.0"});
    add_versions(artifacts, clock, "pypi-local", "acme-toolkit", {"1.0.0", "1.1.0", "1.2.0"});
    add_versions(artifacts, clock, "pypi-team", "acme-common", {"2.4.0", "2.5.0"});
    add_versions(artifacts, clock, "pypi-local", "acme-legacy", {"1.0.0"});
    add_versions(artifacts, clock, "pypi-local", "tomllib", {"1.0.0", "1.1.0"});
    add_versions(artifacts, clock, "pypi-team", "py-yaml", {"5.4.0"});
    add_versions(artifacts, clock, "pypi-local", "acme-requests-fork", {"2.31.0"});
    add_release(artifacts, clock, "pypi-local", "acme-widgets", "acme-widget", "0.3.0");
    // acme-utils also lives in the team repository, at a lower version.
    add_versions(artifacts, clock, "pypi-team", "acme-utils", {"0.9.0"});
    artifacts.push_back({"pypi-local", ".pypi/simple.html", clock.next()});
    artifacts.push_back({"pypi-local", ".pypi/acme-utils/acme-utils.html", clock.next()});
    artifacts.push_back({"pypi-team", ".pypi/simple.html", clock.next()});
    artifacts.push_back({"pypi-local", "acme-notes/readme.txt", clock.next()});
    artifacts.push_back({"npm-local", "acme-frontend/-/acme-frontend-1.0.0.tgz", clock.next()});
    artifactory.add_artifacts(std::move(artifacts));

    pypi.add_token(std::string(k_sample_pypi_token), std::string(k_sample_pypi_user));
    pypi.add_project("acme-sdk", {"acme-security"}, "acme", {"3.1.0", "3.2.0"}, "security@acme.example");
    pypi.add_project("acme-toolkit", {"mallory"}, std::nullopt, {"99.0.0"}, "mallory@evil.example");
    pypi.add_project("acme-common", {"someone-else"}, std::nullopt, {"0.1.0"}, "someone@else.example");
    pypi.add_project("acme-legacy", {"squatter"});
    pypi.add_project("PyYAML", {"yaml-maintainer"}, std::nullopt, {"6.0.1", "6.0.2"}, "yaml@example.org");
    pypi.add_project("requests", {"psf-maintainer"}, "psf", {"2.31.0", "2.32.3"}, "me@example.org");
    pypi.add_project("numpy", {"numpy-maintainer"}, "numpy", {"1.26.4", "2.1.0"}, "numpy@example.org");
}

void populate_scale(ArtifactoryStandin& artifactory, std::size_t artifacts, std::size_t names) {
    artifactory.add_repository("pypi-local", "local", "pypi", "Internal Python packages");
    artifactory.add_repository("pypi-team", "local", "Pypi", "Team packages");
    if (names == 0) {
        return;
    }
    std::vector<ArtifactoryStandin::Artifact> batch;
    batch.reserve(artifacts);
    const std::size_t per_name = artifacts / names;
    const std::size_t extra = artifacts % names;
    for (std::size_t n = 0; n < names; ++n) {
        const std::string name = fmt::format("scale-pkg-{:05}", n);
        const std::string file = pypi::filename_component(name);
        const char* repo = n % 4 == 3 ? "pypi-team" : "pypi-local";
        const std::size_t count = per_name + (n < extra ? 1 : 0);
        for (std::size_t a = 0; a < count; ++a) {
            const std::string version = fmt::format("1.{}.0", a / 2);
            const std::string path =
                a % 2 == 0 ? fmt::format("{}/{}/{}-{}-py3-none-any.whl", name, version, file, version)
                           : fmt::format("{}/{}/{}-{}.tar.gz", name, version, file, version);
            const std::size_t minute = (n * 7 + a) % (60 * 24 * 28);
            batch.push_back({repo, path,
                             fmt::format("2026-11-{:02}T{:02}:{:02}:00.000Z", 1 + minute / (60 * 24),
                                         (minute / 60) % 24, minute % 60)});
        }
    }
    artifactory.add_artifacts(std::move(batch));
}

} // namespace namekeeper::standins
