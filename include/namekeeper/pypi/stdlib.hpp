#pragma once

#include <string_view>

namespace namekeeper::pypi {

// True when PyPI refuses `name` as a standard-library module name: the normalized name equals a
// module of any supported Python version, or a dotted prefix of one (`os-path` for `os.path`).
[[nodiscard]] bool is_stdlib_name(std::string_view name);

} // namespace namekeeper::pypi
