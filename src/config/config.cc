#include "kappa/config/config.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace kappa::config {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    auto item = trim(text.substr(pos, end - pos));
    if (!item.empty()) out.push_back(item);
    pos = end + 1;
  }
  return out;
}

bool parse_host_port(std::string_view hp, std::string& host, uint16_t& port) {
  size_t colon;
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos || close + 1 >= hp.size() || hp[close + 1] != ':') return false;
    host = std::string(hp.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = hp.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = std::string(hp.substr(0, colon));
  }
  auto ps = hp.substr(colon + 1);
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), p);
  if (ec != std::errc() || ptr != ps.data() + ps.size() || p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

// A YAML scalar or sequence of scalars as Kafka's textual form.
bool yaml_to_text(const YAML::Node& node, std::string& out) {
  if (node.IsScalar()) {
    out = node.as<std::string>();
    return true;
  }
  if (node.IsNull()) {
    out.clear();
    return true;
  }
  if (node.IsSequence()) {
    out.clear();
    for (const auto& item : node) {
      if (!item.IsScalar()) return false;
      if (!out.empty()) out += ',';
      out += item.as<std::string>();
    }
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<ListenerEndpoint>> parse_listeners(std::string_view text, std::string& error) {
  std::vector<ListenerEndpoint> out;
  std::set<std::string> names;
  for (const auto& item : split_list(text)) {
    size_t sep = item.find("://");
    if (sep == std::string::npos || sep == 0) {
      error = fmt::format("'{}' is not NAME://host:port", item);
      return std::nullopt;
    }
    ListenerEndpoint ep;
    ep.name = item.substr(0, sep);
    if (!parse_host_port(std::string_view(item).substr(sep + 3), ep.host, ep.port)) {
      error = fmt::format("'{}' is not NAME://host:port", item);
      return std::nullopt;
    }
    if (!names.insert(ep.name).second) {
      error = fmt::format("listener name {} appears twice", ep.name);
      return std::nullopt;
    }
    out.push_back(std::move(ep));
  }
  return out;
}

std::optional<std::vector<QuorumVoter>> parse_voters(std::string_view text, std::string& error) {
  std::vector<QuorumVoter> out;
  std::set<int32_t> ids;
  for (const auto& item : split_list(text)) {
    size_t at = item.find('@');
    int32_t id = -1;
    auto [p, ec] = std::from_chars(item.data(), item.data() + (at == std::string::npos ? 0 : at), id);
    QuorumVoter v;
    if (at == std::string::npos || ec != std::errc() || p != item.data() + at || id < 0 ||
        !parse_host_port(std::string_view(item).substr(at + 1), v.host, v.port)) {
      error = fmt::format("'{}' is not id@host:port", item);
      return std::nullopt;
    }
    v.id = id;
    if (!ids.insert(id).second) {
      error = fmt::format("voter id {} appears twice", id);
      return std::nullopt;
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<BrokerConfig> BrokerConfig::load(const std::filesystem::path& file,
                                               const std::vector<std::string>& overrides, std::string& error) {
  std::map<std::string, std::string> values;
  if (!file.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
      error = fmt::format("{}: {}", file.string(), e.what());
      return std::nullopt;
    }
    if (!root.IsNull() && !root.IsMap()) {
      error = fmt::format("{}: expected a map of setting: value", file.string());
      return std::nullopt;
    }
    for (const auto& kv : root) {
      auto key = kv.first.as<std::string>();
      std::string text;
      if (!yaml_to_text(kv.second, text)) {
        error = fmt::format("{}: setting '{}' must be a scalar or a list of scalars", file.string(), key);
        return std::nullopt;
      }
      values[key] = text;
    }
  }
  for (const auto& o : overrides) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = fmt::format("override '{}' is not key=value", o);
      return std::nullopt;
    }
    values[o.substr(0, eq)] = o.substr(eq + 1);
  }
  return from_values(std::move(values), error);
}

std::optional<BrokerConfig> BrokerConfig::from_values(std::map<std::string, std::string> values,
                                                      std::string& error) {
  BrokerConfig c;
  for (auto it = values.begin(); it != values.end();) {
    // An empty value of an optional setting means "not set".
    const ConfigDef* def = find_broker_config(it->first);
    if (def && def->nullable && trim(it->second).empty()) {
      it = values.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [key, value] : values) {
    if (key == "log.dir") {  // Kafka's single-directory synonym
      error = "setting 'log.dir' is not supported; use 'log.dirs'";
      return std::nullopt;
    }
    const ConfigDef* def = find_broker_config(key);
    if (!def) {
      error = fmt::format("unknown setting '{}'", key);
      return std::nullopt;
    }
    if (auto bad = validate_config_value(*def, value)) {
      error = fmt::format("setting '{}': {}", key, *bad);
      return std::nullopt;
    }
  }
  c.values_ = std::move(values);
  if (!c.finish(error)) return std::nullopt;
  return c;
}

bool BrokerConfig::finish(std::string& error) {
  auto listeners = parse_listeners(get("listeners"), error);
  if (!listeners) {
    error = "setting 'listeners': " + error;
    return false;
  }
  if (listeners->empty()) {
    error = "setting 'listeners': at least one listener is required";
    return false;
  }
  listeners_ = std::move(*listeners);
  auto controller_names = get_list("controller.listener.names");
  auto is_controller_listener = [&](const std::string& name) {
    return std::find(controller_names.begin(), controller_names.end(), name) != controller_names.end();
  };
  if (is_set("advertised.listeners") && !get("advertised.listeners").empty()) {
    auto adv = parse_listeners(get("advertised.listeners"), error);
    if (!adv) {
      error = "setting 'advertised.listeners': " + error;
      return false;
    }
    advertised_ = std::move(*adv);
  } else {
    for (const auto& l : listeners_) {
      if (!is_controller_listener(l.name)) advertised_.push_back(l);
    }
  }
  for (auto& a : advertised_) {
    if (a.host.empty() || a.host == "0.0.0.0") {
      error = fmt::format("setting 'advertised.listeners': listener {} needs a host clients can reach", a.name);
      return false;
    }
  }
  auto voters = parse_voters(get("controller.quorum.voters"), error);
  if (!voters) {
    error = "setting 'controller.quorum.voters': " + error;
    return false;
  }
  voters_ = std::move(*voters);
  auto protocols = split_list(get("listener.security.protocol.map"));
  for (const auto& l : listeners_) {
    bool mapped = l.name == "PLAINTEXT";
    for (const auto& p : protocols) {
      if (p.rfind(l.name + ":", 0) == 0) {
        if (p.substr(l.name.size() + 1) != "PLAINTEXT") {
          error = fmt::format("setting 'listener.security.protocol.map': listener {} uses {}, only PLAINTEXT "
                              "is supported",
                              l.name, p.substr(l.name.size() + 1));
          return false;
        }
        mapped = true;
      }
    }
    if (!mapped) {
      error = fmt::format("setting 'listener.security.protocol.map': listener {} has no security protocol", l.name);
      return false;
    }
  }
  if (get_list("process.roles").empty()) {
    error = "setting 'process.roles': at least one role is required";
    return false;
  }
  if (is_broker()) {
    bool has_client_listener = false;
    for (const auto& l : listeners_) has_client_listener |= !is_controller_listener(l.name);
    if (!has_client_listener) {
      error = "setting 'listeners': the broker role needs a listener that is not a controller listener";
      return false;
    }
  }
  if (is_controller()) {
    bool has_controller_listener = false;
    for (const auto& l : listeners_) has_controller_listener |= is_controller_listener(l.name);
    if (!has_controller_listener && !voters_.empty()) {
      error = fmt::format("setting 'listeners': the controller role needs a listener named in "
                          "'controller.listener.names' ({})",
                          get("controller.listener.names"));
      return false;
    }
    if (!voters_.empty()) {
      bool self = false;
      for (const auto& v : voters_) self |= v.id == node_id();
      if (!self) {
        error = fmt::format("setting 'controller.quorum.voters': node {} has the controller role but is not a voter",
                            node_id());
        return false;
      }
    }
  } else if (voters_.empty()) {
    error = "setting 'controller.quorum.voters': a broker-only node needs the controller quorum voters";
    return false;
  }
  if (log_dirs().empty()) {
    error = "setting 'log.dirs': at least one directory is required";
    return false;
  }
  return true;
}

std::string BrokerConfig::get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it != values_.end()) return it->second;
  const ConfigDef* def = find_broker_config(name);
  return def ? std::string(def->default_value) : std::string();
}

int64_t BrokerConfig::get_long(std::string_view name) const {
  auto text = get(name);
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

bool is_secret_setting(std::string_view name, ConfigType type) {
  if (type == ConfigType::kPassword) return true;
  return name.find("password") != std::string_view::npos || name.find("secret") != std::string_view::npos ||
         name == "sasl.jaas.config" || name.ends_with(".key");
}

std::vector<EffectiveSetting> BrokerConfig::effective_settings() const {
  std::vector<EffectiveSetting> out;
  for (const auto& def : broker_config_defs()) {
    EffectiveSetting s;
    s.name = std::string(def.name);
    s.is_default = !is_set(def.name);
    s.value = is_secret_setting(def.name, def.type) ? std::string(kHiddenValue) : get(def.name);
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> BrokerConfig::get_list(std::string_view name) const { return split_list(get(name)); }

bool BrokerConfig::is_broker() const {
  auto roles = get_list("process.roles");
  return std::find(roles.begin(), roles.end(), "broker") != roles.end();
}

bool BrokerConfig::is_controller() const {
  auto roles = get_list("process.roles");
  return std::find(roles.begin(), roles.end(), "controller") != roles.end();
}

std::vector<std::filesystem::path> BrokerConfig::log_dirs() const {
  std::vector<std::filesystem::path> out;
  for (const auto& d : get_list("log.dirs")) out.emplace_back(d);
  return out;
}

int64_t BrokerConfig::log_retention_ms() const {
  if (is_set("log.retention.ms")) return get_long("log.retention.ms");
  if (is_set("log.retention.minutes")) {
    int64_t m = get_long("log.retention.minutes");
    return m < 0 ? -1 : m * 60'000;
  }
  int64_t h = get_long("log.retention.hours");
  return h < 0 ? -1 : h * 3'600'000;
}

int64_t BrokerConfig::log_roll_ms() const {
  if (is_set("log.roll.ms")) return get_long("log.roll.ms");
  return get_long("log.roll.hours") * 3'600'000;
}

int64_t BrokerConfig::log_flush_interval_ms() const {
  if (is_set("log.flush.interval.ms") && !get("log.flush.interval.ms").empty()) {
    return get_long("log.flush.interval.ms");
  }
  return INT64_MAX;
}

// ------------------------------------------------------------ TopicConfig

std::optional<std::string> TopicConfig::validate(const std::map<std::string, std::string>& overrides) {
  for (const auto& [key, value] : overrides) {
    const ConfigDef* def = find_topic_config(key);
    if (!def) return fmt::format("unknown topic config '{}'", key);
    if (auto bad = validate_config_value(*def, value)) return fmt::format("topic config '{}': {}", key, *bad);
  }
  return std::nullopt;
}

std::string TopicConfig::get(std::string_view name) const {
  auto it = overrides_.find(std::string(name));
  if (it != overrides_.end()) return it->second;
  if (broker_) {
    if (name == "retention.ms") return std::to_string(broker_->log_retention_ms());
    if (name == "segment.ms") return std::to_string(broker_->log_roll_ms());
    if (name == "flush.ms") return std::to_string(broker_->log_flush_interval_ms());
    const ConfigDef* def = find_topic_config(name);
    if (def && !def->broker_synonym.empty() && find_broker_config(def->broker_synonym)) {
      return broker_->get(def->broker_synonym);
    }
  }
  const ConfigDef* def = find_topic_config(name);
  return def ? std::string(def->default_value) : std::string();
}

int64_t TopicConfig::get_long(std::string_view name) const {
  auto text = get(name);
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

bool TopicConfig::is_broker_set(std::string_view name) const {
  if (!broker_) return false;
  if (name == "retention.ms") {
    return broker_->is_set("log.retention.ms") || broker_->is_set("log.retention.minutes") ||
           broker_->is_set("log.retention.hours");
  }
  if (name == "segment.ms") return broker_->is_set("log.roll.ms") || broker_->is_set("log.roll.hours");
  const ConfigDef* def = find_topic_config(name);
  return def && !def->broker_synonym.empty() && broker_->is_set(def->broker_synonym);
}

// ------------------------------------------------------- default config

std::string render_default_config() {
  std::string out =
      "# Kappa broker configuration: every supported setting with its default.\n"
      "# Names and value formats are Apache Kafka's.  Start a broker with\n"
      "#   build/bin/kappa-broker --config config/single.yaml [--override key=value ...]\n"
      "# Settings left empty have no value by default.  This file is checked\n"
      "# against the broker's own table by a test (tests/config/config_test.cc).\n";
  for (const auto& def : broker_config_defs()) {
    out += "\n# " + std::string(def.doc) + "\n";
    std::string value(def.default_value);
    bool needs_quotes = value.empty() || value.find_first_of(":#{}[],&*!|>'\"%@`") != std::string::npos;
    out += fmt::format("{}: {}\n", def.name, needs_quotes ? "\"" + value + "\"" : value);
  }
  return out;
}

}  // namespace kappa::config
