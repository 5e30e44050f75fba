#pragma once
// Scrape-time metrics computed from the broker's state (nothing is counted
// on the request path): partitions led/followed, under-replicated and
// offline partitions, per-partition log size, segment count and offsets,
// consumer groups and their per-partition lag (committed offset vs the
// local replica's high watermark), controller and fencing state.

namespace kappa::broker {

class Broker;

// Registers the collectors with the broker's registry (once, at start).
void add_broker_collectors(Broker& broker);

}  // namespace kappa::broker
