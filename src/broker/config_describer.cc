#include "broker/config_describer.h"

namespace kappa::broker {

std::vector<DescribedConfig> describe_topic_configs(const config::BrokerConfig& broker,
                                                    const std::map<std::string, std::string>& overrides) {
  config::TopicConfig topic(&broker, overrides);
  std::vector<DescribedConfig> out;
  for (const auto& def : config::topic_config_defs()) {
    DescribedConfig d;
    d.name = std::string(def.name);
    d.value = topic.get(def.name);
    d.read_only = false;
    d.type = config::describe_config_type(def.type);
    d.documentation = std::string(def.doc);
    if (topic.is_overridden(def.name)) {
      d.synonyms.push_back({d.name, topic.overrides().at(d.name), ConfigSource::kDynamicTopic});
    }
    if (topic.is_broker_set(def.name)) {
      d.synonyms.push_back(
          {std::string(def.broker_synonym), config::TopicConfig(&broker, {}).get(def.name), ConfigSource::kStaticBroker});
    }
    d.synonyms.push_back({std::string(def.broker_synonym.empty() ? def.name : def.broker_synonym),
                          std::string(def.default_value), ConfigSource::kDefault});
    d.source = d.synonyms.front().source;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<DescribedConfig> describe_broker_configs(const config::BrokerConfig& broker) {
  std::vector<DescribedConfig> out;
  for (const auto& def : config::broker_config_defs()) {
    DescribedConfig d;
    d.name = std::string(def.name);
    d.read_only = def.read_only;
    d.type = config::describe_config_type(def.type);
    d.documentation = std::string(def.doc);
    d.sensitive = def.type == config::ConfigType::kPassword;
    if (broker.is_set(def.name)) {
      d.value = broker.get(def.name);
      d.source = ConfigSource::kStaticBroker;
      d.synonyms.push_back({d.name, d.value, ConfigSource::kStaticBroker});
    } else {
      if (!def.default_value.empty()) d.value = std::string(def.default_value);
      d.source = ConfigSource::kDefault;
    }
    d.synonyms.push_back({d.name, def.default_value.empty() ? std::nullopt : std::optional<std::string>(std::string(def.default_value)), ConfigSource::kDefault});
    if (d.sensitive) d.value.reset();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace kappa::broker
