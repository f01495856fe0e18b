#include "namekeeper/webhook/metrics.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace namekeeper::webhook;

TEST_CASE("a small registry renders in the Prometheus text format", "[webhook][metrics]") {
    MetricsRegistry registry;
    registry.add_counter("requests_total", "Requests.\nBy \\ result.", {"result", "reason"});
    registry.add_gauge("depth", "Queue depth.");
    registry.add_gauge("names", "Names by state.", {"state"});
    registry.add_histogram("duration_seconds", "Durations.", {0.1, 1, 2.5});

    registry.increment("requests_total", {"accepted", "deployed"});
    registry.increment("requests_total", {"accepted", "deployed"});
    registry.increment("requests_total", {"ignored", "a \"quoted\"\\back\nslash"});
    registry.increment("requests_total", {"rejected", "payload"}, 0.5);
    registry.set("names", {"reserved"}, 3);
    registry.set("names", {"pending"}, 12);
    registry.set("names", {"reserved"}, 4);
    registry.observe("duration_seconds", 0.05);
    registry.observe("duration_seconds", 0.1);
    registry.observe("duration_seconds", 2);
    registry.observe("duration_seconds", 30);

    CHECK(registry.render() ==
          "# HELP requests_total Requests.\\nBy \\\\ result.\n"
          "# TYPE requests_total counter\n"
          "requests_total{result=\"accepted\",reason=\"deployed\"} 2\n"
          "requests_total{result=\"ignored\",reason=\"a \\\"quoted\\\"\\\\back\\nslash\"} 1\n"
          "requests_total{result=\"rejected\",reason=\"payload\"} 0.5\n"
          "# HELP depth Queue depth.\n"
          "# TYPE depth gauge\n"
          "depth 0\n"
          "# HELP names Names by state.\n"
          "# TYPE names gauge\n"
          "names{state=\"pending\"} 12\n"
          "names{state=\"reserved\"} 4\n"
          "# HELP duration_seconds Durations.\n"
          "# TYPE duration_seconds histogram\n"
          "duration_seconds_bucket{le=\"0.1\"} 2\n"
          "duration_seconds_bucket{le=\"1\"} 2\n"
          "duration_seconds_bucket{le=\"2.5\"} 3\n"
          "duration_seconds_bucket{le=\"+Inf\"} 4\n"
          "duration_seconds_sum 32.15\n"
          "duration_seconds_count 4\n");
}

TEST_CASE("the service metrics start at zero", "[webhook][metrics]") {
    MetricsRegistry registry;
    declare_service_metrics(registry);
    registry.set(k_metric_queue_depth, {}, 7);
    CHECK(registry.render() ==
          "# HELP namekeeper_webhook_events_total Webhook requests by result and reason.\n"
          "# TYPE namekeeper_webhook_events_total counter\n"
          "# HELP namekeeper_queue_depth Names waiting in the ledger's queue.\n"
          "# TYPE namekeeper_queue_depth gauge\n"
          "namekeeper_queue_depth 7\n"
          "# HELP namekeeper_names Names in the ledger by state.\n"
          "# TYPE namekeeper_names gauge\n"
          "# HELP namekeeper_uploads_total Placeholder uploads by outcome.\n"
          "# TYPE namekeeper_uploads_total counter\n"
          "# HELP namekeeper_lookup_duration_seconds Time to look a name up on the public index.\n"
          "# TYPE namekeeper_lookup_duration_seconds histogram\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.005\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.01\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.025\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.05\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.1\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.25\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"0.5\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"1\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"2.5\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"5\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"10\"} 0\n"
          "namekeeper_lookup_duration_seconds_bucket{le=\"+Inf\"} 0\n"
          "namekeeper_lookup_duration_seconds_sum 0\n"
          "namekeeper_lookup_duration_seconds_count 0\n");
}

TEST_CASE("misusing the registry is a logic error", "[webhook][metrics]") {
    MetricsRegistry registry;
    registry.add_counter("c", "C.", {"a"});
    registry.add_histogram("h", "H.", {1, 2});
    CHECK_THROWS_WITH(registry.add_gauge("c", "again"), "metric declared twice: c");
    CHECK_THROWS_WITH(registry.increment("nope"), "no such metric: nope");
    CHECK_THROWS_WITH(registry.set("c", {"x"}, 1), "no such metric: c");
    CHECK_THROWS_WITH(registry.increment("c"), "wrong number of labels for c");
    CHECK_THROWS_WITH(registry.add_histogram("h2", "H.", {2, 1}), "histogram bounds must ascend: h2");
    CHECK_THROWS_AS(registry.add_histogram("h3", "H.", {1, 1}), std::logic_error);
}

TEST_CASE("the registry counts correctly from many threads", "[webhook][metrics]") {
    MetricsRegistry registry;
    registry.add_counter("c", "C.", {"t"});
    registry.add_histogram("h", "H.", {1});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                registry.increment("c", {"x"});
                registry.observe("h", 0.5);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(registry.render() ==
          "# HELP c C.\n# TYPE c counter\nc{t=\"x\"} 4000\n"
          "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 4000\nh_bucket{le=\"+Inf\"} 4000\n"
          "h_sum 2000\nh_count 4000\n");
}
