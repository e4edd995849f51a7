#include "app/sync_driver.h"

namespace edudesk {

using nlohmann::json;

const SyncStatus& SyncDriver::status() {
  status_.pending = desk_.sync().pending();
  status_.rejected = static_cast<int64_t>(desk_.rejected().size());
  status_.next_try = desk_.sync().next_try();
  status_.signed_in = !token_.empty();
  return status_;
}

void SyncDriver::tick(Millis now) {
  if (status_.busy || !status_.online || !desk_.sync().may_try(now)) return;
  if (token_.empty()) {
    if (!agent_.empty() && status_.last_error != "bad_credentials") login(now);
    return;
  }
  if (now - last_pull_ >= kPullEvery) want_pull_ = true;
  if (desk_.sync().pending() > 0) push(now);
  else if (want_pull_) pull(now);
}

void SyncDriver::sync_now(Millis now) {
  desk_.sync().on_success();  // no waiting out the backoff
  if (status_.last_error == "bad_credentials") status_.last_error.clear();
  want_pull_ = true;
  ++asks_;
  tick(now);
}

void SyncDriver::set_online(bool online, Millis now) {
  status_.online = online;
  if (online) sync_now(now);
  else status_.last_error = "offline";
  if (on_change) on_change();
}

void SyncDriver::failed(Millis now, const std::string& why) {
  status_.last_error = why;
  desk_.sync().on_failure(now);
  if (on_change) on_change();
}

void SyncDriver::done_ok(Millis now) {
  status_.last_error.clear();
  desk_.sync().on_success();
  if (desk_.sync().pending() == 0 && !want_pull_) status_.last_success = now;
  if (on_change) on_change();
}

void SyncDriver::login(Millis now) {
  status_.busy = true;
  json body{{"agent_id", agent_}, {"password", password_}};
  transport_.send("POST", "/api/v1/login", body.dump(), "", [this, now](Transport::Response r) {
    status_.busy = false;
    json j = json::parse(r.body, nullptr, false);
    if (r.status == 200 && j.is_object() && j.contains("token") && j["token"].is_string()) {
      token_ = j["token"].get<std::string>();
      if (on_token) on_token(token_);
      done_ok(now);
    } else if (r.status == 401) {
      status_.last_error = "bad_credentials";  // no retry loop on a wrong password
      if (on_change) on_change();
    } else {
      failed(now, r.status == 0 ? "offline" : "login_failed");
    }
  });
}

void SyncDriver::push(Millis now) {
  status_.busy = true;
  auto req = std::make_shared<sync::PushRequest>(desk_.sync().next_push(max_batch_));
  transport_.send("POST", "/api/v1/push", sync::to_json(*req).dump(-1, ' ', false, json::error_handler_t::replace),
                  token_, [this, now, req](Transport::Response r) {
                    status_.busy = false;
                    if (r.status == 401) {
                      token_.clear();  // expired or unknown: sign in again, then push again
                      return failed(now, "signed_out");
                    }
                    if (r.status == 413 && max_batch_ > 1) {
                      max_batch_ = std::max<int64_t>(1, max_batch_ / 2);  // split and go again
                      return failed(now, "batch_too_large");
                    }
                    if (r.status != 200) return failed(now, r.status == 0 ? "offline" : "http_" + std::to_string(r.status));
                    sync::PushResponse resp;
                    std::string why;
                    if (!sync::parse_push_response(r.body, req->batch_id, resp, why))
                      return failed(now, "not_json");  // e.g. a captive portal: nothing counts as sent
                    desk_.on_push_answer(*req, resp);
                    want_pull_ = true;  // the server may have renumbered or merged
                    done_ok(now);
                  });
}

void SyncDriver::pull(Millis now) {
  status_.busy = true;
  std::string path = "/api/v1/pull?after=" + std::to_string(desk_.sync().cursor()) + "&limit=1000";
  const int64_t asks = asks_;
  transport_.send("GET", path, "", token_, [this, now, asks](Transport::Response r) {
    status_.busy = false;
    if (r.status == 401) {
      token_.clear();
      return failed(now, "signed_out");
    }
    if (r.status != 200) return failed(now, r.status == 0 ? "offline" : "http_" + std::to_string(r.status));
    sync::PullResponse page;
    std::string why;
    if (!sync::parse_pull_response(r.body, page, why)) return failed(now, "not_json");
    desk_.receive(page);
    const bool asked_meanwhile = asks_ != asks;
    if (!page.more) {
      want_pull_ = asked_meanwhile;  // 立即同步 pressed meanwhile: once more, from here
      last_pull_ = now;
    }
    done_ok(now);
    if (asked_meanwhile) tick(now);  // at once: the desk does not look settled in between
  });
}

}  // namespace edudesk
