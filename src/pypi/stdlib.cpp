#include "namekeeper/pypi/stdlib.hpp"

#include "namekeeper/pypi/name.hpp"

#include <algorithm>
#include <string>

namespace namekeeper::pypi {
namespace {

// Sorted bytewise; tools/gen_stdlib_names.py writes it and says how to regenerate it.
constexpr std::string_view k_stdlib_names[] = {
#include "stdlib_names.inc"
};

} // namespace

bool is_stdlib_name(std::string_view name) {
    return std::binary_search(std::begin(k_stdlib_names), std::end(k_stdlib_names), normalize(name));
}

} // namespace namekeeper::pypi
