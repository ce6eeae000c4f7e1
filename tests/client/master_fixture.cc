#include "master_fixture.h"

#include <cstdlib>
#include <map>

#include "util/file.h"
#include "util/process.h"

namespace slapos::client_test {

void MasterFixture::SetUp() {
  dir_ = std::make_unique<testing::TempDir>("slapos-client-e2e");
  int port = testing::PickFreePort();
  master_url_ = "http://127.0.0.1:" + std::to_string(port);
  master_ = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{testing::SlaposBinary(), "master", "--host", "127.0.0.1", "--port",
                               std::to_string(port), "--db", dir_->Join("master.db")},
      dir_->Join("master.log"));
  slap::SlapClientOptions o;
  o.master_url = master_url_;
  o.http.timeout_seconds = 5;
  client_ = std::make_unique<slap::SlapClient>(o);
  bool up = testing::WaitFor([&] { return client_->HateoasUrl().ok(); }, 20);
  if (!up) {
    Result<std::string> log = ReadFile(dir_->Join("master.log"));
    FAIL() << "slapos master did not answer on " << master_url_ << "; its log:\n" << (log.ok() ? *log : "");
  }
}

void MasterFixture::TearDown() {
  client_.reset();
  master_.reset();  // SIGTERM, then SIGKILL
  dir_.reset();
}

CommandResult MasterFixture::Slapos(std::vector<std::string> args, bool with_master_url,
                                    const std::vector<std::pair<std::string, std::string>>& extra_env) {
  ProcessOptions p;
  p.argv = {testing::SlaposBinary()};
  p.argv.insert(p.argv.end(), args.begin(), args.end());
  if (with_master_url) p.argv.insert(p.argv.end(), {"--master-url", master_url_});
  std::map<std::string, std::string> env{{"HOME", dir_->path()}, {"PATH", "/usr/bin:/bin"}};
  for (const auto& [k, v] : extra_env) env[k] = v;
  p.env = env;
  p.timeout_seconds = 60;
  Result<ProcessResult> r = RunProcess(p);
  CommandResult out;
  if (!r.ok()) {
    out.output = r.status().ToString();
    return out;
  }
  out.exit_code = r->exit_code;
  out.output = r->output;
  return out;
}

::testing::AssertionResult Contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << needle << "' not found in:\n" << haystack;
}

}  // namespace slapos::client_test
