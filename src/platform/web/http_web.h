#pragma once
// The sync transport in the browser: fetch() with a timeout; the network's own
// events (online/offline) and the storage estimate come back through callbacks.
#include <functional>

#include "app/sync_driver.h"

namespace edudesk::platform {

class FetchTransport : public Transport {
 public:
  explicit FetchTransport(std::string base_url) : base_(std::move(base_url)) {}
  void send(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
            std::function<void(Response)> done) override;

 private:
  std::string base_;
};

// online(true/false) on the window's events; storage(usage, quota) about once a minute.
void watch_network(std::function<void(bool online)> online, std::function<void(double usage, double quota)> storage);
// Something was written: the storage estimate is refreshed soon (debounced).
void storage_changed();

// The service worker: registered here; `available` is called when a new version has
// been fetched and waits. apply_update() activates it and reloads (the agent's click).
void watch_updates(std::function<void()> available);
void apply_update();

}  // namespace edudesk::platform
