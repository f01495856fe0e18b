// namekeeper-standins: runs the Artifactory and PyPI stand-ins for the demo until SIGTERM/SIGINT.
//   namekeeper-standins [--artifactory-port P] [--pypi-port Q] [--sample company|scale|none]
//                       [--latency-ms N] [--ready-file F]
// Once both listen, it prints their URLs and writes them to the ready file as KEY=VALUE lines:
// ARTIFACTORY_URL, PYPI_URL, PYPI_UPLOAD_URL.

#include "standins/artifactory_standin.hpp"
#include "standins/pypi_standin.hpp"
#include "standins/sample_data.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>

namespace {

using namespace namekeeper::standins;

void write_ready_file(const std::filesystem::path& path, const std::string& text) {
    // Written aside and renamed, so a reader never sees half a file.
    const std::filesystem::path partial = path.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::trunc);
        out << text;
        if (!out) {
            throw std::runtime_error(fmt::format("cannot write {}", partial.string()));
        }
    }
    std::filesystem::rename(partial, path);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Local stand-ins for JFrog Artifactory and PyPI"};
    int artifactory_port = 0;
    int pypi_port = 0;
    std::string sample = "company";
    int latency_ms = 0;
    std::string ready_file;
    std::size_t new_project_limit = 20;
    app.add_option("--artifactory-port", artifactory_port, "port for Artifactory (0: any)");
    app.add_option("--pypi-port", pypi_port, "port for PyPI (0: any)");
    app.add_option("--sample", sample, "sample data")->check(CLI::IsMember({"company", "scale", "none"}));
    app.add_option("--latency-ms", latency_ms, "latency added to every read request")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--ready-file", ready_file, "file to write the URLs to once listening");
    app.add_option("--new-project-limit", new_project_limit,
                   "new projects per user and hour (warehouse: 20)");
    CLI11_PARSE(app, argc, argv);

    // Blocked before any thread starts, so that every thread inherits the mask and sigwait sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) {
        std::cerr << "namekeeper-standins: cannot block signals\n";
        return 1;
    }
    try {
        ServerOptions artifactory_options;
        artifactory_options.port = artifactory_port;
        PypiOptions pypi_options;
        pypi_options.server.port = pypi_port;
        ArtifactoryStandin artifactory(artifactory_options);
        PypiStandin pypi(pypi_options);
        if (sample == "company") {
            populate_sample_company(artifactory, pypi);
        } else if (sample == "scale") {
            populate_scale(artifactory, 200'000, 40'000);
            pypi.add_token(std::string(k_sample_pypi_token), std::string(k_sample_pypi_user));
        }
        artifactory.set_latency(std::chrono::milliseconds(latency_ms));
        pypi.set_latency(std::chrono::milliseconds(latency_ms));
        pypi.set_new_projects_per_hour(new_project_limit);

        const std::string urls = fmt::format("ARTIFACTORY_URL={}\nPYPI_URL={}\nPYPI_UPLOAD_URL={}\n",
                                             artifactory.base_url(), pypi.base_url(), pypi.upload_url());
        std::cout << urls << std::flush;
        if (!ready_file.empty()) {
            write_ready_file(ready_file, urls);
        }
        int received = 0;
        sigwait(&signals, &received);
        std::cerr << fmt::format("namekeeper-standins: signal {}, stopping\n", received);
    } catch (const std::exception& error) {
        std::cerr << "namekeeper-standins: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
