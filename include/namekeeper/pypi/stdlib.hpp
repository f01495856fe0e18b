#pragma once

#include <string_view>

namespace namekeeper::pypi {

// True when PyPI refuses `name` as a standard-library module name: the normalized name equals a
// module of any Python version we know (python3-stdlib-list 2.6-3.9 and Python 3.11's
// sys.stdlib_module_names), or a dotted prefix of one (`os-path` for `os.path`). Module names are
// stripped of leading and trailing '-', '_', '.' first, as PyPI does (`__future__` gives `future`).
[[nodiscard]] bool is_stdlib_name(std::string_view name);

} // namespace namekeeper::pypi
