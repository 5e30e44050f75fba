#include "client/fake_cluster.h"

#include "kappa/client/fetch_decoder.h"
#include "kappa/protocol/msg/create_topics.h"
#include "kappa/protocol/msg/fetch.h"
#include "kappa/protocol/msg/list_offsets.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/msg/produce.h"
#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_reader.h"

namespace kappa::client::testing {
namespace {

using namespace protocol;

int64_t end_offset(const std::vector<std::vector<uint8_t>>& log) {
  if (log.empty()) return 0;
  return peek_batch_header(log.back())->next_offset();
}

}  // namespace

FakeCluster::FakeCluster(asio::io_context& io) : broker(io) {
  broker.handler = [this](const FakeRequest& req) { return handle(req); };
}

void FakeCluster::add_topic(const std::string& name, int32_t partitions) {
  topics_[name].resize(static_cast<size_t>(partitions));
}

const std::vector<std::vector<uint8_t>>& FakeCluster::log(const std::string& topic, int32_t partition) {
  return topics_.at(topic).at(static_cast<size_t>(partition));
}

std::vector<ConsumerRecord> FakeCluster::records(const std::string& topic, int32_t partition) {
  std::vector<ConsumerRecord> out;
  for (const auto& batch : log(topic, partition)) decode_fetched(topic, partition, batch, 0, out);
  return out;
}

int FakeCluster::count(int16_t api_key) const {
  int n = 0;
  for (const auto& r : broker.requests) n += r.header.api_key == api_key;
  return n;
}

FakeReply FakeCluster::handle(const FakeRequest& req) {
  const int16_t error = inject(req.header.api_key);
  switch (static_cast<ApiKey>(req.header.api_key)) {
    case ApiKey::kMetadata: return metadata(req);
    case ApiKey::kProduce: return produce(req, error);
    case ApiKey::kFetch: return fetch(req, error);
    case ApiKey::kListOffsets: return list_offsets(req, error);
    case ApiKey::kCreateTopics: return create_topics(req, error);
    default: return FakeReply::close();
  }
}

FakeReply FakeCluster::metadata(const FakeRequest& req) {
  auto request = req.decode<MetadataRequest>();
  MetadataResponse resp;
  resp.brokers.push_back({1, "127.0.0.1", broker.port(), std::nullopt});
  resp.cluster_id = "fake-cluster";
  resp.controller_id = 1;
  auto describe = [&](const std::string& name) {
    MetadataResponse::MetadataResponseTopic t;
    t.name = name;
    auto it = topics_.find(name);
    if (it == topics_.end()) {
      t.error_code = code_of(ErrorCode::kUnknownTopicOrPartition);
    } else {
      for (size_t p = 0; p < it->second.size(); ++p) {
        MetadataResponse::MetadataResponsePartition mp;
        mp.partition_index = static_cast<int32_t>(p);
        mp.leader_id = leader;
        mp.replica_nodes = {1};
        mp.isr_nodes = {1};
        t.partitions.push_back(mp);
      }
    }
    resp.topics.push_back(t);
  };
  if (request.topics) {
    for (const auto& t : *request.topics) describe(t.name.value_or(""));
  } else {
    for (const auto& [name, parts] : topics_) describe(name);
  }
  return FakeReply::with(resp, req.header.api_version);
}

FakeReply FakeCluster::produce(const FakeRequest& req, int16_t error) {
  auto request = req.decode<ProduceRequest>();
  ProduceResponse resp;
  for (const auto& t : request.topic_data) {
    ProduceResponse::TopicProduceResponse rt;
    rt.name = t.name;
    for (const auto& p : t.partition_data) {
      ProduceResponse::PartitionProduceResponse rp;
      rp.index = p.index;
      rp.error_code = error;
      if (error == 0) {
        auto& log = topics_.at(t.name).at(static_cast<size_t>(p.index));
        rp.base_offset = end_offset(log);
        for_each_batch(p.records.bytes(), [&](std::span<const uint8_t> b) {
          std::vector<uint8_t> copy(b.begin(), b.end());
          set_base_offset(copy, end_offset(log));
          log.push_back(std::move(copy));
        });
      }
      rt.partition_responses.push_back(rp);
    }
    resp.responses.push_back(rt);
  }
  if (request.acks == 0) return FakeReply::none();
  return FakeReply::with(resp, req.header.api_version);
}

FakeReply FakeCluster::fetch(const FakeRequest& req, int16_t error) {
  auto request = req.decode<FetchRequest>();
  FetchResponse resp;
  for (const auto& t : request.topics) {
    FetchResponse::FetchableTopicResponse rt;
    rt.topic = t.topic;
    for (const auto& p : t.partitions) {
      FetchResponse::PartitionData rp;
      rp.partition_index = p.partition;
      rp.error_code = error;
      const auto& log = topics_.at(t.topic).at(static_cast<size_t>(p.partition));
      rp.high_watermark = end_offset(log);
      std::vector<uint8_t> bytes;
      if (error == 0 && p.fetch_offset > rp.high_watermark) rp.error_code = code_of(ErrorCode::kOffsetOutOfRange);
      for (const auto& b : log) {
        if (error == 0 && peek_batch_header(b)->next_offset() > p.fetch_offset) bytes.insert(bytes.end(), b.begin(), b.end());
      }
      rp.records = Records::take(std::move(bytes));
      rt.partitions.push_back(std::move(rp));
    }
    resp.responses.push_back(std::move(rt));
  }
  return FakeReply::with(resp, req.header.api_version);
}

FakeReply FakeCluster::list_offsets(const FakeRequest& req, int16_t error) {
  auto request = req.decode<ListOffsetsRequest>();
  ListOffsetsResponse resp;
  for (const auto& t : request.topics) {
    ListOffsetsResponse::ListOffsetsTopicResponse rt;
    rt.name = t.name;
    for (const auto& p : t.partitions) {
      ListOffsetsResponse::ListOffsetsPartitionResponse rp;
      rp.partition_index = p.partition_index;
      rp.error_code = error;
      const auto& log = topics_.at(t.name).at(static_cast<size_t>(p.partition_index));
      if (p.timestamp == -2) {
        rp.offset = 0;
      } else if (p.timestamp == -1) {
        rp.offset = end_offset(log);
      } else {
        rp.offset = -1;
        for (const auto& b : log) {
          for_each_record(b, [&](const BatchHeader&, const Record& r) {
            if (rp.offset < 0 && r.timestamp >= p.timestamp) rp.offset = r.offset;
          });
        }
      }
      rt.partitions.push_back(rp);
    }
    resp.topics.push_back(rt);
  }
  return FakeReply::with(resp, req.header.api_version);
}

FakeReply FakeCluster::create_topics(const FakeRequest& req, int16_t error) {
  auto request = req.decode<CreateTopicsRequest>();
  CreateTopicsResponse resp;
  for (const auto& t : request.topics) {
    CreateTopicsResponse::CreatableTopicResult r;
    r.name = t.name;
    r.error_code = error;
    if (error == 0 && topics_.contains(t.name)) {
      r.error_code = code_of(ErrorCode::kTopicAlreadyExists);
      r.error_message = "Topic '" + t.name + "' already exists.";
    } else if (error == 0) {
      add_topic(t.name, t.num_partitions);
    }
    resp.topics.push_back(r);
  }
  return FakeReply::with(resp, req.header.api_version);
}

}  // namespace kappa::client::testing
