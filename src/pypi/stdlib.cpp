// PLACEHOLDER: the pypi-rules work replaces this with data generated from Debian's lists.
#include "namekeeper/pypi/stdlib.hpp"

#include "namekeeper/pypi/name.hpp"

#include <array>
#include <string>

namespace namekeeper::pypi {

bool is_stdlib_name(std::string_view name) {
    static constexpr std::array<std::string_view, 6> k_modules{"asyncio", "os",   "os-path",
                                                               "sys",     "json", "re"};
    const std::string normalized = normalize(name);
    for (auto m : k_modules) {
        if (normalized == m) {
            return true;
        }
    }
    return false;
}

} // namespace namekeeper::pypi
