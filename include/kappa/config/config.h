#pragma once
// Broker configuration: a YAML file of Kafka-named settings plus
// `--override key=value` pairs (overrides win).  Every key must be in the
// config table (config_def.h); unknown keys and bad values are errors that
// name the key.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/config/config_def.h"

namespace kappa::config {

struct ListenerEndpoint {
  std::string name;  // PLAINTEXT, CONTROLLER, ...
  std::string host;
  uint16_t port = 0;
};

struct QuorumVoter {
  int32_t id = -1;
  std::string host;
  uint16_t port = 0;
};

// Parses "NAME://host:port,..." (IPv6 hosts in brackets).
std::optional<std::vector<ListenerEndpoint>> parse_listeners(std::string_view text, std::string& error);
// Parses "1@host:port,2@host:port".
std::optional<std::vector<QuorumVoter>> parse_voters(std::string_view text, std::string& error);

// One setting's effective value for display (the startup banner).
struct EffectiveSetting {
  std::string name;
  std::string value;  // "[hidden]" for secrets
  bool is_default = true;
};

// Whether a setting's value must never be shown: passwords (ConfigType
// kPassword) and names that denote secrets (*.password, *secret*,
// sasl.jaas.config, *.key as in ssl.keystore.key).
bool is_secret_setting(std::string_view name, ConfigType type);
inline constexpr std::string_view kHiddenValue = "[hidden]";

class BrokerConfig {
 public:
  // Loads and validates; on failure returns nullopt and sets `error`.
  static std::optional<BrokerConfig> load(const std::filesystem::path& file,
                                          const std::vector<std::string>& overrides, std::string& error);
  // Builds from explicit key/values only (tests); same validation.
  static std::optional<BrokerConfig> from_values(std::map<std::string, std::string> values, std::string& error);

  // Effective textual value: explicitly set, else the default.
  std::string get(std::string_view name) const;
  bool is_set(std::string_view name) const { return values_.count(std::string(name)) > 0; }
  int64_t get_long(std::string_view name) const;
  int32_t get_int(std::string_view name) const { return static_cast<int32_t>(get_long(name)); }
  bool get_bool(std::string_view name) const { return get(name) == "true"; }
  std::vector<std::string> get_list(std::string_view name) const;
  const std::map<std::string, std::string>& explicit_values() const { return values_; }
  // Every broker setting of the table with its effective value, ordered by
  // name, secrets masked.
  std::vector<EffectiveSetting> effective_settings() const;

  int32_t node_id() const { return get_int("node.id"); }
  bool is_broker() const;
  bool is_controller() const;
  const std::vector<ListenerEndpoint>& listeners() const { return listeners_; }
  // Client-facing endpoints published in Metadata.
  const std::vector<ListenerEndpoint>& advertised_listeners() const { return advertised_; }
  const std::vector<QuorumVoter>& voters() const { return voters_; }
  std::vector<std::filesystem::path> log_dirs() const;
  // Effective defaults with Kafka's precedence (ms > minutes > hours).
  int64_t log_retention_ms() const;
  int64_t log_roll_ms() const;
  int64_t log_flush_interval_ms() const;

 private:
  bool finish(std::string& error);

  std::map<std::string, std::string> values_;
  std::vector<ListenerEndpoint> listeners_;
  std::vector<ListenerEndpoint> advertised_;
  std::vector<QuorumVoter> voters_;
};

// Effective settings of one topic: its own overrides over the broker defaults.
class TopicConfig {
 public:
  TopicConfig(const BrokerConfig* broker, std::map<std::string, std::string> overrides)
      : broker_(broker), overrides_(std::move(overrides)) {}

  // Validates topic overrides (unknown name or bad value -> error message).
  static std::optional<std::string> validate(const std::map<std::string, std::string>& overrides);

  std::string get(std::string_view name) const;
  int64_t get_long(std::string_view name) const;
  bool is_overridden(std::string_view name) const { return overrides_.count(std::string(name)) > 0; }
  // Whether the value comes from an explicit broker setting (vs. a default).
  bool is_broker_set(std::string_view name) const;
  const std::map<std::string, std::string>& overrides() const { return overrides_; }

 private:
  const BrokerConfig* broker_;
  std::map<std::string, std::string> overrides_;
};

// The documented default configuration file (config/single.yaml).
std::string render_default_config();

}  // namespace kappa::config
