// Test fixture: a real `slapos master` on 127.0.0.1:<free port> with a temporary SQLite
// database, plus helpers to run `slapos` client commands against it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "slap/slap_client.h"
#include "util/testing.h"

namespace slapos::client_test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout + stderr
};

class MasterFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs `slapos ARGS... --master-url URL` (unless `with_master_url` is false) with HOME set to
  // the temporary directory and no $SLAPOS_CLIENT_CONFIGURATION.
  CommandResult Slapos(std::vector<std::string> args, bool with_master_url = true,
                       const std::vector<std::pair<std::string, std::string>>& extra_env = {});
  slap::SlapClient& client() { return *client_; }
  const std::string& master_url() const { return master_url_; }
  std::string TempPath(const std::string& name) const { return dir_->Join(name); }

 private:
  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<testing::ChildProcess> master_;
  std::unique_ptr<slap::SlapClient> client_;
  std::string master_url_;
};

// The text of `haystack` contains `needle`.
::testing::AssertionResult Contains(const std::string& haystack, const std::string& needle);

}  // namespace slapos::client_test
