// TEMPORARY: the placeholder work replaces this file.
#include "cli/commands.hpp"

#include <iostream>

namespace namekeeper::cli {

int run_placeholder(const config::Config&, const PlaceholderArgs&) {
    std::cerr << "namekeeper: placeholder is not built yet\n";
    return k_exit_failed;
}

} // namespace namekeeper::cli
