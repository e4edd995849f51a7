#pragma once
// The demo's payment provider: a ledger in its own SQLite file beside the op log
// (<db>.payments.sqlite), standing where WeChat Pay or Alipay would. Idempotent by
// refund id like the real ones: a repeated request returns the first payment's
// reference and moves no money. `fail_first` makes the first N requests fail as an
// unreachable provider would (tests of the retry path).
#include <cstdint>
#include <mutex>
#include <string>

#include "sync/payments.h"

struct sqlite3;

namespace edudesk::server {

class FakePaymentProvider : public sync::PaymentProvider {
 public:
  FakePaymentProvider() = default;
  ~FakePaymentProvider() override;
  FakePaymentProvider(const FakePaymentProvider&) = delete;
  FakePaymentProvider& operator=(const FakePaymentProvider&) = delete;

  bool open(const std::string& path, int64_t fail_first, std::string& err);
  sync::PaymentOutcome refund(const sync::PaymentRequest& r) override;

  // Money movements so far (rows in the ledger) and requests answered from it again.
  int64_t payments() const;
  int64_t replays() const { return replays_; }
  int64_t total_fen() const;

 private:
  mutable std::mutex mu_;
  sqlite3* db_ = nullptr;
  int64_t fail_first_ = 0;
  int64_t replays_ = 0;
};

}  // namespace edudesk::server
