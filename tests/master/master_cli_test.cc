// The command lines: `slapos master --help`, bad options, and `slapos proxy start --cfg`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "master_process.h"
#include "util/file.h"
#include "util/process.h"

namespace slapos::master_test {
namespace {

ProcessResult RunSlapos(const std::vector<std::string>& args) {
  ProcessOptions o;
  o.argv = {testing::SlaposBinary()};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.timeout_seconds = 20;
  auto r = RunProcess(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ProcessResult{};
}

TEST(MasterCliTest, HelpAndErrors) {
  ProcessResult help = RunSlapos({"master", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--db"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("slapos master backup FILE"), std::string::npos) << help.output;
  ProcessResult no_file = RunSlapos({"master", "backup"});
  EXPECT_NE(no_file.exit_code, 0);
  EXPECT_NE(no_file.output.find("FILE"), std::string::npos) << no_file.output;
  EXPECT_EQ(RunSlapos({"proxy", "start", "--help"}).exit_code, 0);
  ProcessResult missing = RunSlapos({"master", "--port", "0"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("--db"), std::string::npos) << missing.output;
  ProcessResult bad_db = RunSlapos({"master", "--port", "0", "--db", "/nonexistent-dir/x/m.db"});
  EXPECT_NE(bad_db.exit_code, 0);
  EXPECT_NE(bad_db.output.find("/nonexistent-dir/x/m.db"), std::string::npos) << bad_db.output;
}

TEST(MasterCliTest, ProxyStartReadsTheSlaposConfig) {
  testing::TempDir dir("slapos-master-cli");
  int port = testing::PickFreePort();
  std::string cfg = dir.Join("slapos.cfg");
  ASSERT_TRUE(WriteFileAtomic(cfg, "[slapos]\ncomputer_id = COMP-0\n\n[slapproxy]\nhost = 127.0.0.1\nport = " +
                                       std::to_string(port) + "\ndatabase_uri = " + dir.Join("proxy.db") + "\n")
                  .ok());
  testing::ChildProcess child({testing::SlaposBinary(), "proxy", "start", "--cfg", cfg}, dir.Join("proxy.log"));
  ASSERT_TRUE(testing::WaitFor([&] { return HttpConnection(port).connected(); }, 10));
  HttpConnection c(port);
  HttpResult r = c.Send("POST", "/slapos.allDocs.WIP.compute_node_list", "{}");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"result_list":[]})");
  EXPECT_TRUE(PathExists(dir.Join("proxy.db")));

  ProcessResult no_db = RunSlapos({"proxy", "start", "--cfg", "/nonexistent.cfg"});
  EXPECT_NE(no_db.exit_code, 0);
  EXPECT_NE(no_db.output.find("/nonexistent.cfg"), std::string::npos) << no_db.output;
}

}  // namespace
}  // namespace slapos::master_test
