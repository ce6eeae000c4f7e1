// Test support for MasterApi unit tests: the API over a real SQLite file in a temporary
// directory with a fake clock, and the calls tests make. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "master/api.h"
#include "master/store/sqlite_store.h"
#include "util/testing.h"

namespace slapos::master {

class MasterApiFixture : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    auto s = OpenSqliteStore(dir_.Join("master.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    api_ = std::make_unique<MasterApi>(store_.get(), &env_);
  }

  // POST `path` with `body` as a caller on loopback (or not), optionally naming the requesting
  // instance (x-slapos-requester-instance).
  net::HttpResponse Raw(const std::string& path, const std::string& body, bool loopback = true,
                        const std::string& requester = "") {
    net::HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.target = path;
    r.body = body;
    r.remote_is_loopback = loopback;
    if (!requester.empty()) r.headers.emplace_back("x-slapos-requester-instance", requester);
    return api_->Handle(r);
  }
  // Calls `endpoint` (without the leading "/slapos.") and returns {status, body}.
  std::pair<int, json> Call(const std::string& endpoint, const json& body, const std::string& requester = "") {
    net::HttpResponse out = Raw("/slapos." + endpoint, body.dump(), true, requester);
    return {out.status, json::parse(out.body, nullptr, false)};
  }
  // Call, expecting 200.
  json Ok(const std::string& endpoint, const json& body, const std::string& requester = "") {
    auto [status, out] = Call(endpoint, body, requester);
    EXPECT_EQ(status, 200) << endpoint << " " << body.dump() << " -> " << out.dump();
    return out;
  }

  testing::TempDir dir_;
  FakeEnv env_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MasterApi> api_;
};

}  // namespace slapos::master
