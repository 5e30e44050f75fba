// The Prometheus text exposition format (0.0.4) produced by metrics::Registry.
#include "kappa/common/metrics.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace kappa::metrics {
namespace {

TEST(MetricsFormat, CounterAndGaugeWithAndWithoutLabels) {
  Registry r;
  r.counter("kappa_requests_total", "Requests.", {{"api", "Produce"}, {"version", "9"}}).inc(3);
  r.gauge("kappa_active_connections", "Open connections.").set(2);
  EXPECT_EQ(r.render(),
            "# HELP kappa_active_connections Open connections.\n"
            "# TYPE kappa_active_connections gauge\n"
            "kappa_active_connections 2\n"
            "# HELP kappa_requests_total Requests.\n"
            "# TYPE kappa_requests_total counter\n"
            "kappa_requests_total{api=\"Produce\",version=\"9\"} 3\n");
}

TEST(MetricsFormat, SeriesAreResolvedOnceAndStayValid) {
  Registry r;
  Counter& a = r.counter("c_total", "C.", {{"k", "a"}});
  for (int i = 0; i < 100; ++i) r.counter("c_total", "C.", {{"k", std::to_string(i)}});
  a.inc();
  EXPECT_EQ(&a, &r.counter("c_total", "C.", {{"k", "a"}}));
  EXPECT_EQ(a.value(), 1);
}

TEST(MetricsFormat, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto& h = r.histogram("lat_seconds", "Latency.", {{"api", "Fetch"}}, {0.25, 1});
  h.observe(0.125);
  h.observe(0.25);  // le is inclusive
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(r.render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{api=\"Fetch\",le=\"0.25\"} 2\n"
            "lat_seconds_bucket{api=\"Fetch\",le=\"1\"} 3\n"
            "lat_seconds_bucket{api=\"Fetch\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{api=\"Fetch\"} 7.875\n"
            "lat_seconds_count{api=\"Fetch\"} 4\n");
}

TEST(MetricsFormat, EscapesLabelValuesAndHelp) {
  Registry r;
  r.gauge("g", "line one\nback\\slash", {{"topic", "a\"b\\c\nd"}}).set(1);
  EXPECT_EQ(r.render(),
            "# HELP g line one\\nback\\\\slash\n"
            "# TYPE g gauge\n"
            "g{topic=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsFormat, SpecialValues) {
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(1234567890123), "1234567890123");
}

TEST(MetricsFormat, CollectorsAddComputedFamiliesOncePerScrape) {
  Registry r;
  int calls = 0;
  r.add_collector([&](Emitter& e) {
    ++calls;
    e.gauge("kappa_group_lag", "Lag.", {{"group", "g1"}, {"partition", "0"}}, 5);
    e.gauge("kappa_group_lag", "Lag.", {{"group", "g1"}, {"partition", "1"}}, 0);
    e.counter("kappa_x_total", "X.", {}, 4);
  });
  EXPECT_EQ(r.render(),
            "# HELP kappa_group_lag Lag.\n"
            "# TYPE kappa_group_lag gauge\n"
            "kappa_group_lag{group=\"g1\",partition=\"0\"} 5\n"
            "kappa_group_lag{group=\"g1\",partition=\"1\"} 0\n"
            "# HELP kappa_x_total X.\n"
            "# TYPE kappa_x_total counter\n"
            "kappa_x_total 4\n");
  EXPECT_EQ(calls, 1);
}

TEST(MetricsFormat, CollectorCannotDuplicateARegisteredFamily) {
  Registry r;
  r.gauge("dup", "Registered.").set(1);
  r.add_collector([](Emitter& e) { e.gauge("dup", "Computed.", {}, 2); });
  EXPECT_EQ(r.render(), "# HELP dup Registered.\n# TYPE dup gauge\ndup 1\n");
}

TEST(MetricsFormat, OneNameCannotHaveTwoTypes) {
  Registry r;
  r.counter("x", "X.");
  EXPECT_THROW(r.gauge("x", "X."), std::logic_error);
}

}  // namespace
}  // namespace kappa::metrics
