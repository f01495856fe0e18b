#pragma once

#include <string_view>

namespace namekeeper::util {

enum class LogFormat { text, json };

// Sends every log line to stderr, as text or as one JSON object a line. Returns false when
// `level` is not one of trace|debug|info|warn|error.
bool setup_logging(std::string_view level, LogFormat format);

} // namespace namekeeper::util
