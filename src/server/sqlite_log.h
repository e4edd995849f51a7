#pragma once
// The server's durable store: one SQLite file in WAL mode with synchronous=FULL.
//   ops(seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, json TEXT NOT NULL)  the op log
//   tokens(token TEXT PRIMARY KEY, agent_id TEXT, created_at INTEGER)          sessions (token = SHA-256 of the bearer token)
//   accounts(agent_id TEXT PRIMARY KEY, password_hash TEXT)                  salted PBKDF2-SHA256
//   secrets(name TEXT PRIMARY KEY, value TEXT)                               server keys (survey links)
// A batch of Ops is one transaction (BEGIN IMMEDIATE … COMMIT): when commit() returns
// true the batch is on disk (fsynced WAL), so kill -9 right after cannot lose it.
// Not thread-safe: the HTTP layer holds one mutex around every call.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sync/service.h"

struct sqlite3;
struct sqlite3_stmt;

namespace edudesk::server {

class SqliteLog : public sync::ServerLog {
 public:
  SqliteLog() = default;
  ~SqliteLog() override;
  SqliteLog(const SqliteLog&) = delete;
  SqliteLog& operator=(const SqliteLog&) = delete;

  // Opens (creating if needed) `path`. `max_bytes` > 0 caps the file's size: a write
  // beyond it fails as a full disk would (a quota; also how tests fill the disk).
  // The file is locked for this process (locking_mode=EXCLUSIVE): a second server on
  // the same file fails here instead of forking the log.
  bool open(const std::string& path, int64_t max_bytes, std::string& err);
  void close();

  // sync::ServerLog
  bool read_all(std::vector<sync::PulledOp>& out, std::string& err) override;
  bool commit(const std::vector<sync::PulledOp>& ops, std::string& err) override;
  bool page(int64_t after, int64_t limit, std::vector<sync::PulledOp>& out, std::string& err) override;

  // Accounts and sessions.
  bool account_count(int64_t& n, std::string& err);
  bool put_account(const std::string& agent_id, const std::string& password_hash, std::string& err);
  // Found = false when there is no such account.
  bool get_account(const std::string& agent_id, std::string& password_hash, bool& found, std::string& err);
  bool put_token(const std::string& token_hash, const std::string& agent_id, int64_t created_at, std::string& err);
  bool load_tokens(std::vector<std::pair<std::string, std::string>>& out, std::string& err);  // (hash, agent)
  // A server secret by name (e.g. the key of learners' survey links), made on first use.
  bool secret(const std::string& name, std::string& value, std::string& err);

 private:
  bool exec(const char* sql, std::string& err);
  bool prepare(const char* sql, sqlite3_stmt*& st, std::string& err);
  std::string describe(int rc) const;
  bool read_rows(sqlite3_stmt* st, std::vector<sync::PulledOp>& out, std::string& err);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_op_ = nullptr;
  sqlite3_stmt* page_ = nullptr;
};

}  // namespace edudesk::server
