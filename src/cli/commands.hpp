#pragma once

// The subcommands. app.cpp parses the command line (the only file that includes CLI11) and hands
// each command its arguments as a plain struct; a command returns the process exit status.

#include "namekeeper/config/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace namekeeper::cli {

enum ExitStatus : int { k_exit_ok = 0, k_exit_failed = 1, k_exit_usage = 2, k_exit_risk = 3 };

struct PlaceholderArgs {
    std::vector<std::string> names;
    std::filesystem::path out_dir;
};

int run_placeholder(const config::Config& config, const PlaceholderArgs& args);

struct ReconcileArgs {
    bool full = false;
    bool dry_run = false;
    std::vector<std::string> repositories;
    std::optional<int> max_new;
    std::filesystem::path report;
    bool fail_on_risk = false;
};

int run_reconcile(const config::Config& config, const ReconcileArgs& args);

struct CheckArgs {
    std::vector<std::string> names;
    bool json = false;
};

int run_check(const config::Config& config, const CheckArgs& args);

struct StatusArgs {
    bool json = false;
    std::optional<std::string> state;
};

int run_status(const config::Config& config, const StatusArgs& args);

struct ServeArgs {
    std::optional<std::string> listen;
};

int run_serve(const config::Config& config, const ServeArgs& args);

} // namespace namekeeper::cli
