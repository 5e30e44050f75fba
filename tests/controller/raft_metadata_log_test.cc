// The Asio driver of the metadata quorum, run as three nodes in one process
// over real files and an in-memory transport.
#include "kappa/controller/raft_metadata_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace kappa::controller {
namespace {

using protocol::ErrorCode;

class LoopbackTransport;

struct Node {
  int32_t id;
  std::filesystem::path dir;
  metadata::MetadataImage image;
  std::unique_ptr<LoopbackTransport> transport;
  std::unique_ptr<RaftMetadataLog> log;
  bool up = false;
};

class LoopbackTransport final : public RaftTransport {
 public:
  LoopbackTransport(asio::io_context& io, std::map<int32_t, Node*>& nodes) : io_(io), nodes_(nodes) {}
  void send(raft::Message m) override {
    asio::post(io_, [this, m = std::move(m)]() mutable {
      auto it = nodes_.find(m.to.value());
      if (it == nodes_.end() || !it->second->up || !nodes_.at(m.from.value())->up) return;
      it->second->log->receive(std::move(m));
    });
  }

 private:
  asio::io_context& io_;
  std::map<int32_t, Node*>& nodes_;
};

class QuorumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("kappa-quorum-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    for (int32_t id = 1; id <= 3; ++id) {
      auto n = std::make_unique<Node>();
      n->id = id;
      n->dir = root_ / std::to_string(id);
      by_id_[id] = n.get();
      nodes_.push_back(std::move(n));
    }
    for (auto& n : nodes_) start(*n);
  }
  void TearDown() override {
    for (auto& n : nodes_) stop(*n);
    io_.run_for(std::chrono::milliseconds(50));
    nodes_.clear();
    std::filesystem::remove_all(root_);
  }

  void start(Node& n) {
    io_.restart();  // run_for() leaves a context without work stopped
    RaftMetadataLogOptions o;
    o.raft.id = NodeId(n.id);
    o.raft.voters = {NodeId(1), NodeId(2), NodeId(3)};
    o.raft.election_timeout_ms = 150;
    o.raft.heartbeat_interval_ms = 30;
    o.dir = n.dir;
    o.tick_interval_ms = 5;
    o.snapshot_every_entries = 20;
    o.append_timeout = std::chrono::seconds(5);
    n.image = metadata::MetadataImage();
    n.transport = std::make_unique<LoopbackTransport>(io_, by_id_);
    n.log = std::make_unique<RaftMetadataLog>(io_.get_executor(), pool_, o, n.image, *n.transport, nullptr);
    n.log->open(static_cast<uint64_t>(n.id) * 7919);
    n.log->start();
    n.up = true;
  }
  void stop(Node& n) {
    if (!n.up) return;
    n.up = false;
    n.log->stop();
  }

  Node* leader() {
    for (auto& n : nodes_) {
      if (n->up && n->log->is_active()) return n.get();
    }
    return nullptr;
  }
  Node* wait_for_leader() {
    for (int i = 0; i < 400 && !leader(); ++i) io_.run_for(std::chrono::milliseconds(10));
    return leader();
  }
  ErrorCode create_topic(Node& n, const std::string& name) {
    std::vector<metadata::MetadataRecord> records;
    records.emplace_back(protocol::TopicRecord{name, protocol::Uuid::from_halves(name.size() + 1, 7)});
    std::optional<ErrorCode> result;
    asio::co_spawn(io_, n.log->append(std::move(records)), [&](std::exception_ptr, ErrorCode e) { result = e; });
    for (int i = 0; i < 500 && !result; ++i) io_.run_for(std::chrono::milliseconds(10));
    return result.value_or(ErrorCode::kRequestTimedOut);
  }
  bool converged(size_t topics) {
    for (int i = 0; i < 300; ++i) {
      bool all = true;
      for (auto& n : nodes_) all &= !n->up || n->image.topics().size() == topics;
      if (all) return true;
      io_.run_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  asio::io_context io_;
  asio::thread_pool pool_{1};
  std::filesystem::path root_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<int32_t, Node*> by_id_;
};

TEST_F(QuorumTest, elects_one_leader_and_replicates_appends_to_every_image) {
  Node* l = wait_for_leader();
  ASSERT_NE(l, nullptr);
  for (auto& n : nodes_) EXPECT_EQ(n->log->active_controller() == l->id || n.get() != l, true);
  EXPECT_EQ(create_topic(*l, "a"), ErrorCode::kNone);
  EXPECT_EQ(create_topic(*l, "bb"), ErrorCode::kNone);
  ASSERT_TRUE(converged(2));
  for (auto& n : nodes_) EXPECT_TRUE(n->image.topic("bb"));
}

TEST_F(QuorumTest, followers_refuse_appends_with_not_controller) {
  Node* l = wait_for_leader();
  ASSERT_NE(l, nullptr);
  for (auto& n : nodes_) {
    if (n.get() != l) EXPECT_EQ(create_topic(*n, "x"), ErrorCode::kNotController);
  }
}

TEST_F(QuorumTest, survives_leader_loss_and_restarted_node_catches_up_through_snapshot) {
  Node* first = wait_for_leader();
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(create_topic(*first, "before"), ErrorCode::kNone);
  stop(*first);
  Node* second = nullptr;
  for (int i = 0; i < 400; ++i) {
    second = leader();
    if (second && second != first) break;
    io_.run_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(second && second != first);
  // Enough entries to trigger snapshots (every 20 entries) while `first` is down.
  for (int i = 0; i < 30; ++i) ASSERT_EQ(create_topic(*second, "t" + std::to_string(i)), ErrorCode::kNone);
  start(*first);
  ASSERT_TRUE(converged(31));
  EXPECT_TRUE(first->image.topic("t29"));
  EXPECT_EQ(first->image.offset(), second->image.offset());
}

TEST_F(QuorumTest, full_restart_keeps_all_metadata) {
  Node* l = wait_for_leader();
  ASSERT_NE(l, nullptr);
  for (int i = 0; i < 25; ++i) ASSERT_EQ(create_topic(*l, "k" + std::to_string(i)), ErrorCode::kNone);
  ASSERT_TRUE(converged(25));
  for (auto& n : nodes_) stop(*n);
  io_.run_for(std::chrono::milliseconds(50));
  for (auto& n : nodes_) start(*n);
  ASSERT_NE(wait_for_leader(), nullptr);
  ASSERT_TRUE(converged(25));
}

}  // namespace
}  // namespace kappa::controller
