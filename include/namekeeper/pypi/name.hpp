#pragma once

// Project names as PyPI sees them: PEP 503 normalization, the validity rule, and the key that
// PyPI's "too similar" check compares (REFERENCE.md, "The public index").

#include <string>
#include <string_view>

namespace namekeeper::pypi {

// PEP 503: lowercase, and every run of '-', '_', '.' becomes a single '-'.
[[nodiscard]] std::string normalize(std::string_view name);

// ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$, case-insensitive, ASCII only.
[[nodiscard]] bool is_valid_name(std::string_view name);

// PyPI's "too similar" key: '.', '_', '-' removed, l/L/i/I -> 1, then o/O -> 0, then lowercase.
// Two names with equal keys are too similar for PyPI to create the second.
[[nodiscard]] std::string similarity_key(std::string_view name);

// The normalized name with '-' replaced by '_', as wheel and sdist filenames must spell it.
[[nodiscard]] std::string filename_component(std::string_view name);

} // namespace namekeeper::pypi
