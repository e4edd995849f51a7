#include "server/sqlite_log.h"

#include "server/crypto.h"

#include <sqlite3.h>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace edudesk::server {

SqliteLog::~SqliteLog() { close(); }

void SqliteLog::close() {
  if (insert_op_) sqlite3_finalize(insert_op_);
  if (page_) sqlite3_finalize(page_);
  insert_op_ = page_ = nullptr;
  if (db_) sqlite3_close(db_);
  db_ = nullptr;
}

std::string SqliteLog::describe(int rc) const {
  std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_FULL: return "disk full (" + msg + ")";
    case SQLITE_IOERR: return "storage I/O error (" + msg + ")";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "database is locked (another edudesk serve on the same file?)";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return "database file is damaged (" + msg + ")";
    case SQLITE_READONLY: return "database file is read-only (" + msg + ")";
    case SQLITE_CANTOPEN: return "cannot open the database file (" + msg + ")";
    default: return "storage error (" + msg + ")";
  }
}

bool SqliteLog::exec(const char* sql, std::string& err) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (msg) sqlite3_free(msg);
  if (rc != SQLITE_OK) return err = describe(rc), false;
  return true;
}

bool SqliteLog::prepare(const char* sql, sqlite3_stmt*& st, std::string& err) {
  int rc = sqlite3_prepare_v2(db_, sql, -1, &st, nullptr);
  if (rc != SQLITE_OK) return err = describe(rc), false;
  return true;
}

bool SqliteLog::open(const std::string& path, int64_t max_bytes, std::string& err) {
  close();
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    err = describe(rc);
    close();
    return false;
  }
  sqlite3_extended_result_codes(db_, 1);
  // A short wait while taking the file: another live server holds it for good, and a
  // killed one has already lost its locks.
  sqlite3_busy_timeout(db_, 1000);
  // EXCLUSIVE before WAL: the WAL index lives in this process's memory and the file
  // stays locked while we run. FULL: the WAL is fsynced at every commit.
  if (!exec("PRAGMA locking_mode=EXCLUSIVE", err)) return close(), false;
  {
    sqlite3_stmt* st = nullptr;
    if (!prepare("PRAGMA journal_mode=WAL", st, err)) return close(), false;
    rc = sqlite3_step(st);
    std::string mode = rc == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "";
    if (rc != SQLITE_ROW) err = describe(rc);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return close(), false;
    if (mode != "wal") {
      err = "cannot switch the database to WAL mode (journal_mode is '" + mode + "')";
      return close(), false;
    }
  }
  if (!exec("PRAGMA synchronous=FULL", err)) return close(), false;
  {
    // An acknowledged op must survive kill -9 and power loss: make sure FULL took.
    sqlite3_stmt* st = nullptr;
    if (!prepare("PRAGMA synchronous", st, err)) return close(), false;
    int64_t level = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (level < 2) {
      err = "SQLite refused synchronous=FULL (level " + std::to_string(level) + ")";
      return close(), false;
    }
  }
  if (
      !exec("CREATE TABLE IF NOT EXISTS ops(seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, json TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS tokens(token TEXT PRIMARY KEY, agent_id TEXT NOT NULL, created_at INTEGER);"
            "CREATE TABLE IF NOT EXISTS accounts(agent_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS secrets(name TEXT PRIMARY KEY, value TEXT NOT NULL);",
            err))
    return close(), false;
  // Take the exclusive lock now, so a second server fails at start, not at its first push.
  if (!exec("BEGIN EXCLUSIVE; COMMIT;", err)) return close(), false;
  sqlite3_busy_timeout(db_, 5000);
  if (max_bytes > 0) {
    sqlite3_stmt* st = nullptr;
    if (!prepare("PRAGMA page_size", st, err)) return close(), false;
    int64_t page_size = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 4096;
    sqlite3_finalize(st);
    std::string sql = "PRAGMA max_page_count=" + std::to_string(std::max<int64_t>(1, max_bytes / page_size));
    if (!exec(sql.c_str(), err)) return close(), false;
  }
  if (!prepare("INSERT INTO ops(seq, id, json) VALUES(?, ?, ?)", insert_op_, err) ||
      !prepare("SELECT seq, json FROM ops WHERE seq > ? ORDER BY seq LIMIT ?", page_, err))
    return close(), false;
  return true;
}

bool SqliteLog::read_rows(sqlite3_stmt* st, std::vector<sync::PulledOp>& out, std::string& err) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    sync::PulledOp p;
    p.seq = sqlite3_column_int64(st, 0);
    const unsigned char* text = sqlite3_column_text(st, 1);
    int len = sqlite3_column_bytes(st, 1);
    nlohmann::json j = nlohmann::json::parse(text ? reinterpret_cast<const char*>(text) : "",
                                              text ? reinterpret_cast<const char*>(text) + len : nullptr, nullptr, false);
    Error e;
    if (!text || j.is_discarded() || !op_from_json(j, p.op, e)) {
      err = "the stored op at seq " + std::to_string(p.seq) + " is unreadable" + (e.message.empty() ? "" : ": " + e.message);
      sqlite3_reset(st);
      return false;
    }
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) {
    err = describe(rc);
    sqlite3_reset(st);
    return false;
  }
  sqlite3_reset(st);
  return true;
}

bool SqliteLog::read_all(std::vector<sync::PulledOp>& out, std::string& err) {
  out.clear();
  if (!db_) return err = "the database is not open", false;
  sqlite3_stmt* st = nullptr;
  if (!prepare("SELECT seq, json FROM ops ORDER BY seq", st, err)) return false;
  bool ok = read_rows(st, out, err);
  sqlite3_finalize(st);
  return ok;
}

bool SqliteLog::page(int64_t after, int64_t limit, std::vector<sync::PulledOp>& out, std::string& err) {
  out.clear();
  if (!db_) return err = "the database is not open", false;
  sqlite3_bind_int64(page_, 1, after);
  sqlite3_bind_int64(page_, 2, limit);
  return read_rows(page_, out, err);
}

bool SqliteLog::commit(const std::vector<sync::PulledOp>& ops, std::string& err) {
  if (!db_) return err = "the database is not open", false;
  if (ops.empty()) return true;
  if (!exec("BEGIN IMMEDIATE", err)) return false;
  for (const sync::PulledOp& p : ops) {
    std::string text;
    try {
      text = op_to_json(p.op).dump();
    } catch (const std::exception& ex) {
      err = std::string("op ") + p.op.id + " cannot be stored: " + ex.what();
      std::string ignored;
      exec("ROLLBACK", ignored);
      return false;
    }
    sqlite3_reset(insert_op_);
    sqlite3_bind_int64(insert_op_, 1, p.seq);
    sqlite3_bind_text(insert_op_, 2, p.op.id.data(), static_cast<int>(p.op.id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_op_, 3, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    int rc = sqlite3_step(insert_op_);
    sqlite3_reset(insert_op_);
    if (rc != SQLITE_DONE) {
      err = describe(rc);
      std::string ignored;
      if (!sqlite3_get_autocommit(db_)) exec("ROLLBACK", ignored);
      return false;
    }
  }
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    err = describe(rc);
    std::string ignored;
    if (!sqlite3_get_autocommit(db_)) exec("ROLLBACK", ignored);
    return false;
  }
  return true;
}

bool SqliteLog::account_count(int64_t& n, std::string& err) {
  sqlite3_stmt* st = nullptr;
  if (!prepare("SELECT COUNT(*) FROM accounts", st, err)) return false;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  else err = describe(rc);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW;
}

bool SqliteLog::put_account(const std::string& agent_id, const std::string& password_hash, std::string& err) {
  sqlite3_stmt* st = nullptr;
  if (!prepare("INSERT OR REPLACE INTO accounts(agent_id, password_hash) VALUES(?, ?)", st, err)) return false;
  sqlite3_bind_text(st, 1, agent_id.data(), static_cast<int>(agent_id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, password_hash.data(), static_cast<int>(password_hash.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) err = describe(rc);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

bool SqliteLog::get_account(const std::string& agent_id, std::string& password_hash, bool& found, std::string& err) {
  found = false;
  sqlite3_stmt* st = nullptr;
  if (!prepare("SELECT password_hash FROM accounts WHERE agent_id = ?", st, err)) return false;
  sqlite3_bind_text(st, 1, agent_id.data(), static_cast<int>(agent_id.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    password_hash = t ? reinterpret_cast<const char*>(t) : "";
    found = true;
  } else if (rc != SQLITE_DONE) {
    err = describe(rc);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

bool SqliteLog::put_token(const std::string& token_hash, const std::string& agent_id, int64_t created_at,
                          std::string& err) {
  sqlite3_stmt* st = nullptr;
  if (!prepare("INSERT INTO tokens(token, agent_id, created_at) VALUES(?, ?, ?)", st, err)) return false;
  sqlite3_bind_text(st, 1, token_hash.data(), static_cast<int>(token_hash.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, agent_id.data(), static_cast<int>(agent_id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, created_at);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) err = describe(rc);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

bool SqliteLog::secret(const std::string& name, std::string& value, std::string& err) {
  sqlite3_stmt* st = nullptr;
  if (!prepare("SELECT value FROM secrets WHERE name = ?", st, err)) return false;
  sqlite3_bind_text(st, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) return err = describe(rc), false;
  value = random_hex(32);
  if (value.empty()) return err = "no randomness (/dev/urandom)", false;
  if (!prepare("INSERT INTO secrets(name, value) VALUES(?, ?)", st, err)) return false;
  sqlite3_bind_text(st, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return err = describe(rc), false;
  return true;
}

bool SqliteLog::load_tokens(std::vector<std::pair<std::string, std::string>>& out, std::string& err) {
  out.clear();
  sqlite3_stmt* st = nullptr;
  if (!prepare("SELECT token, agent_id FROM tokens", st, err)) return false;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    const unsigned char* a = sqlite3_column_text(st, 1);
    if (t && a) out.emplace_back(reinterpret_cast<const char*>(t), reinterpret_cast<const char*>(a));
  }
  if (rc != SQLITE_DONE) err = describe(rc);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

}  // namespace edudesk::server
