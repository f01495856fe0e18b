#include "namekeeper/util/logging.hpp"

#include <chrono>
#include <fmt/chrono.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace namekeeper::util {
namespace {

// One JSON object a line: {"time": ..., "level": ..., "message": ...}. The message is escaped by
// nlohmann so that no log line can break the framing, whatever text it carries.
class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto seconds = std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time);
        nlohmann::json line{
            {"time", fmt::format("{:%FT%TZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)))},
            {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                  spdlog::level::to_string_view(msg.level).size())},
            {"message", std::string(msg.payload.data(), msg.payload.size())},
        };
        const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        dest.append(text.data(), text.data() + text.size());
    }
    [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>();
    }
};

} // namespace

bool setup_logging(std::string_view level, LogFormat format) {
    const auto parsed = spdlog::level::from_str(std::string(level));
    const bool known =
        level == "trace" || level == "debug" || level == "info" || level == "warn" || level == "error";
    if (!known) {
        return false;
    }
    auto logger =
        std::make_shared<spdlog::logger>("namekeeper", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    if (format == LogFormat::json) {
        logger->set_formatter(std::make_unique<JsonFormatter>());
    } else {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    }
    logger->set_level(parsed);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    return true;
}

} // namespace namekeeper::util
