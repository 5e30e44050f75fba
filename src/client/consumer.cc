#include "kappa/client/consumer.h"

#include <fmt/format.h>

#include "kappa/client/admin.h"
#include "kappa/client/fetch_decoder.h"
#include "kappa/protocol/msg/fetch.h"

namespace kappa::client {
namespace {

using protocol::ErrorCode;
using protocol::FetchRequest;
using protocol::FetchResponse;

// Topic names in Fetch end at v12; later versions carry topic ids.
constexpr int16_t kMaxFetchVersion = 12;

OffsetQuery query_for(const StartAt& s) {
  switch (s.kind) {
    case StartAt::Kind::kEarliest: return OffsetQuery::earliest();
    case StartAt::Kind::kTimestamp: return OffsetQuery::at_time(s.value);
    default: return OffsetQuery::latest();
  }
}

}  // namespace

struct Consumer::FetchOutcome {
  std::map<TopicPartition, int64_t> fetched_from;  // positions the request asked for
  std::string broker;
  std::optional<Error> error;
  std::optional<FetchResponse> response;
};

std::vector<TopicPartition> Consumer::assignment() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, st] : state_) out.push_back(tp);
  return out;
}

void Consumer::seek(const TopicPartition& tp, int64_t offset) { state_[tp].position = offset; }

std::optional<int64_t> Consumer::position(const TopicPartition& tp) const {
  auto it = state_.find(tp);
  if (it == state_.end()) return std::nullopt;
  return it->second.position;
}

std::map<TopicPartition, int64_t> Consumer::positions() const {
  std::map<TopicPartition, int64_t> out;
  for (const auto& [tp, st] : state_) out[tp] = st.position;
  return out;
}

std::optional<int64_t> Consumer::high_watermark(const TopicPartition& tp) const {
  auto it = state_.find(tp);
  if (it == state_.end()) return std::nullopt;
  return it->second.high_watermark;
}

bool Consumer::at_end() const {
  for (const auto& [tp, st] : state_) {
    if (!st.high_watermark || st.position < *st.high_watermark) return false;
  }
  return true;
}

awaitable<Result<void>> Consumer::assign(std::vector<std::pair<TopicPartition, StartAt>> partitions) {
  Admin admin(client_);
  std::map<TopicPartition, int64_t> resolved;
  for (const auto& [tp, start] : partitions) {
    auto topic = co_await client_.topic(tp.topic, /*wait=*/true);
    if (!topic) co_return topic.error();
    if (!topic->partition(tp.partition)) {
      co_return kafka_error(ErrorCode::kUnknownTopicOrPartition, client_.metadata()->source,
                            fmt::format("Topic '{}' has no partition {}.", tp.topic, tp.partition));
    }
    if (start.kind == StartAt::Kind::kOffset) {
      resolved[tp] = start.value;
      continue;
    }
    auto offsets = co_await admin.list_offsets(tp.topic, std::vector<int32_t>(1, tp.partition), query_for(start));
    if (!offsets) co_return offsets.error();
    int64_t offset = (*offsets)[tp.partition].offset;
    if (offset < 0 && start.kind == StartAt::Kind::kTimestamp) {  // nothing that late: start at the end
      auto end = co_await admin.list_offsets(tp.topic, std::vector<int32_t>(1, tp.partition), OffsetQuery::latest());
      if (!end) co_return end.error();
      offset = (*end)[tp.partition].offset;
    }
    resolved[tp] = offset;
  }
  for (const auto& [tp, offset] : resolved) state_[tp] = PartitionState{offset, std::nullopt};
  co_return ok();
}

awaitable<Consumer::FetchOutcome> Consumer::fetch_from(int32_t node, std::vector<TopicPartition> partitions) {
  FetchOutcome out;
  auto conn = co_await client_.connection_to(node);
  if (!conn) {
    out.error = conn.error();
    co_return out;
  }
  out.broker = (*conn)->broker();
  auto version = (*conn)->versions().pick(protocol::ApiKey::kFetch, kMaxFetchVersion);
  if (!version) {
    out.error = client_error(ClientErrc::kUnsupportedVersion, out.broker, "no Fetch version with topic names");
    co_return out;
  }
  FetchRequest req;
  req.max_wait_ms = static_cast<int32_t>(options_.max_wait.count());
  req.min_bytes = options_.min_bytes;
  req.max_bytes = options_.max_bytes;
  for (const auto& tp : partitions) {
    auto st = state_.find(tp);
    if (st == state_.end()) continue;  // unassigned while we connected
    out.fetched_from[tp] = st->second.position;
    if (req.topics.empty() || req.topics.back().topic != tp.topic) {
      req.topics.emplace_back();
      req.topics.back().topic = tp.topic;
    }
    FetchRequest::FetchPartition p;
    p.partition = tp.partition;
    p.fetch_offset = st->second.position;
    p.partition_max_bytes = options_.partition_max_bytes;
    req.topics.back().partitions.push_back(p);
  }
  if (req.topics.empty()) co_return out;
  const auto timeout = options_.max_wait + client_.options().connection.request_timeout;
  auto resp = co_await (*conn)->send<FetchRequest, FetchResponse>(req, *version, timeout);
  if (!resp) {
    out.error = resp.error();
  } else if (resp->error_code != 0) {
    out.error = kafka_error(resp->error_code, out.broker, "Fetch failed");
  } else {
    out.response = std::move(*resp);
  }
  co_return out;
}

void Consumer::absorb(FetchOutcome& outcome, std::vector<ConsumerRecord>& out, std::vector<TopicPartition>& to_reset,
                      std::optional<Error>& fatal, std::optional<Error>& transient) {
  auto note = [&](Error e) {
    if (e.needs_metadata_refresh()) client_.invalidate_metadata();
    (e.retriable() ? transient : fatal) = std::move(e);
  };
  if (outcome.error) {
    note(*outcome.error);
    return;
  }
  if (!outcome.response) return;  // nothing was left to fetch
  for (const auto& t : outcome.response->responses) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.topic, p.partition_index};
      auto it = state_.find(tp);
      auto asked = outcome.fetched_from.find(tp);
      // Unassigned or sought elsewhere meanwhile: this answer is out of date.
      if (it == state_.end() || asked == outcome.fetched_from.end() || asked->second != it->second.position) continue;
      if (p.error_code == protocol::code_of(ErrorCode::kOffsetOutOfRange)) {
        to_reset.push_back(tp);
        continue;
      }
      if (p.error_code != 0) {
        note(kafka_error(p.error_code, outcome.broker, fmt::format("fetching {}-{}", tp.topic, tp.partition)));
        continue;
      }
      it->second.high_watermark = p.high_watermark;
      if (!p.records.in_memory()) continue;
      auto decoded = decode_fetched(tp.topic, tp.partition, p.records.bytes(), it->second.position, out);
      it->second.position = decoded.next_position;
      if (decoded.error) {
        fatal = client_error(ClientErrc::kMalformedResponse, outcome.broker,
                             fmt::format("bad record batch in {}-{} near offset {}: {}", tp.topic, tp.partition,
                                         decoded.next_position, decoded.error.message()));
      }
    }
  }
}

awaitable<Result<void>> Consumer::reset(const TopicPartition& tp) {
  auto it = state_.find(tp);
  if (it == state_.end()) co_return ok();
  if (options_.auto_offset_reset == OffsetReset::kNone) {
    co_return kafka_error(ErrorCode::kOffsetOutOfRange, "",
                          fmt::format("offset {} is out of range for {}-{}", it->second.position, tp.topic, tp.partition));
  }
  Admin admin(client_);
  auto query = options_.auto_offset_reset == OffsetReset::kEarliest ? OffsetQuery::earliest() : OffsetQuery::latest();
  auto offsets = co_await admin.list_offsets(tp.topic, std::vector<int32_t>(1, tp.partition), query);
  if (!offsets) co_return offsets.error();
  if (auto again = state_.find(tp); again != state_.end()) again->second.position = (*offsets)[tp.partition].offset;
  co_return ok();
}

awaitable<Result<std::vector<ConsumerRecord>>> Consumer::poll() {
  std::vector<ConsumerRecord> out;
  auto ex = client_.executor();
  if (state_.empty()) {
    asio::steady_timer idle(ex, options_.max_wait);
    co_await idle.async_wait(use_tuple);
    co_return out;
  }
  std::map<int32_t, std::vector<TopicPartition>> by_leader;
  std::optional<Error> transient;
  std::optional<Error> fatal;
  for (const auto& tp : assignment()) {  // a copy: state_ may change while we wait
    auto leader = co_await client_.leader_for(tp.topic, tp.partition);
    if (leader) {
      by_leader[*leader].push_back(tp);
    } else if (leader.error().retriable()) {
      transient = leader.error();
    } else {
      co_return leader.error();
    }
  }
  // One fetch per leader, all in flight together.
  auto outcomes = std::make_shared<std::vector<FetchOutcome>>(by_leader.size());
  auto done = std::make_shared<asio::experimental::channel<void(boost::system::error_code)>>(ex, by_leader.size() + 1);
  size_t index = 0;
  for (auto& [node, parts] : by_leader) {
    asio::co_spawn(ex, fetch_from(node, std::move(parts)), [outcomes, done, index](std::exception_ptr e, FetchOutcome o) {
      if (e) o.error = client_error(ClientErrc::kDisconnected, "", "fetch failed unexpectedly");
      (*outcomes)[index] = std::move(o);
      done->try_send(boost::system::error_code{});
    });
    ++index;
  }
  for (size_t i = 0; i < by_leader.size(); ++i) co_await done->async_receive(use_tuple);
  std::vector<TopicPartition> to_reset;
  for (auto& o : *outcomes) absorb(o, out, to_reset, fatal, transient);
  if (fatal) co_return *fatal;
  for (const auto& tp : to_reset) {
    if (auto r = co_await reset(tp); !r) co_return r.error();
  }
  if (!transient) {
    failing_since_.reset();
    co_return out;
  }
  const auto now = std::chrono::steady_clock::now();
  if (!failing_since_) failing_since_ = now;
  if (now - *failing_since_ >= client_.options().retry.total) {
    Error e = *transient;
    e.detail += fmt::format(" (no progress for {} ms)", client_.options().retry.total.count());
    co_return e;
  }
  if (out.empty()) {
    asio::steady_timer backoff(ex, client_.options().retry.backoff);
    co_await backoff.async_wait(use_tuple);
  }
  co_return out;
}

}  // namespace kappa::client
