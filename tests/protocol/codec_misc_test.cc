// InitProducerId against reference encodings of every version
// (vectors/misc.inc), and how the codecs treat null where a version cannot
// carry it.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/init_producer_id.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/misc.inc"

namespace kappa::protocol::testing {
namespace {

InitProducerIdRequest init_producer_id_request(int16_t v) {
  InitProducerIdRequest m;
  if (odd(v)) m.transactional_id = "txn-ü";
  m.transaction_timeout_ms = 60000;
  if (v >= 3) {
    m.producer_id = 4242;
    m.producer_epoch = 3;
  }
  return m;
}

InitProducerIdResponse init_producer_id_response(int16_t) {
  InitProducerIdResponse m;
  m.throttle_time_ms = 170;
  m.error_code = 0;
  m.producer_id = 4243;
  m.producer_epoch = 4;
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(InitProducerIdRequest, init_producer_id_request)
KAPPA_CODEC_VECTOR_TESTS(InitProducerIdResponse, init_producer_id_response)

}  // namespace
}  // namespace kappa::protocol::testing
