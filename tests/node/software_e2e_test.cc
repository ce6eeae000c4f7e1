// `slapos node format` reporting to a real master, then `slapos node software` building the
// bundled `hello` release as the software user (root; no network interface needed).
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "e2e_fixture.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::Slurp;

class NodeSoftwareE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates the software user and builds as it";
    UseTag("ss");
    ASSERT_NO_FATAL_FAILURE(StartMaster());
    ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(NodeConfigOfThisTest("COMP-" + tag, 2)));
    UnformatAtTearDown(cfg);
  }
};

TEST_F(NodeSoftwareE2ETest, FormatReportsThenHelloIsBuiltOnceAsTheSoftwareUser) {
  ProcessResult f = Exec({testing::SlaposBinary(), "node", "format", "--cfg", cfg});
  ASSERT_EQ(f.exit_code, 0) << f.output << Slurp(dir.Join("master.log"));
  EXPECT_NE(f.output.find("reported 2 partitions"), std::string::npos) << f.output;

  std::string hello = testing::SourceDir() + "/software/hello/software.cfg";
  auto supplied = client->Supply(hello, "COMP-" + tag);
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
  ASSERT_TRUE(client->Supply(hello, "COMP-" + tag, slap::SoftwareState::kDestroyed).ok());
  ProcessResult removed = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg});
  EXPECT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_FALSE(PathExists(sw));
}

TEST_F(NodeSoftwareE2ETest, FailedBuildIsReportedAndRetried) {
  ASSERT_EQ(Exec({testing::SlaposBinary(), "node", "format", "--cfg", cfg}).exit_code, 0);
  std::string broken = dir.Join("broken.cfg");
  ASSERT_TRUE(WriteFileAtomic(broken, "[buildout]\nparts = x\n[x]\nrecipe = no.such.recipe\n").ok());
  chmod(broken.c_str(), 0644);
  ASSERT_TRUE(client->Supply(broken, "COMP-" + tag).ok());
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
