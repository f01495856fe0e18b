#include "cli/commands.hpp"
#include "cli/runtime.hpp"
#include "namekeeper/pypi/name.hpp"
#include "namekeeper/pypi/stdlib.hpp"
#include "namekeeper/reconcile/classify.hpp"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

namespace namekeeper::cli {
namespace {

struct CheckResult {
    std::string name;
    std::string normalized;
    std::string state; // free | reserved | owned | taken | blocked | error
    std::optional<std::string> reason;
    std::vector<std::string> owners;
    std::optional<std::string> public_version;
};

nlohmann::ordered_json to_json(const CheckResult& r) {
    const auto optional = [](const std::optional<std::string>& v) {
        return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
    };
    return {{"name", r.name},     {"normalized", r.normalized},
            {"state", r.state},   {"reason", optional(r.reason)},
            {"owners", r.owners}, {"public_version", optional(r.public_version)}};
}

} // namespace

int run_check(const config::Config& config, const CheckArgs& args) {
    Runtime runtime(config);
    std::vector<CheckResult> results;
    bool any_error = false;
    for (const auto& name : args.names) {
        CheckResult r{name, pypi::normalize(name), "free", std::nullopt, {}, std::nullopt};
        if (const auto local = reconcile::settle_locally(name, {})) {
            r.state = "blocked";
            r.reason = local->reason;
            results.push_back(std::move(r));
            continue;
        }
        const auto found = runtime.index.look_up(r.normalized);
        if (!found) {
            any_error = true;
            r.state = "error";
            r.reason = found.error().message;
        } else if (found->has_value()) {
            const auto outcome =
                reconcile::classify_held(**found, std::nullopt, config.pypi, config.placeholder);
            r.state = std::string(ledger::to_string(outcome.state));
            r.reason = outcome.reason; // no risk here: check knows no internal version
            r.owners = outcome.owners;
            r.public_version = outcome.public_version;
        } else if (pypi::is_stdlib_name(r.normalized)) {
            r.state = "blocked";
            r.reason = "stdlib";
        }
        results.push_back(std::move(r));
    }
    if (args.json) {
        nlohmann::ordered_json doc{{"results", nlohmann::ordered_json::array()}};
        for (const auto& r : results) {
            doc["results"].push_back(to_json(r));
        }
        std::cout << doc.dump(2) << "\n";
    } else {
        for (const auto& r : results) {
            std::string owners;
            for (const auto& o : r.owners) {
                owners += (owners.empty() ? "" : ",") + o;
            }
            std::cout << fmt::format("{}: {}{}{}{}\n", r.normalized, r.state,
                                     r.reason ? " (" + *r.reason + ")" : "",
                                     r.public_version ? " public " + *r.public_version : "",
                                     owners.empty() ? "" : " owners " + owners);
        }
    }
    return any_error ? k_exit_failed : k_exit_ok;
}

} // namespace namekeeper::cli
