#include "cli/app.hpp"

#include "cli/commands.hpp"
#include "namekeeper/config/loader.hpp"
#include "namekeeper/util/logging.hpp"
#include "namekeeper/version.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>

namespace namekeeper::cli {
namespace {

struct GlobalOptions {
    std::string config_path;
    bool config_given = false;
    std::string log_level;
    std::string log_format;
};

std::string default_config_path() {
    if (const char* env = std::getenv("NAMEKEEPER_CONFIG"); env != nullptr && *env != '\0') {
        return env;
    }
    return "/etc/namekeeper/config.yaml";
}

enum class ConfigNeed { required, optional };

// Loads the configuration. An optional one (for commands that need no services) falls back to
// the defaults when no file was named and the default path does not exist.
config::Config load_config(const GlobalOptions& options, ConfigNeed need) {
    const std::filesystem::path path = options.config_path;
    if (need == ConfigNeed::optional && !options.config_given && !std::filesystem::exists(path)) {
        return config::Config{};
    }
    return config::load(path);
}

bool configure_logging(const GlobalOptions& options, const config::Config& config) {
    const std::string level = options.log_level.empty() ? config.log.level : options.log_level;
    const std::string format = options.log_format.empty() ? config.log.format : options.log_format;
    return util::setup_logging(level, format == "json" ? util::LogFormat::json : util::LogFormat::text);
}

} // namespace

int run(int argc, char** argv) {
    util::setup_logging("info", util::LogFormat::text);

    CLI::App app{"namekeeper: holds internal Python package names on the public index"};
    app.set_version_flag("--version", std::string("namekeeper ") + k_version);
    app.require_subcommand(1);
    app.fallthrough();

    GlobalOptions options;
    options.config_path = default_config_path();
    auto* config_option = app.add_option("-c,--config", options.config_path,
                                         "configuration file (default: $NAMEKEEPER_CONFIG, else "
                                         "/etc/namekeeper/config.yaml)");
    app.add_option("--log-level", options.log_level, "trace|debug|info|warn|error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    app.add_option("--log-format", options.log_format, "text|json")->check(CLI::IsMember({"text", "json"}));

    std::function<int()> selected;

    // Runs `command` once the command line is parsed: loads the configuration, sets up logging.
    const auto select = [&](ConfigNeed need, auto command) {
        selected = [&options, need, command] {
            const auto config = load_config(options, need);
            if (!configure_logging(options, config)) {
                std::cerr << "namekeeper: log.level must be one of trace|debug|info|warn|error\n";
                return int{k_exit_usage};
            }
            return command(config);
        };
    };

    ReconcileArgs reconcile_args;
    std::optional<int> max_new;
    const auto add_reconcile_options = [&](CLI::App* sub) {
        sub->add_flag("--full", reconcile_args.full, "list every artifact, not only the new ones");
        sub->add_flag("--dry-run", reconcile_args.dry_run,
                      "read Artifactory and the public index, change nothing, upload nothing");
        sub->add_option("--repo", reconcile_args.repositories, "only this repository (repeatable)");
        sub->add_option("--max-new", max_new, "upload at most N new projects in this run")
            ->check(CLI::NonNegativeNumber);
        sub->add_option("--report", reconcile_args.report, "write the JSON report to FILE");
        sub->add_flag("--fail-on-risk", reconcile_args.fail_on_risk,
                      "exit 3 when a name is taken at risk critical");
    };
    auto* reconcile = app.add_subcommand("reconcile", "one reconcile pass (incremental unless --full)");
    add_reconcile_options(reconcile);
    reconcile->callback([&] {
        reconcile_args.max_new = max_new;
        select(ConfigNeed::required,
               [&](const config::Config& c) { return run_reconcile(c, reconcile_args); });
    });
    auto* backfill = app.add_subcommand("backfill", "reconcile --full: every existing internal package");
    add_reconcile_options(backfill);
    backfill->callback([&] {
        reconcile_args.full = true;
        reconcile_args.max_new = max_new;
        select(ConfigNeed::required,
               [&](const config::Config& c) { return run_reconcile(c, reconcile_args); });
    });

    CheckArgs check_args;
    auto* check = app.add_subcommand("check", "look NAME up on the public index; changes nothing");
    check->add_option("NAME", check_args.names, "project names")->required();
    check->add_flag("--json", check_args.json, "print JSON");
    check->callback([&] {
        select(ConfigNeed::optional, [&](const config::Config& c) { return run_check(c, check_args); });
    });

    StatusArgs status_args;
    auto* status = app.add_subcommand("status", "what the ledger holds");
    status->add_flag("--json", status_args.json, "print JSON");
    status->add_option("--state", status_args.state, "only names in STATE");
    status->callback([&] {
        select(ConfigNeed::required, [&](const config::Config& c) { return run_status(c, status_args); });
    });

    ServeArgs serve_args;
    auto* serve =
        app.add_subcommand("serve", "receive Artifactory webhooks and reserve names as they are deployed");
    serve->add_option("--listen", serve_args.listen, "HOST:PORT (default: webhook.listen)");
    serve->callback([&] {
        select(ConfigNeed::required, [&](const config::Config& c) { return run_serve(c, serve_args); });
    });

    PlaceholderArgs placeholder_args;
    auto* placeholder =
        app.add_subcommand("placeholder", "write the placeholder files for NAME into DIR; no network");
    placeholder->add_option("NAME", placeholder_args.names, "project names")->required();
    placeholder->add_option("--out", placeholder_args.out_dir, "output folder")->required();
    placeholder->callback([&] {
        select(ConfigNeed::optional,
               [&](const config::Config& c) { return run_placeholder(c, placeholder_args); });
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : int{k_exit_usage};
    }
    options.config_given = config_option->count() > 0;

    try {
        return selected ? selected() : int{k_exit_usage};
    } catch (const config::ConfigError& e) {
        std::cerr << "namekeeper: " << e.what() << "\n";
        return k_exit_usage;
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return k_exit_failed;
    }
}

} // namespace namekeeper::cli
