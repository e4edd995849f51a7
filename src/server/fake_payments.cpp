#include "server/fake_payments.h"

#include <sqlite3.h>

#include <chrono>

namespace edudesk::server {

FakePaymentProvider::~FakePaymentProvider() {
  if (db_) sqlite3_close(db_);
}

bool FakePaymentProvider::open(const std::string& path, int64_t fail_first, std::string& err) {
  fail_first_ = fail_first;
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    err = db_ ? sqlite3_errmsg(db_) : "cannot open";
    return false;
  }
  char* msg = nullptr;
  int rc = sqlite3_exec(db_,
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                        "CREATE TABLE IF NOT EXISTS refunds(refund_id TEXT PRIMARY KEY, order_id TEXT NOT NULL,"
                        " customer_id TEXT NOT NULL, amount_fen INTEGER NOT NULL, ref TEXT NOT NULL,"
                        " paid_at INTEGER NOT NULL)",
                        nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    err = msg ? msg : "cannot create the payments ledger";
    sqlite3_free(msg);
    return false;
  }
  return true;
}

sync::PaymentOutcome FakePaymentProvider::refund(const sync::PaymentRequest& r) {
  std::lock_guard<std::mutex> lock(mu_);
  sync::PaymentOutcome out;
  if (fail_first_ > 0) {
    --fail_first_;
    out.reason = "payment provider unreachable (simulated)";
    return out;
  }
  sqlite3_stmt* st = nullptr;
  // The idempotency key: a known refund id answers with its first payment.
  sqlite3_prepare_v2(db_, "SELECT ref FROM refunds WHERE refund_id = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, r.refund_id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW) {
    out.kind = sync::PaymentOutcome::paid;
    out.ref = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    ++replays_;
    return out;
  }
  sqlite3_finalize(st);
  if (r.amount_fen < 0) {
    out.kind = sync::PaymentOutcome::declined;
    out.reason = "a refund cannot be negative";
    return out;
  }
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string ref = "FAKEPAY-" + std::to_string(now) + "-" + std::to_string(payments() + 1);
  sqlite3_prepare_v2(db_,
                     "INSERT INTO refunds(refund_id, order_id, customer_id, amount_fen, ref, paid_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, r.refund_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, r.order_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, r.customer_id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, r.amount_fen);
  sqlite3_bind_text(st, 5, ref.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 6, now);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    out.reason = std::string("payment ledger write failed: ") + sqlite3_errmsg(db_);
    return out;  // unavailable: nothing moved, try again later
  }
  out.kind = sync::PaymentOutcome::paid;
  out.ref = ref;
  return out;
}

namespace {
int64_t scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  int64_t v = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}
}  // namespace

int64_t FakePaymentProvider::payments() const { return db_ ? scalar(db_, "SELECT count(*) FROM refunds") : 0; }
int64_t FakePaymentProvider::total_fen() const {
  return db_ ? scalar(db_, "SELECT coalesce(sum(amount_fen), 0) FROM refunds") : 0;
}

}  // namespace edudesk::server
