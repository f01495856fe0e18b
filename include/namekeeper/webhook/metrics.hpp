#pragma once

// What `GET /metrics` shows: a small thread-safe registry rendered in Prometheus' text exposition
// format 0.0.4. Each family is declared once with its label names; a labelled series appears once it
// has a value, an unlabelled counter or gauge shows 0 from the start. Families render in declaration
// order, series sorted by label values; histograms have fixed upper bounds, rendered cumulatively as
// `_bucket{le="..."}` lines up to `+Inf`, then `_sum` and `_count`.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::webhook {

class MetricsRegistry {
public:
    // Declaring a name twice, or using an undeclared name or the wrong number of label values, is a
    // programming error: std::logic_error.
    void add_counter(std::string name, std::string help, std::vector<std::string> label_names = {});
    void add_gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
    void add_histogram(std::string name, std::string help, std::vector<double> upper_bounds);

    void increment(std::string_view name, std::initializer_list<std::string_view> label_values = {},
                   double by = 1);
    void set(std::string_view name, std::initializer_list<std::string_view> label_values, double value);
    void observe(std::string_view name, double value);

    [[nodiscard]] std::string render() const;

private:
    enum class Kind { counter, gauge, histogram };
    struct Family {
        std::string name;
        std::string help;
        Kind kind = Kind::counter;
        std::vector<std::string> label_names;
        std::map<std::vector<std::string>, double> series; // counters and gauges
        std::vector<double> upper_bounds;                  // histograms, ascending
        std::vector<std::uint64_t> bucket_counts;          // per bound, not cumulative; last is +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };

    void add(Family family);
    Family& find(std::string_view name, Kind kind, std::size_t label_count);

    mutable std::mutex m_mutex;
    std::vector<Family> m_families;
};

// The service's metric names.
inline constexpr std::string_view k_metric_webhook_events =
    "namekeeper_webhook_events_total"; // result, reason
inline constexpr std::string_view k_metric_queue_depth = "namekeeper_queue_depth";
inline constexpr std::string_view k_metric_names = "namekeeper_names";           // state
inline constexpr std::string_view k_metric_uploads = "namekeeper_uploads_total"; // outcome
inline constexpr std::string_view k_metric_lookup_duration = "namekeeper_lookup_duration_seconds";

// Declares the families above, with their help texts, label names and the look-up buckets
// (5 ms to 10 s).
void declare_service_metrics(MetricsRegistry& registry);

} // namespace namekeeper::webhook
