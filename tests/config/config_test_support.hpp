#pragma once

// Helpers shared by the configuration tests.

#include "namekeeper/config/loader.hpp"

#include <cstdlib>
#include <optional>
#include <string>

namespace namekeeper::test {

// Sets (value) or unsets (nullopt) an environment variable for the life of the object, then puts
// back what was there. The tests run on one thread, so setenv is safe here.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::optional<std::string>& value) : m_name(std::move(name)) {
        if (const char* old = std::getenv(m_name.c_str())) {
            m_old = old;
        }
        if (value) {
            ::setenv(m_name.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name.c_str(), m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

// The smallest valid configuration; tests append sections to it (they start on line 3).
inline const std::string k_minimal_config =
    "artifactory:\n  url: https://artifactory.example.com/artifactory\n";

// The message of the ConfigError that parsing `yaml` as "test.yaml" throws, or "loaded" when none.
inline std::string config_error(const std::string& yaml) {
    try {
        (void)config::parse(yaml, "test.yaml");
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "loaded";
}

} // namespace namekeeper::test
