#include "node/usage.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

void FakeProcess(const testing::TempDir& proc, int pid, int uid, const std::string& comm, long utime, long stime,
                 long rss_pages) {
  std::string dir = proc.Join(std::to_string(pid));
  ASSERT_TRUE(MakeDirs(dir).ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/status", "Name:\tx\nUid:\t" + std::to_string(uid) + "\t" +
                                                   std::to_string(uid) + "\t0\t0\nGid:\t0\n")
                  .ok());
  std::string stat = std::to_string(pid) + " (" + comm + ") S 1 1 1 0 -1 4194560 100 0 0 0 " +
                     std::to_string(utime) + " " + std::to_string(stime) +
                     " 0 0 20 0 1 0 100 1000000 " + std::to_string(rss_pages) + " 18446744073709551615 0 0\n";
  ASSERT_TRUE(WriteFileAtomic(dir + "/stat", stat).ok());
}

TEST(UsageTest, ProcessTotalsPerUser) {
  testing::TempDir proc("fake-proc");
  double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  long page = sysconf(_SC_PAGESIZE);
  FakeProcess(proc, 10, 1001, "httpd", 100, 50, 10);
  FakeProcess(proc, 11, 1001, "a (weird) name", 10, 0, 5);
  FakeProcess(proc, 12, 1002, "sh", 1, 1, 1);
  ASSERT_TRUE(MakeDirs(proc.Join("self")).ok());  // not a pid
  ASSERT_TRUE(MakeDirs(proc.Join("13")).ok());    // vanished process: no files
  auto t = ReadProcessTotals(proc.path());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[1001].processes, 2);
  EXPECT_DOUBLE_EQ((*t)[1001].cpu_seconds, 160 / tick);
  EXPECT_EQ((*t)[1001].memory_bytes, 15 * page);
  EXPECT_EQ((*t)[1002].processes, 1);
}

TEST(UsageTest, RealProcOfThisProcess) {
  auto t = ReadProcessTotals();
  ASSERT_TRUE(t.ok());
  auto it = t->find(getuid());
  ASSERT_NE(it, t->end());
  EXPECT_GE(it->second.processes, 1);
  EXPECT_GT(it->second.memory_bytes, 0);
}

TEST(UsageTest, DiskUsageCountsHardLinksOnce) {
  testing::TempDir dir("usage-disk");
  ASSERT_TRUE(MakeDirs(dir.Join("a/b")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("a/b/big"), std::string(1 << 20, 'x')).ok());
  auto one = DiskUsage(dir.path());
  ASSERT_TRUE(one.ok());
  EXPECT_GE(*one, 1 << 20);
  ASSERT_EQ(link(dir.Join("a/b/big").c_str(), dir.Join("a/hard").c_str()), 0);
  ASSERT_EQ(symlink("/usr", dir.Join("a/link").c_str()), 0);
  auto two = DiskUsage(dir.path());
  ASSERT_TRUE(two.ok());
  EXPECT_LT(*two, *one + 64 * 1024);  // neither the hard link nor /usr counted again
  EXPECT_FALSE(DiskUsage(dir.Join("nope")).ok());
}

TEST(UsageTest, MeasureAndCollectFiles) {
  testing::TempDir root("usage-root");
  std::string part = root.Join("slappart0");
  ASSERT_TRUE(MakeDirs(part + "/var/xml_report").ok());
  ASSERT_TRUE(MakeDirs(root.Join("var/xml_report/slappart0")).ok());
  ASSERT_TRUE(WriteFileAtomic(part + "/var/xml_report/b.xml", "<consumption/>").ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("var/xml_report/slappart0/a.xml"), "<consumption>x</consumption>").ok());
  auto files = CollectUsageFiles(part, root.path(), "slappart0");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].content, "<consumption/>");
  EXPECT_EQ((*files)[1].path, root.Join("var/xml_report/slappart0/a.xml"));
  auto usage = MeasurePartitions({{"slappart0", part, getuid()}});
  ASSERT_TRUE(usage.ok());
  ASSERT_EQ(usage->size(), 1u);
  EXPECT_GT((*usage)[0].disk_bytes, 0);
  if (getuid() != 0) {
    EXPECT_GE((*usage)[0].processes, 1);  // uid 0 is never a partition
  }
}

}  // namespace
}  // namespace slapos::node
