#pragma once
// FakeCluster: a one-node in-memory "Kafka" on top of FakeBroker, enough for
// Client, Admin, Producer and Consumer tests: Metadata for its topics,
// Produce appends batches (assigning offsets), Fetch returns them,
// ListOffsets answers earliest/latest/by time, CreateTopics adds a topic.
// `inject(api_key)` may return a Kafka error code to answer instead (for
// retry tests); returning 0 serves the request normally.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "client/fake_broker.h"
#include "kappa/client/records.h"

namespace kappa::client::testing {

class FakeCluster {
 public:
  explicit FakeCluster(asio::io_context& io);

  void add_topic(const std::string& name, int32_t partitions);
  // Batches stored for a partition, each with its assigned base offset.
  const std::vector<std::vector<uint8_t>>& log(const std::string& topic, int32_t partition);
  // Decoded records of a partition.
  std::vector<ConsumerRecord> records(const std::string& topic, int32_t partition);
  int count(int16_t api_key) const;

  FakeBroker broker;
  std::function<int16_t(int16_t api_key)> inject = [](int16_t) -> int16_t { return 0; };
  int32_t leader = 1;  // -1: partitions report no leader

 private:
  FakeReply handle(const FakeRequest& req);
  FakeReply metadata(const FakeRequest& req);
  FakeReply produce(const FakeRequest& req, int16_t error);
  FakeReply fetch(const FakeRequest& req, int16_t error);
  FakeReply list_offsets(const FakeRequest& req, int16_t error);
  FakeReply create_topics(const FakeRequest& req, int16_t error);

  std::map<std::string, std::vector<std::vector<std::vector<uint8_t>>>> topics_;
};

}  // namespace kappa::client::testing
