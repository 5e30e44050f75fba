#include "broker/api_registry.h"

#include <algorithm>

namespace kappa::broker {

const ApiHandler* ApiRegistry::find(int16_t api_key, protocol::Listener listener) const {
  for (const auto& h : handlers_) {
    if (static_cast<int16_t>(h.spec->key) == api_key && (h.listeners & listener)) return &h;
  }
  return nullptr;
}

std::vector<const ApiHandler*> ApiRegistry::served(protocol::Listener listener) const {
  std::vector<const ApiHandler*> out;
  for (const auto& h : handlers_) {
    if (h.listeners & listener) out.push_back(&h);
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->spec->key < b->spec->key; });
  return out;
}

}  // namespace kappa::broker
