#include "namekeeper/webhook/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace namekeeper::webhook {
namespace {

// Prometheus floats: Go's spelling of the special values, the shortest round-trip form otherwise.
std::string format_value(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    return fmt::format("{}", value);
}

// Prometheus text format: HELP text escapes backslash and newline; label values also the quote.
enum class Quote { keep, escape };

std::string escape(std::string_view text, Quote quote) {
    std::string out;
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote == Quote::escape) {
            out += "\\\"";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string escape_help(std::string_view text) {
    return escape(text, Quote::keep);
}
std::string escape_label_value(std::string_view text) {
    return escape(text, Quote::escape);
}

std::string label_set(const std::vector<std::string>& names, const std::vector<std::string>& values) {
    if (names.empty()) {
        return "";
    }
    std::string out = "{";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", names[i], escape_label_value(values[i]));
    }
    out += '}';
    return out;
}

} // namespace

void MetricsRegistry::add(Family family) {
    const std::lock_guard lock(m_mutex);
    if (std::ranges::any_of(m_families, [&](const Family& f) { return f.name == family.name; })) {
        throw std::logic_error("metric declared twice: " + family.name);
    }
    if (family.kind != Kind::histogram && family.label_names.empty()) {
        family.series[{}] = 0;
    }
    m_families.push_back(std::move(family));
}

void MetricsRegistry::add_counter(std::string name, std::string help, std::vector<std::string> label_names) {
    Family family;
    family.name = std::move(name);
    family.help = std::move(help);
    family.kind = Kind::counter;
    family.label_names = std::move(label_names);
    add(std::move(family));
}

void MetricsRegistry::add_gauge(std::string name, std::string help, std::vector<std::string> label_names) {
    Family family;
    family.name = std::move(name);
    family.help = std::move(help);
    family.kind = Kind::gauge;
    family.label_names = std::move(label_names);
    add(std::move(family));
}

void MetricsRegistry::add_histogram(std::string name, std::string help, std::vector<double> upper_bounds) {
    if (!std::ranges::is_sorted(upper_bounds) ||
        std::ranges::adjacent_find(upper_bounds) != upper_bounds.end()) {
        throw std::logic_error("histogram bounds must ascend: " + name);
    }
    Family family;
    family.name = std::move(name);
    family.help = std::move(help);
    family.kind = Kind::histogram;
    family.bucket_counts.resize(upper_bounds.size() + 1);
    family.upper_bounds = std::move(upper_bounds);
    add(std::move(family));
}

MetricsRegistry::Family& MetricsRegistry::find(std::string_view name, Kind kind, std::size_t label_count) {
    const auto it = std::ranges::find_if(m_families, [&](const Family& f) { return f.name == name; });
    if (it == m_families.end() || it->kind != kind) {
        throw std::logic_error(fmt::format("no such metric: {}", name));
    }
    if (it->label_names.size() != label_count) {
        throw std::logic_error(fmt::format("wrong number of labels for {}", name));
    }
    return *it;
}

void MetricsRegistry::increment(std::string_view name, std::initializer_list<std::string_view> label_values,
                                double by) {
    const std::lock_guard lock(m_mutex);
    Family& family = find(name, Kind::counter, label_values.size());
    family.series[std::vector<std::string>(label_values.begin(), label_values.end())] += by;
}

void MetricsRegistry::set(std::string_view name, std::initializer_list<std::string_view> label_values,
                          double value) {
    const std::lock_guard lock(m_mutex);
    Family& family = find(name, Kind::gauge, label_values.size());
    family.series[std::vector<std::string>(label_values.begin(), label_values.end())] = value;
}

void MetricsRegistry::observe(std::string_view name, double value) {
    const std::lock_guard lock(m_mutex);
    Family& family = find(name, Kind::histogram, 0);
    // The first bound the value does not exceed; past the last one (or NaN) it is the +Inf bucket.
    const auto bound =
        std::isnan(value) ? family.upper_bounds.end() : std::ranges::lower_bound(family.upper_bounds, value);
    ++family.bucket_counts[static_cast<std::size_t>(bound - family.upper_bounds.begin())];
    family.sum += value;
    ++family.count;
}

std::string MetricsRegistry::render() const {
    const std::lock_guard lock(m_mutex);
    std::string out;
    for (const Family& family : m_families) {
        const char* type = family.kind == Kind::counter ? "counter"
                           : family.kind == Kind::gauge ? "gauge"
                                                        : "histogram";
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, escape_help(family.help), family.name,
                           type);
        for (const auto& [values, value] : family.series) {
            out += fmt::format("{}{} {}\n", family.name, label_set(family.label_names, values),
                               format_value(value));
        }
        if (family.kind != Kind::histogram) {
            continue;
        }
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < family.bucket_counts.size(); ++i) {
            cumulative += family.bucket_counts[i];
            const double le = i < family.upper_bounds.size() ? family.upper_bounds[i]
                                                             : std::numeric_limits<double>::infinity();
            out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", family.name, format_value(le), cumulative);
        }
        out += fmt::format("{}_sum {}\n{}_count {}\n", family.name, format_value(family.sum), family.name,
                           family.count);
    }
    return out;
}

void declare_service_metrics(MetricsRegistry& registry) {
    registry.add_counter(std::string(k_metric_webhook_events), "Webhook requests by result and reason.",
                         {"result", "reason"});
    registry.add_gauge(std::string(k_metric_queue_depth), "Names waiting in the ledger's queue.");
    registry.add_gauge(std::string(k_metric_names), "Names in the ledger by state.", {"state"});
    registry.add_counter(std::string(k_metric_uploads), "Placeholder uploads by outcome.", {"outcome"});
    registry.add_histogram(std::string(k_metric_lookup_duration),
                           "Time to look a name up on the public index.",
                           {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
}

} // namespace namekeeper::webhook
