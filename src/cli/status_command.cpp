#include "cli/commands.hpp"
#include "namekeeper/ledger/ledger.hpp"
#include "namekeeper/report/report.hpp"

#include <iostream>

namespace namekeeper::cli {

int run_status(const config::Config& config, const StatusArgs& args) {
    std::optional<ledger::NameState> state;
    if (args.state) {
        state = ledger::parse_state(*args.state);
        if (!state) {
            std::cerr << "namekeeper: --state " << *args.state
                      << " is not a state (pending, reserved, owned, taken, blocked, ignored, failed)\n";
            return k_exit_usage;
        }
    }
    auto ledger = ledger::Ledger::open(config.ledger.path, "status", {.access = ledger::Access::read_only});
    if (!ledger) {
        std::cerr << "namekeeper: " << ledger.error().message << "\n";
        return k_exit_failed;
    }
    const auto records = ledger->list(state);
    const auto counts = ledger->counts();
    if (!records || !counts) {
        std::cerr << "namekeeper: " << (!records ? records.error().message : counts.error().message) << "\n";
        return k_exit_failed;
    }
    std::cout << (args.json ? report::status_json(*records, *counts)
                            : report::status_table(*records, *counts));
    return k_exit_ok;
}

} // namespace namekeeper::cli
