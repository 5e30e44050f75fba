#include "kappa/protocol/api_table.h"

namespace kappa::protocol {

const ApiSpec* find_api(int16_t key) {
  for (const auto& spec : all_api_specs()) {
    if (static_cast<int16_t>(spec.key) == key) return &spec;
  }
  return nullptr;
}

}  // namespace kappa::protocol
