// KeyOffsetMap: the log cleaner's key -> latest offset map.

#include "storage/key_offset_map.h"

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <unordered_map>

#include <gtest/gtest.h>

namespace kappa::storage {
namespace {

TEST(KeyOffsetMap, returns_the_last_offset_put_for_a_key) {
  KeyOffsetMap map(10);
  EXPECT_EQ(map.get("a"), -1);
  EXPECT_TRUE(map.put("a", 3));
  EXPECT_TRUE(map.put("b", 4));
  EXPECT_TRUE(map.put("a", 9));
  EXPECT_EQ(map.get("a"), 9);
  EXPECT_EQ(map.get("b"), 4);
  EXPECT_EQ(map.get(""), -1);  // the empty key is a key of its own
  EXPECT_TRUE(map.put("", 11));
  EXPECT_EQ(map.get(""), 11);
  EXPECT_EQ(map.size(), 3u);
}

TEST(KeyOffsetMap, refuses_new_keys_when_full_but_updates_known_ones) {
  KeyOffsetMap map(5);
  const size_t capacity = map.capacity();
  ASSERT_GE(capacity, 5u);
  for (size_t i = 0; i < capacity; ++i) ASSERT_TRUE(map.put(std::to_string(i), static_cast<int64_t>(i)));
  EXPECT_FALSE(map.put("one more", 100));
  EXPECT_EQ(map.get("one more"), -1);
  EXPECT_TRUE(map.put("0", 200));
  EXPECT_EQ(map.get("0"), 200);
  EXPECT_EQ(map.size(), capacity);
}

TEST(KeyOffsetMap, sizes_itself_from_a_memory_budget) {
  const size_t keys = KeyOffsetMap::keys_for_memory(1 << 20);
  EXPECT_GT(keys, (1u << 20) / KeyOffsetMap::kSlotBytes / 2);
  KeyOffsetMap map(keys);
  EXPECT_LE(map.memory_bytes(), 1u << 20);
  EXPECT_GE(map.capacity(), keys);
  EXPECT_GE(KeyOffsetMap::keys_for_memory(0), 1u);
}

TEST(KeyOffsetMap, agrees_with_a_hash_map_on_random_keys) {
  // KAPPA_TEST_SEED=<seed> replays a failing run.
  const char* fixed = std::getenv("KAPPA_TEST_SEED");
  const uint64_t seed = fixed ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
  std::cout << "seed " << seed << std::endl;
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> key_of(0, 5000);
  KeyOffsetMap map(6000);
  std::unordered_map<std::string, int64_t> expected;
  for (int64_t offset = 0; offset < 50'000; ++offset) {
    std::string key = "key-" + std::to_string(key_of(rng));
    ASSERT_TRUE(map.put(key, offset));
    expected[key] = offset;
  }
  EXPECT_EQ(map.size(), expected.size());
  for (const auto& [key, offset] : expected) ASSERT_EQ(map.get(key), offset) << key;
  EXPECT_EQ(map.get("key-absent"), -1);
}

}  // namespace
}  // namespace kappa::storage
