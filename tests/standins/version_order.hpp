#pragma once

// PEP 440 ordering, enough for the stand-in to pick a project's latest release (the JSON API's
// info.version) and to compare a wheel filename's version with the form's. Local versions ("+abc")
// are compared as plain strings after the public part. An unparsable version sorts before every
// parsable one, and two unparsable ones compare as strings.

#include <string_view>

namespace namekeeper::standins {

// <0, 0, >0 as a is older than, equal to or newer than b ("1.0" equals "1.0.0").
[[nodiscard]] int compare_versions(std::string_view a, std::string_view b);

// A pre-release or development release ("2.0.0rc1", "1.0.dev3"); unparsable versions count as final.
[[nodiscard]] bool is_prerelease(std::string_view version);

} // namespace namekeeper::standins
