#pragma once
// What a request handler knows about the request it serves.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kappa/protocol/api_table.h"
#include "kappa/protocol/header.h"

namespace kappa::broker {

class Broker;

struct RequestContext {
  Broker& broker;
  const protocol::RequestHeader& header;
  const std::string& peer;             // "host:port" of the client
  protocol::Listener listener;         // which kind of listener it came in on
  const std::string& listener_name;    // its name (PLAINTEXT, ...)
  // The request frame; handlers may patch record batches inside it in place
  // (offsets, leader epoch) because the connection owns it exclusively.
  std::shared_ptr<const void> frame;  // owns the request's bytes
  bool suppress_response = false;  // acks=0 produce: no response at all
  int16_t error_code = 0;          // the response's top-level error code, for metrics
  // Set by the connection: lets it read and handle the next request while
  // this one finishes (its response still leaves first).  An acks=all
  // produce calls it once its records are appended, before it waits for the
  // in-sync replicas, so the next request's appends follow this one's.
  std::function<void()> release_reader = {};

  int16_t version() const { return header.api_version; }
};

}  // namespace kappa::broker
