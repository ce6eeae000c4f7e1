#include "node/destroy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

TEST(NodeDestroyTest, RetentionRule) {
  // No files, or a delay <= 0: destroy now.
  EXPECT_TRUE(CheckRetention(std::nullopt, std::nullopt, 1000).allowed);
  EXPECT_TRUE(CheckRetention(0.0, std::nullopt, 1000).allowed);
  EXPECT_TRUE(CheckRetention(-1.0, std::nullopt, 1000).allowed);
  // A delay and no date yet: the first attempt arms the lock and keeps the data.
  auto first = CheckRetention(2.0, std::nullopt, 1000);
  EXPECT_FALSE(first.allowed);
  ASSERT_TRUE(first.arm_lock_date);
  EXPECT_DOUBLE_EQ(*first.arm_lock_date, 1000 + 2 * 86400);
  // The date decides afterwards, whatever the delay says.
  auto before = CheckRetention(2.0, 1000.0 + 2 * 86400, 1000 + 86400);
  EXPECT_FALSE(before.allowed);
  EXPECT_FALSE(before.arm_lock_date);
  EXPECT_TRUE(CheckRetention(2.0, 5000.0, 5000).allowed);
  EXPECT_TRUE(CheckRetention(std::nullopt, 5000.0, 6000).allowed);
  EXPECT_FALSE(CheckRetention(0.0, 5000.0, 4000).allowed);
}

TEST(NodeDestroyTest, BadRetentionFileIsAnErrorNamingIt) {
  testing::TempDir dir("destroy-bad");
  ASSERT_TRUE(WriteFileAtomic(dir.Join(kRetentionDelayFile), "two days\n").ok());
  auto f = ReadRetentionFiles(dir.path());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find(kRetentionDelayFile), std::string::npos) << f.status().message();
  ASSERT_TRUE(WriteFileAtomic(dir.Join(kRetentionDelayFile), " 1.5\n").ok());
  f = ReadRetentionFiles(dir.path());
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_DOUBLE_EQ(*f->delay_days, 1.5);
  EXPECT_FALSE(f->lock_date);

  // DestroyPartition refuses and leaves everything.
  ASSERT_TRUE(WriteFileAtomic(dir.Join(kRetentionDateFile), "soon").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("data"), "keep").ok());
  FakeEnv env;
  DestroyOptions o;
  o.reference = "slappart0";
  o.path = dir.path();
  EXPECT_FALSE(DestroyPartition(o, env).ok());
  EXPECT_TRUE(PathExists(dir.Join("data")));
}

TEST(NodeDestroyTest, EmptiesEverythingButKeepsDirectoryAndResource) {
  testing::TempDir root("destroy-empty");
  std::string p = root.Join("slappart3");
  ASSERT_TRUE(MakeDirs(p + "/etc/run").ok());
  ASSERT_TRUE(MakeDirs(p + "/srv/locked/deep").ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/srv/locked/deep/f", "x").ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/.timestamp", "123").ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/.slapos-resource", "{\"reference\": \"slappart3\"}", 0644).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("outside"), "survives").ok());
  ASSERT_EQ(symlink(root.Join("outside").c_str(), (p + "/link").c_str()), 0);
  ASSERT_EQ(chmod((p + "/srv/locked").c_str(), 0500), 0);  // an instance left it read-only
  ASSERT_EQ(chmod(p.c_str(), 0700), 0);

  FakeEnv env;
  DestroyOptions o;
  o.reference = "slappart3";
  o.path = p;
  auto r = DestroyPartition(o, env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->destroyed);
  EXPECT_TRUE(IsDirectory(p));
  EXPECT_FALSE(PathExists(p + "/etc"));
  EXPECT_FALSE(PathExists(p + "/srv"));
  EXPECT_FALSE(PathExists(p + "/.timestamp"));
  EXPECT_FALSE(PathExists(p + "/link"));
  EXPECT_EQ(*ReadFile(p + "/.slapos-resource"), "{\"reference\": \"slappart3\"}");
  EXPECT_EQ(*ReadFile(root.Join("outside")), "survives");  // symlink removed, not followed
  struct stat st{};
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
}

TEST(NodeDestroyTest, RetentionDelayArmsLockThenDestroysAfterTheDate) {
  testing::TempDir dir("destroy-retention");
  ASSERT_TRUE(WriteFileAtomic(dir.Join(kRetentionDelayFile), "1").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("database"), "precious").ok());
  FakeEnv env(1'700'000'000LL * 1'000'000);
  DestroyOptions o;
  o.reference = "slappart1";
  o.path = dir.path();
  auto first = DestroyPartition(o, env);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->destroyed);
  EXPECT_EQ(*ReadFile(dir.Join("database")), "precious");
  EXPECT_EQ(*ReadFile(dir.Join(kRetentionDateFile)), "1700086400\n");
  // Half a day later: still kept; the date is not moved.
  env.Advance(43'200LL * 1'000'000);
  auto second = DestroyPartition(o, env);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->destroyed);
  EXPECT_EQ(*ReadFile(dir.Join(kRetentionDateFile)), "1700086400\n");
  // After the date: gone.
  env.Advance(43'200LL * 1'000'000);
  auto third = DestroyPartition(o, env);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->destroyed);
  EXPECT_FALSE(PathExists(dir.Join("database")));
  EXPECT_FALSE(PathExists(dir.Join(kRetentionDateFile)));
}

TEST(NodeDestroyTest, DestroyHookRunsFirstAndItsFailureKeepsData) {
  testing::TempDir root("destroy-hook");
  std::string p = root.Join("slappart2");
  ASSERT_TRUE(MakeDirs(p + "/sbin").ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/sbin/destroy", "#!/bin/sh\necho cannot unmount >&2\nexit 3\n", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/data", "x").ok());
  FakeEnv env;
  DestroyOptions o;
  o.reference = "slappart2";
  o.path = p;
  auto r = DestroyPartition(o, env);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot unmount"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("exit code 3"), std::string::npos) << r.status().message();
  EXPECT_TRUE(PathExists(p + "/data"));

  // A working hook runs in the partition directory, before the removal (it still sees data).
  ASSERT_TRUE(WriteFileAtomic(p + "/sbin/destroy", "#!/bin/sh\n{ pwd; ls data; } > " + root.Join("hook-ran") + "\n",
                              0755)
                  .ok());
  auto ok = DestroyPartition(o, env);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->destroyed);
  auto ran = ReadFile(root.Join("hook-ran"));
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, p + "\ndata\n");
  EXPECT_FALSE(PathExists(p + "/sbin"));
  EXPECT_FALSE(PathExists(p + "/data"));
}

TEST(NodeDestroyTest, ExternalStorageAndCertificatesGoToo) {
  testing::TempDir root("destroy-ext");
  std::string p = root.Join("slappart5");
  ASSERT_TRUE(MakeDirs(p).ok());
  ASSERT_TRUE(MakeDirs(root.Join("storage/data1/slappart5/sub")).ok());
  ASSERT_TRUE(MakeDirs(root.Join("storage/data1/slappart6")).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("storage/data1/slappart5/sub/big"), "x").ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("storage/data1/slappart6/other"), "y").ok());
  ASSERT_TRUE(MakeDirs(root.Join("pki")).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("pki/slappart5.crt"), "c").ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("pki/slappart5.key"), "k").ok());
  FakeEnv env;
  DestroyOptions o;
  o.reference = "slappart5";
  o.path = p;
  o.instance_storage_home = root.Join("storage");
  o.certificate_repository_path = root.Join("pki");
  auto r = DestroyPartition(o, env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(IsDirectory(root.Join("storage/data1/slappart5")));
  EXPECT_FALSE(PathExists(root.Join("storage/data1/slappart5/sub")));
  EXPECT_TRUE(PathExists(root.Join("storage/data1/slappart6/other")));
  EXPECT_FALSE(PathExists(root.Join("pki/slappart5.crt")));
  EXPECT_FALSE(PathExists(root.Join("pki/slappart5.key")));
}

}  // namespace
}  // namespace slapos::node
