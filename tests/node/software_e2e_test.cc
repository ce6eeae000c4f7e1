// `slapos node format` reporting to a real master, then `slapos node software` building the
// bundled `hello` release as the software user (root; no network interface needed).
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "e2e_support.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::Slurp;

class NodeSoftwareE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates the software user and builds as it";
    chmod(dir.path().c_str(), 0755);
    tag = "ss" + std::to_string(getpid() % 100000);
    port = testing::PickFreePort();
    master = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{testing::SlaposBinary(), "master", "--host", "127.0.0.1", "--port",
                                 std::to_string(port), "--db", dir.Join("master.db")},
        dir.Join("master.log"));
    url = "http://127.0.0.1:" + std::to_string(port);
    slap::SlapClient probe({url, {}});
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          auto r = probe.HateoasUrl();
          return r.ok() || r.status().code() != Code::kUnavailable;
        },
        10));
    cfg = dir.Join("slapos.cfg");
    ASSERT_TRUE(WriteFileAtomic(cfg, "[slapos]\ncomputer_id = COMP-" + tag + "\nmaster_url = " + url +
                                         "\nsoftware_root = " + dir.Join("soft") + "\ninstance_root = " +
                                         dir.Join("srv") + "\ncomputer_json = " + dir.Join("slapos.json") +
                                         "\npidfile_software = " + dir.Join("sr.pid") +
                                         "\n[slapformat]\npartition_amount = 2\nalter_network = false\n"
                                         "partition_base_name = " + tag + "p\nuser_base_name = " + tag +
                                         "u\nsoftware_user = " + tag + "soft\n")
                    .ok());
    formatted = true;
  }
  void TearDown() override {
    if (formatted) Exec({testing::SlaposBinary(), "node", "unformat", "--yes", "--cfg", cfg});
  }

  testing::TempDir dir{"node-software-e2e"};
  std::string tag, url, cfg;
  int port = 0;
  bool formatted = false;
  std::unique_ptr<testing::ChildProcess> master;
};

TEST_F(NodeSoftwareE2ETest, FormatReportsThenHelloIsBuiltOnceAsTheSoftwareUser) {
  ProcessResult f = Exec({testing::SlaposBinary(), "node", "format", "--cfg", cfg});
  ASSERT_EQ(f.exit_code, 0) << f.output << Slurp(dir.Join("master.log"));
  EXPECT_NE(f.output.find("reported 2 partitions"), std::string::npos) << f.output;

  slap::SlapClient client({url, {}});
  std::string hello = testing::SourceDir() + "/software/hello/software.cfg";
  auto supplied = client.Supply(hello, "COMP-" + tag);
  ASSERT_TRUE(supplied.ok()) << supplied.status().ToString();

  ProcessResult s = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg});
  std::string sw = dir.Join("soft/" + Md5Hex(hello));
  ASSERT_EQ(s.exit_code, 0) << s.output << Slurp(sw + "/.buildout.log");
  EXPECT_NE(s.output.find("1 built"), std::string::npos) << s.output;
  EXPECT_TRUE(PathExists(sw + "/.completed"));
  EXPECT_TRUE(PathExists(sw + "/instance.cfg"));
  auto profile = ReadFile(sw + "/instance.cfg");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->find("{{"), std::string::npos) << "Jinja2 left unrendered";
  EXPECT_NE(profile->find("/bin/hello-server --port"), std::string::npos) << *profile;
  struct stat st{};
  ASSERT_EQ(stat(sw.c_str(), &st), 0);
  passwd* soft = getpwnam((tag + "soft").c_str());
  ASSERT_NE(soft, nullptr);
  EXPECT_EQ(st.st_uid, soft->pw_uid);  // built as the software user

  // Second run: nothing to do.
  ProcessResult again = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("0 built, 1 already available"), std::string::npos) << again.output;

  // Removed on the master: the directory goes.
  ASSERT_TRUE(client.Supply(hello, "COMP-" + tag, slap::SoftwareState::kDestroyed).ok());
  ProcessResult removed = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg});
  EXPECT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_FALSE(PathExists(sw));
}

TEST_F(NodeSoftwareE2ETest, FailedBuildIsReportedAndRetried) {
  ASSERT_EQ(Exec({testing::SlaposBinary(), "node", "format", "--cfg", cfg}).exit_code, 0);
  std::string broken = dir.Join("broken.cfg");
  ASSERT_TRUE(WriteFileAtomic(broken, "[buildout]\nparts = x\n[x]\nrecipe = no.such.recipe\n").ok());
  chmod(broken.c_str(), 0644);
  slap::SlapClient client({url, {}});
  ASSERT_TRUE(client.Supply(broken, "COMP-" + tag).ok());
  ProcessResult s = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg});
  EXPECT_EQ(s.exit_code, 1) << s.output;
  EXPECT_NE(s.output.find("no.such.recipe"), std::string::npos) << s.output;
  EXPECT_FALSE(PathExists(dir.Join("soft/" + Md5Hex(broken) + "/.completed")));
  // Fixed profile: the next run retries and succeeds.
  ASSERT_TRUE(WriteFileAtomic(broken, "[buildout]\nparts =\n").ok());
  chmod(broken.c_str(), 0644);
  ProcessResult retry = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg});
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
  EXPECT_TRUE(PathExists(dir.Join("soft/" + Md5Hex(broken) + "/.completed")));
}

}  // namespace
}  // namespace slapos
