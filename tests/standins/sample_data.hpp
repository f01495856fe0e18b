#pragma once

// Sample data for the demo, the end-to-end tests and the benchmarks.
//
// populate_sample_company() gives Artifactory two local PyPI repositories, "pypi-local" (packageType
// "pypi") and "pypi-team" (packageType "Pypi"), plus "npm-local" (npm), "pypi-remote" (remote) and an
// empty "pypi-federated" (federated) for the repository filter to judge. Artifacts use the
// <name>/<version>/<file> layout with a wheel and an sdist per version, created from
// 2026-11-01T00:00:00.000Z onwards, one hour apart. Tokens: Artifactory bearer
// "demo-artifactory-token"; PyPI token "pypi-demo-token" for user "acme-security" (demo only).
//
// Expected outcomes with the config owners [acme-security], organizations [acme], ignore
// ["acme-*-fork"]:
//
//   name                 internal  public index                           outcome
//   acme-* (30 names,    various   absent                                 reserved (placeholder 0.0.0)
//     k_sample_free_names)
//   acme-sdk             3.2.0     3.2.0, owner acme-security, org acme   owned
//   acme-toolkit         1.2.0     99.0.0, owner "mallory"                taken, risk critical
//   acme-common          2.5.0     0.1.0, owner "someone-else"            taken, risk warning
//   acme-legacy          1.0.0     project without releases, "squatter"   taken, risk warning
//   tomllib              1.1.0     absent (standard-library name)         blocked, stdlib
//   py-yaml              5.4.0     absent; "PyYAML" exists                blocked, too-similar
//   acme-requests-fork   2.31.0    absent                                 ignored
//   acme-widget          0.3.0     absent; folder "acme-widgets/"         reserved, folder/filename mismatch
//                                  holds acme_widget-0.3.0 files          reported
// Not names at all: ".pypi/" index files in both repositories, "acme-notes/readme.txt" (not a
// distribution), everything in npm-local. The index also holds "requests" and "numpy".

#include "standins/artifactory_standin.hpp"
#include "standins/pypi_standin.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace namekeeper::standins {

inline constexpr std::string_view k_sample_artifactory_token = "demo-artifactory-token";
inline constexpr std::string_view k_sample_pypi_token = "pypi-demo-token";
inline constexpr std::string_view k_sample_pypi_user = "acme-security";

// The 30 free acme-* names of the sample company (each ends up reserved).
inline constexpr std::array<std::string_view, 30> k_sample_free_names{
    "acme-auth",   "acme-billing",  "acme-cli",     "acme-config",  "acme-crypto", "acme-data",
    "acme-db",     "acme-events",   "acme-flags",   "acme-geo",     "acme-http",   "acme-images",
    "acme-jobs",   "acme-kafka",    "acme-logging", "acme-metrics", "acme-ml",     "acme-notify",
    "acme-orders", "acme-payments", "acme-queue",   "acme-reports", "acme-search", "acme-storage",
    "acme-tasks",  "acme-testing",  "acme-tracing", "acme-users",   "acme-utils",  "acme-web"};

void populate_sample_company(ArtifactoryStandin& artifactory, PypiStandin& pypi);

// `artifacts` artifacts over `names` deterministic names ("scale-pkg-00000", ...) in "pypi-local" and
// "pypi-team" (every fourth name), wheels and sdists of versions 1.0.0, 1.1.0, ...: the benchmark's
// 200,000 over 40,000. The public index is left alone (every name is free).
void populate_scale(ArtifactoryStandin& artifactory, std::size_t artifacts, std::size_t names);

} // namespace namekeeper::standins
