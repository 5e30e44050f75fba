#include <gtest/gtest.h>
#include "kappa/protocol/wire.h"
#include "kappa/protocol/msg/metadata.h"
using namespace kappa::protocol;
TEST(Wire, smoke) { MetadataRequest r; Writer w; r.encode(w, 12); Reader rd(w.buffer()); MetadataRequest r2; r2.decode(rd, 12); EXPECT_EQ(r, r2); }
#include "kappa/protocol/record_batch.h"
TEST(Crc, known) { const char* s="123456789"; EXPECT_EQ(crc32c({(const uint8_t*)s,9}), 0xE3069283u); }
