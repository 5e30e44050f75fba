#pragma once
// The table of every supported setting: its Kafka name, type, default, scope
// and one line of documentation.  The YAML loader, --override, validation,
// DescribeConfigs and config/single.yaml are all driven by this one table.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::config {

enum class ConfigType : uint8_t { kBoolean, kInt, kLong, kDouble, kString, kList, kPassword };

// Where a setting applies.  Topic settings may also be set per topic
// (CreateTopics / AlterConfigs) and fall back to their broker synonym.
enum class ConfigScope : uint8_t { kBroker, kTopic };

struct ConfigDef {
  std::string_view name;
  ConfigType type;
  std::string_view default_value;  // textual; "" with nullable = no value
  std::string_view doc;
  ConfigScope scope = ConfigScope::kBroker;
  std::string_view broker_synonym = {};  // for topic settings: the broker-wide default
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
  std::string_view one_of = {};  // comma-separated allowed values for strings
  bool nullable = false;         // may be left unset
  bool read_only = true;         // cannot be changed without a restart
};

std::span<const ConfigDef> broker_config_defs();
std::span<const ConfigDef> topic_config_defs();
const ConfigDef* find_broker_config(std::string_view name);
const ConfigDef* find_topic_config(std::string_view name);

// Checks `value` against `def`; returns an error message or nullopt.
std::optional<std::string> validate_config_value(const ConfigDef& def, std::string_view value);

// Kafka's DescribeConfigs config type codes (BOOLEAN=1 ... PASSWORD=9).
int8_t describe_config_type(ConfigType type);

}  // namespace kappa::config
