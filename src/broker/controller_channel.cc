#include "broker/controller_channel.h"

namespace kappa::broker {

int32_t ControllerChannel::next_candidate() {
  auto nodes = peers_.nodes();
  if (nodes.empty()) return -1;
  return nodes[rotation_++ % nodes.size()];
}

}  // namespace kappa::broker
