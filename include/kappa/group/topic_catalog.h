#pragma once
// The topics a KIP-848 group can subscribe to: name, id and partition
// count.  The coordinator rebuilds one from every committed metadata image;
// tests fill one by hand.  version() changes whenever the content does, so
// groups know when to recompute their subscriptions.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/protocol/uuid.h"

namespace kappa::group {

struct TopicInfo {
  protocol::Uuid id;
  std::string name;
  int32_t partitions = 0;
  bool internal = false;  // never matched by a regex subscription
  bool operator==(const TopicInfo&) const = default;
};

class TopicCatalog {
 public:
  const TopicInfo* by_name(std::string_view name) const;
  const TopicInfo* by_id(const protocol::Uuid& id) const;
  const std::map<std::string, TopicInfo, std::less<>>& all() const { return by_name_; }
  int64_t version() const { return version_; }

  // Replaces the content; bumps the version when it differs.
  void reset(std::vector<TopicInfo> topics);
  void upsert(TopicInfo topic);

 private:
  std::map<std::string, TopicInfo, std::less<>> by_name_;
  std::map<protocol::Uuid, std::string> names_;
  int64_t version_ = 0;
};

}  // namespace kappa::group
