#pragma once
// Effective configuration as DescribeConfigs (and CreateTopics v5+) report
// it: value, source and synonyms of every topic or broker setting.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kappa/config/config.h"

namespace kappa::broker {

// Kafka's DescribeConfigs ConfigSource codes.
enum class ConfigSource : int8_t {
  kDynamicTopic = 1,
  kStaticBroker = 4,
  kDefault = 5,
};

struct ConfigSynonym {
  std::string name;
  std::optional<std::string> value;
  ConfigSource source;
};

struct DescribedConfig {
  std::string name;
  std::optional<std::string> value;
  bool read_only = false;
  ConfigSource source = ConfigSource::kDefault;
  bool sensitive = false;
  std::vector<ConfigSynonym> synonyms;  // most specific first, the entry itself included
  int8_t type = 0;
  std::string documentation;
};

std::vector<DescribedConfig> describe_topic_configs(const config::BrokerConfig& broker,
                                                    const std::map<std::string, std::string>& overrides);
std::vector<DescribedConfig> describe_broker_configs(const config::BrokerConfig& broker);

}  // namespace kappa::broker
