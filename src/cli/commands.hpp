#pragma once

// The subcommands. app.cpp parses the command line (the only file that includes CLI11) and hands
// each command its arguments as a plain struct; a command returns the process exit status.

#include "namekeeper/config/config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace namekeeper::cli {

enum ExitStatus : int { k_exit_ok = 0, k_exit_failed = 1, k_exit_usage = 2, k_exit_risk = 3 };

struct PlaceholderArgs {
    std::vector<std::string> names;
    std::filesystem::path out_dir;
};

int run_placeholder(const config::Config& config, const PlaceholderArgs& args);

} // namespace namekeeper::cli
