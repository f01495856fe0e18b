#include "cli/commands.hpp"
#include "cli/runtime.hpp"
#include "namekeeper/config/loader.hpp"
#include "namekeeper/webhook/service.hpp"

#include <csignal>
#include <iostream>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <thread>

namespace namekeeper::cli {
namespace {

// SIGTERM and SIGINT are blocked in every thread and taken by one waiting thread, which asks the
// service to stop: no work happens inside a signal handler.
sigset_t termination_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

std::vector<std::string> accepted_repositories(const config::Config& config, Runtime& runtime) {
    if (!config.artifactory.repositories.empty()) {
        return config.artifactory.repositories;
    }
    if (auto discovered = runtime.artifactory.discover_repositories()) {
        return *discovered;
    } else {
        spdlog::warn("could not discover the PyPI repositories ({}); accepting events from every repository",
                     discovered.error().message);
    }
    return {};
}

} // namespace

int run_serve(const config::Config& config, const ServeArgs& args) {
    if (config.webhook.secret.empty() && !config.webhook.insecure_no_auth) {
        std::cerr << "namekeeper: webhook.secret (or webhook.secret_file) is required for serve; "
                     "webhook.insecure_no_auth: true is allowed only on a loopback listener\n";
        return k_exit_usage;
    }
    const std::string listen = args.listen.value_or(config.webhook.listen);
    if (config.webhook.insecure_no_auth) {
        // The loader checked webhook.listen; --listen must not widen who may post unauthenticated.
        const auto address = config::parse_listen_address(listen, config::PortZero::allowed);
        if (address && !config::is_loopback_host(address->host)) {
            std::cerr << "namekeeper: --listen " << listen
                      << " is not a loopback address, which webhook.insecure_no_auth: true requires\n";
            return k_exit_usage;
        }
    }
    const sigset_t signals = termination_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    Runtime runtime(config);
    webhook::Service service(
        {config, runtime.index, runtime.uploader, runtime.notifier, accepted_repositories(config, runtime)});
    const auto port = service.start(listen);
    if (!port) {
        std::cerr << "namekeeper: " << port.error() << "\n";
        return k_exit_failed;
    }
    std::thread signal_waiter([&] {
        int signal = 0;
        sigwait(&signals, &signal);
        if (signal != 0) {
            spdlog::info("{} received: finishing the name in hand, then stopping",
                         signal == SIGTERM ? "SIGTERM" : "SIGINT");
        }
        service.stop();
    });
    service.run();
    // Wake the waiter if the service stopped on its own.
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
    signal_waiter.join();
    return k_exit_ok;
}

} // namespace namekeeper::cli
