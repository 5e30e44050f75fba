#include "kappa/producer_flags.h"

#include "kappa/cli.h"

namespace kappa::cli {

void add_producer_flags(CLI::App* cmd, ProducerFlags& f) {
  cmd->add_option("--compression", f.compression, "Batch compression")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  cmd->add_option("--acks", f.acks, "Acknowledgements: 0, 1 or all (-1)")
      ->check(CLI::IsMember({"0", "1", "all", "-1"}))
      ->capture_default_str();
  cmd->add_option("--linger-ms", f.linger_ms, "How long a batch may wait for more records")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--batch-size", f.batch_size, "Batch size in bytes before compression")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--idempotent", f.idempotent,
                "Idempotent producer (needs acks=all and a broker that offers InitProducerId)");
}

client::ProducerOptions producer_options(const ProducerFlags& f) {
  client::ProducerOptions o;
  using protocol::Compression;
  o.compression = f.compression == "gzip"     ? Compression::kGzip
                  : f.compression == "snappy" ? Compression::kSnappy
                  : f.compression == "lz4"    ? Compression::kLz4
                  : f.compression == "zstd"   ? Compression::kZstd
                                              : Compression::kNone;
  o.acks = f.acks == "all" ? -1 : static_cast<int16_t>(std::stoi(f.acks));
  o.linger = std::chrono::milliseconds(f.linger_ms);
  o.batch_size = static_cast<size_t>(f.batch_size);
  o.max_in_flight = f.max_in_flight;
  o.idempotent = f.idempotent;
  if (o.idempotent && o.acks != -1) throw UsageError("--idempotent needs --acks all");
  return o;
}

}  // namespace kappa::cli
