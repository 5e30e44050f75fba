#pragma once
// Maps a topic's effective Kafka settings (its overrides over the broker
// defaults) to the storage engine's LogConfig.

#include <map>
#include <string>

#include "kappa/config/config.h"
#include "kappa/storage/clean_task.h"
#include "kappa/storage/log_config.h"

namespace kappa::broker {

storage::LogConfig to_log_config(const config::BrokerConfig& broker, const std::map<std::string, std::string>& overrides);
storage::CleanerConfig to_cleaner_config(const config::BrokerConfig& broker);

}  // namespace kappa::broker
