#pragma once
// The payment interface (issue 4). The server pays approved refunds through a
// PaymentProvider, once per refund id: the refund id is the provider's idempotency
// key (WeChat Pay's out_refund_no, Alipay's out_request_no), so asking twice, e.g.
// after a crash between paying and recording, moves the money once and returns the
// same reference. A real provider plugs in by implementing `refund`.
#include <cstdint>
#include <string>

namespace edudesk::sync {

struct PaymentRequest {
  std::string refund_id;  // the idempotency key
  std::string order_id, customer_id;
  int64_t amount_fen = 0;
};

struct PaymentOutcome {
  enum Kind { paid, declined, unavailable } kind = unavailable;
  std::string ref;     // paid: the provider's reference (the same for a repeated request)
  std::string reason;  // declined / unavailable: why, for the agent and the log
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  // Must be idempotent by `r.refund_id`; `unavailable` means "try again later".
  virtual PaymentOutcome refund(const PaymentRequest& r) = 0;
};

}  // namespace edudesk::sync
