#pragma once

// The read API's bodies: PEP 691 JSON and PEP 503 HTML for /simple/<name>/, and the JSON API's
// /pypi/<name>/json with the "ownership" block that PyPI itself sets.

#include "standins/pypi_registry.hpp"

#include <string>

namespace namekeeper::standins {

[[nodiscard]] std::string simple_json(const RegistryProject& project, const std::string& base_url);
[[nodiscard]] std::string simple_html(const RegistryProject& project, const std::string& base_url);
[[nodiscard]] std::string project_json(const RegistryProject& project, const std::string& base_url);

} // namespace namekeeper::standins
