#include "node/supervisor_group.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/ini.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

TEST(NodeSupervisorGroupTest, RunAndServiceBecomeOneGroup) {
  testing::TempDir dir("partition-programs");
  ASSERT_TRUE(MakeDirs(dir.Join("etc/run")).ok());
  ASSERT_TRUE(MakeDirs(dir.Join("etc/service")).ok());
  ASSERT_TRUE(MakeDirs(dir.Join("etc/run/not-a-file")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("etc/run/cron"), "#!/bin/sh\n", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("etc/service/hello-server"), "#!/bin/sh\n", 0755).ok());
  auto p = ListPartitionPrograms("slappart3", dir.path(), "slapuser3");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->run, std::vector<std::string>{"cron"});
  EXPECT_EQ(p->service, std::vector<std::string>{"hello-server"});
  std::string text = PartitionSupervisorConfig(*p);
  auto ini = ParseIni(text, "slappart3.conf", IniOptions{true, true});
  ASSERT_TRUE(ini.ok()) << ini.status().ToString() << "\n" << text;
  EXPECT_EQ(ini->Get("group:slappart3", "programs"), "slappart3_cron,slappart3_hello-server-on-watch");
  EXPECT_EQ(ini->Get("program:slappart3_hello-server-on-watch", "command"), dir.Join("etc/service/hello-server"));
  EXPECT_EQ(ini->Get("program:slappart3_hello-server-on-watch", "process_name"), "hello-server-on-watch");
  EXPECT_EQ(ini->Get("program:slappart3_hello-server-on-watch", "user"), "slapuser3");
  EXPECT_EQ(ini->Get("program:slappart3_hello-server-on-watch", "autorestart"), "true");
  EXPECT_EQ(ini->Get("program:slappart3_cron", "autorestart"), "false");
  EXPECT_EQ(ini->Get("program:slappart3_cron", "directory"), dir.path());
  EXPECT_EQ(ini->Get("program:slappart3_cron", "stdout_logfile"), dir.Join(".slappart3_cron.log"));
  EXPECT_EQ(PartitionSupervisorConfigPath("/srv/slapgrid", "slappart3"),
            "/srv/slapgrid/etc/supervisord.conf.d/slappart3.conf");
}

TEST(NodeSupervisorGroupTest, NoProgramsNoFile) {
  testing::TempDir dir("partition-programs");
  auto p = ListPartitionPrograms("slappart0", dir.path(), "slapuser0");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(PartitionSupervisorConfig(*p), "");
}

TEST(NodeSupervisorGroupTest, RewrittenWrapperChangesTheProgramSection) {
  testing::TempDir dir("partition-programs");
  ASSERT_TRUE(MakeDirs(dir.Join("etc/service")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("etc/service/web"), "#!/bin/sh\nexec web --name a\n", 0755).ok());
  auto before = ListPartitionPrograms("slappart1", dir.path(), "slapuser1");
  ASSERT_TRUE(before.ok());
  std::string text = PartitionSupervisorConfig(*before);
  auto ini = ParseIni(text, "slappart1.conf", IniOptions{true, true});
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  EXPECT_NE(ini->Get("program:slappart1_web-on-watch", "environment").find("SLAPOS_PROGRAM_DIGEST=\"" +
                                                                          Md5Hex("#!/bin/sh\nexec web --name a\n")),
            std::string::npos)
      << text;
  // Same content: same text (the supervisor sees no change); new content: a different section.
  auto same = ListPartitionPrograms("slappart1", dir.path(), "slapuser1");
  EXPECT_EQ(PartitionSupervisorConfig(*same), text);
  ASSERT_TRUE(WriteFileAtomic(dir.Join("etc/service/web"), "#!/bin/sh\nexec web --name b\n", 0755).ok());
  auto after = ListPartitionPrograms("slappart1", dir.path(), "slapuser1");
  EXPECT_NE(PartitionSupervisorConfig(*after), text);
}

}  // namespace
}  // namespace slapos::node
