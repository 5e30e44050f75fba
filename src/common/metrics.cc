#include "kappa/common/metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace kappa::metrics {

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

namespace {

std::string label_text(const Labels& labels, const std::string& extra_key = {}, const std::string& extra = {}) {
  if (labels.empty() && extra_key.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escape_label(v) + "\"";
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += extra_key + "=\"" + extra + "\"";
  }
  return out + "}";
}

// Collects computed series grouped by family so each gets one HELP/TYPE.
class CollectingEmitter final : public Emitter {
 public:
  struct Series {
    std::string help;
    bool is_counter = false;
    std::vector<std::pair<Labels, double>> values;
  };
  void gauge(const std::string& name, const std::string& help, const Labels& labels, double value) override {
    add(name, help, labels, value, false);
  }
  void counter(const std::string& name, const std::string& help, const Labels& labels, double value) override {
    add(name, help, labels, value, true);
  }
  std::map<std::string, Series> families;

 private:
  void add(const std::string& name, const std::string& help, const Labels& labels, double value, bool counter) {
    auto& s = families[name];
    s.help = help;
    s.is_counter = counter;
    s.values.emplace_back(labels, value);
  }
};

}  // namespace

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  ++counts_[static_cast<size_t>(it - bounds_.begin())];
  sum_ += v;
  ++count_;
}

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

Registry::Family& Registry::family(const std::string& name, Type type, const std::string& help) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  auto& f = family(name, Type::kCounter, help);
  auto& slot = f.counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  auto& f = family(name, Type::kGauge, help);
  auto& slot = f.gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               std::vector<double> bounds) {
  auto& f = family(name, Type::kHistogram, help);
  auto& slot = f.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

void Registry::add_collector(std::function<void(Emitter&)> collector) { collectors_.push_back(std::move(collector)); }

std::string Registry::render() const {
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter" : f.type == Type::kGauge ? "gauge" : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(f.help), name, type);
    for (const auto& [labels, c] : f.counters) out += name + label_text(labels) + " " + format_value(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges) out += name + label_text(labels) + " " + format_value(g->value()) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < h->bounds().size(); ++i) {
        cumulative += h->counts()[i];
        out += name + "_bucket" + label_text(labels, "le", format_value(h->bounds()[i])) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + label_text(labels, "le", "+Inf") + " " + std::to_string(h->count()) + "\n";
      out += name + "_sum" + label_text(labels) + " " + format_value(h->sum()) + "\n";
      out += name + "_count" + label_text(labels) + " " + std::to_string(h->count()) + "\n";
    }
  }
  CollectingEmitter emitter;
  for (const auto& c : collectors_) c(emitter);
  for (const auto& [name, s] : emitter.families) {
    if (families_.count(name)) continue;  // never emit a family twice
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(s.help), name,
                       s.is_counter ? "counter" : "gauge");
    for (const auto& [labels, v] : s.values) out += name + label_text(labels) + " " + format_value(v) + "\n";
  }
  return out;
}

}  // namespace kappa::metrics
