#include "replication/replication_sim.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "replication/sim_broker.h"
#include "replication/sim_client.h"
#include "replication/sim_world.h"

namespace kappa::replication::sim {
namespace {

std::filesystem::path make_temp_dir() {
  std::filesystem::path base = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                   : std::filesystem::temp_directory_path();
  std::string pattern = (base / "kappa-repl-sim-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

ReplicationSim::ReplicationSim(SimOptions options) {
  if (options.dir.empty()) options.dir = make_temp_dir();
  w_ = std::make_unique<SimWorld>(std::move(options));
  for (int32_t b = 1; b <= w_->options.brokers; ++b) w_->brokers.push_back(std::make_unique<SimBroker>(b, *w_));
  w_->client = std::make_unique<SimClient>(*w_);
  w_->controller.on_change = [this](const metadata::PartitionState& p) {
    stats_.leader_epochs = std::max<int64_t>(stats_.leader_epochs, p.leader_epoch);
    w_->trace.add(w_->now(), "controller commits v{}: leader {} epoch {} isr [{}] pe {}", w_->controller.version(),
                  p.leader, p.leader_epoch, fmt::join(p.isr, ","), p.partition_epoch);
    // Push the change to the brokers (they also pull it with heartbeats).
    for (auto& b : w_->brokers) {
      auto view = w_->controller.view(b->id());
      SimBroker* broker = b.get();
      w_->net.send(kController, b->id(), [broker, view] { broker->apply_metadata(view); });
    }
  };
  draw_faults();
}

ReplicationSim::~ReplicationSim() {
  auto dir = w_->options.dir;
  w_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void ReplicationSim::draw_faults() {
  auto& r = w_->rng;
  NetworkFaults f;
  f.drop = r.pick(std::vector<double>{0, 0, 0.01, 0.05, 0.15});
  f.max_delay_ms = r.pick(std::vector<int64_t>{2, 10, 40, 120});
  f.spike = r.pick(std::vector<double>{0, 0.01, 0.05});
  w_->net.set_faults(f);
  w_->fetch_max_bytes = r.pick(std::vector<size_t>{1, 2048, 1 << 20});  // 1: one batch per fetch (KIP-74)
  const int64_t flush = r.pick(std::vector<int64_t>{30, 300, 2000});
  w_->flush_min_ms = flush / 2;
  w_->flush_max_ms = flush * 2;
  crash_rate_ = r.pick(std::vector<double>{0, 1, 2});
  power_loss_rate_ = r.pick(std::vector<double>{0, 1, 2});
  partition_rate_ = r.pick(std::vector<double>{0, 1, 2});
  fault_gap_min_ms_ = r.pick(std::vector<int64_t>{100, 300, 800});
  fault_gap_max_ms_ = fault_gap_min_ms_ * 4;
  drawn_ = fmt::format("drop {} delay {}..{} ms spike {} fetch.max.bytes {} flush ~{} ms; rates crash {} power {} "
                       "partition {}; faults every {}..{} ms",
                       f.drop, f.min_delay_ms, f.max_delay_ms, f.spike, w_->fetch_max_bytes, flush, crash_rate_,
                       power_loss_rate_, partition_rate_, fault_gap_min_ms_, fault_gap_max_ms_);
}

bool ReplicationSim::failed() const { return w_->checker.failure().has_value(); }

void ReplicationSim::inject_fault() {
  auto& r = w_->rng;
  const double total = crash_rate_ + power_loss_rate_ + partition_rate_;
  if (total <= 0) return;
  double x = r.real() * total;
  std::vector<int32_t> up;
  for (auto& b : w_->brokers) {
    if (b->up()) up.push_back(b->id());
  }
  const int down = w_->options.brokers - static_cast<int>(up.size());
  if (x < crash_rate_) {
    if (up.empty() || down >= 2) return;
    SimBroker& b = w_->broker(r.pick(up));
    b.crash(false);
    ++stats_.crashes;
    const int64_t downtime = r.uniform(50, 3 * w_->options.session_timeout_ms);
    w_->queue.after(downtime, [&b] { b.restart(false); });
    return;
  }
  x -= crash_rate_;
  if (x < power_loss_rate_) {
    if (up.empty()) return;
    SimBroker& b = w_->broker(r.pick(up));
    const auto& isr = w_->controller.partition().isr;
    if (isr.size() == 1 && isr[0] == b.id()) return;  // the only in-sync copy: Kafka cannot survive that
    b.crash(true);
    b.restart(true);
    ++stats_.power_losses;
    return;
  }
  // A network partition: one broker (sometimes with the controller) apart, or one link cut.
  ++stats_.partitions;
  const int32_t b = r.pick(up.empty() ? std::vector<int32_t>{1} : up);
  const int kind = static_cast<int>(r.uniform(0, 2));
  if (kind == 0) {
    w_->net.isolate({b});
    w_->trace.add(w_->now(), "network: broker {} isolated", b);
  } else if (kind == 1) {
    w_->net.isolate({b, kController});
    w_->trace.add(w_->now(), "network: broker {} and the controller apart from the rest", b);
  } else {
    int other = static_cast<int>(r.uniform(0, w_->options.brokers));  // 0 = the controller
    if (other == b) other = kController;
    w_->net.cut(b, other);
    w_->trace.add(w_->now(), "network: link {}-{} cut", b, other);
  }
  w_->queue.after(r.uniform(100, 3 * w_->options.session_timeout_ms), [this] {
    w_->net.heal();
    w_->trace.add(w_->now(), "network: healed");
  });
}

void ReplicationSim::heal_everything() {
  w_->trace.add(w_->now(), "--- heal phase ---");
  w_->net.heal();
  w_->net.set_faults(NetworkFaults{});
  for (auto& b : w_->brokers) {
    if (!b->up()) b->restart(false);
  }
}

void ReplicationSim::check_logs() {
  std::vector<ReplicaView> views;
  for (auto& b : w_->brokers) {
    ReplicaView v;
    v.broker = b->id();
    if (b->up() && b->log() && b->partition()) {
      v.log = b->log();
      v.high_watermark = b->partition()->high_watermark();
    }
    views.push_back(v);
  }
  w_->checker.check_logs(views, w_->controller.partition().isr, w_->now());
  // A consumer on every running replica: just below and at the high watermark.
  for (auto& b : w_->brokers) {
    const Partition* p = b->up() ? b->partition() : nullptr;
    if (!p) continue;
    const int64_t hw = p->high_watermark();
    for (int64_t at : {std::max(p->log().log_start_offset(), hw - 1), hw}) {
      auto read = p->read(at, 1 << 20, /*up_to_log_end=*/false, /*min_one_batch=*/true);
      if (read.error != protocol::ErrorCode::kNone) continue;
      auto bytes = read.records.to_vector();
      w_->checker.on_consumer_read(b->id(), at, hw, bytes, w_->now());
    }
  }
}

SimResult ReplicationSim::run() {
  auto& q = w_->queue;
  const int64_t fault_end = w_->options.fault_phase_ms;
  const int64_t end = fault_end + w_->options.heal_phase_ms;
  for (auto& b : w_->brokers) b->start();
  w_->client->start();
  std::function<void()> sessions = [&] {
    w_->controller.check_sessions();
    q.after(100, sessions);
  };
  q.after(100, sessions);
  std::function<void()> faults = [&] {
    if (q.now() >= fault_end) return;
    inject_fault();
    q.after(w_->rng.uniform(fault_gap_min_ms_, fault_gap_max_ms_), faults);
  };
  q.after(w_->rng.uniform(fault_gap_min_ms_, fault_gap_max_ms_), faults);
  std::function<void()> checks = [&] {
    check_logs();
    q.after(1'000, checks);
  };
  q.after(1'000, checks);
  q.at(fault_end, [&] { heal_everything(); });
  while (!failed() && q.step(end)) {
  }
  if (!failed()) check_logs();
  if (!failed() && w_->client->last_ack_ms() < fault_end) {
    w_->checker.fail(q.now(), "liveness: no batch was acknowledged during the heal phase");
  }
  if (!failed() && static_cast<int>(w_->controller.partition().isr.size()) != w_->options.brokers) {
    w_->checker.fail(q.now(), fmt::format("liveness: the ISR is [{}] at the end of the heal phase",
                                          fmt::join(w_->controller.partition().isr, ",")));
  }
  stats_.acked_records = w_->checker.acked_records();
  stats_.acked_batches = w_->client->acked_batches();
  stats_.messages = static_cast<int64_t>(w_->net.delivered());
  stats_.events = static_cast<int64_t>(q.executed());
  SimResult r;
  r.ok = !failed();
  if (!r.ok) r.failure = *w_->checker.failure();
  r.stats = stats_;
  return r;
}

std::string ReplicationSim::describe(const std::string& why) const {
  return fmt::format("replication simulation seed {} ({})\n{}\n--- trace tail ---\n{}", w_->options.seed, drawn_, why,
                     w_->trace.tail());
}

}  // namespace kappa::replication::sim
