// Counts heap allocations to check that reading records allocates nothing
// per record. This file replaces the global operator new for the whole test
// binary; it only counts and forwards to malloc.

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"

namespace {
thread_local size_t g_allocations = 0;
}

void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace kappa::protocol {
namespace {

size_t allocations_while_reading(RecordReader& reader, std::span<const uint8_t> batch, size_t& records) {
  const size_t before = g_allocations;
  EXPECT_FALSE(reader.open(batch));
  Record r;
  records = 0;
  while (reader.next(r)) {
    for (const auto& h : r.headers) (void)h;
    ++records;
  }
  EXPECT_FALSE(reader.error());
  return g_allocations - before;
}

std::vector<uint8_t> batch_of(Compression codec, int n) {
  RecordBatchBuilder b({.compression = codec});
  for (int i = 0; i < n; ++i) b.append(i, "key-" + std::to_string(i), std::string(100, 'v'), {{"h", "x"}});
  return b.finish();
}

TEST(RecordReaderAllocations, uncompressed_batches_are_read_without_allocating) {
  auto batch = batch_of(Compression::kNone, 500);
  RecordReader reader;
  size_t records = 0;
  EXPECT_EQ(allocations_while_reading(reader, batch, records), 0u);
  EXPECT_EQ(records, 500u);
}

TEST(RecordReaderAllocations, compressed_batches_reuse_the_reader_buffer) {
  for (auto codec : {Compression::kGzip, Compression::kSnappy, Compression::kLz4, Compression::kZstd}) {
    auto batch = batch_of(codec, 500);
    RecordReader reader;
    size_t records = 0;
    allocations_while_reading(reader, batch, records);  // warms the buffer and codec contexts
    EXPECT_EQ(allocations_while_reading(reader, batch, records), 0u) << compression_name(codec);
    EXPECT_EQ(records, 500u);
  }
}

}  // namespace
}  // namespace kappa::protocol
