#include "kappa/group/topic_catalog.h"

namespace kappa::group {

const TopicInfo* TopicCatalog::by_name(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

const TopicInfo* TopicCatalog::by_id(const protocol::Uuid& id) const {
  auto it = names_.find(id);
  return it == names_.end() ? nullptr : by_name(it->second);
}

void TopicCatalog::reset(std::vector<TopicInfo> topics) {
  std::map<std::string, TopicInfo, std::less<>> next;
  for (auto& t : topics) {
    std::string name = t.name;
    next.emplace(std::move(name), std::move(t));
  }
  if (next == by_name_) return;
  by_name_ = std::move(next);
  names_.clear();
  for (const auto& [name, t] : by_name_) names_[t.id] = name;
  ++version_;
}

void TopicCatalog::upsert(TopicInfo topic) {
  auto it = by_name_.find(topic.name);
  if (it != by_name_.end() && it->second == topic) return;
  names_[topic.id] = topic.name;
  by_name_[topic.name] = std::move(topic);
  ++version_;
}

}  // namespace kappa::group
