#include "supervise/logfile.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::supervise {
namespace {

TEST(SupervisorLogFile, RotatesBySizeKeepingBackups) {
  testing::TempDir dir;
  std::string path = dir.Join("x.log");
  RotatingLog log(path, 10, 2);
  ASSERT_TRUE(log.Write("0123456789").ok());  // exactly full
  ASSERT_TRUE(log.Write("abc").ok());         // rotates first
  ASSERT_TRUE(log.Write("defghijklm").ok());  // 13 bytes: rotates again
  ASSERT_TRUE(log.Write("Z").ok());
  EXPECT_EQ(*ReadFile(path), "Z");
  EXPECT_EQ(*ReadFile(path + ".1"), "abcdefghijklm");
  EXPECT_EQ(*ReadFile(path + ".2"), "0123456789");
  ASSERT_TRUE(log.Write(std::string(20, 'q')).ok());
  ASSERT_TRUE(log.Write("n").ok());
  EXPECT_FALSE(PathExists(path + ".3"));  // only 2 backups
  EXPECT_EQ(*ReadFile(path + ".2"), "abcdefghijklm");
}

TEST(SupervisorLogFile, NoBackupsTruncatesAndZeroNeverRotates) {
  testing::TempDir dir;
  RotatingLog a(dir.Join("a.log"), 4, 0);
  ASSERT_TRUE(a.Write("1234").ok());
  ASSERT_TRUE(a.Write("5").ok());
  EXPECT_EQ(*ReadFile(dir.Join("a.log")), "5");
  RotatingLog b(dir.Join("b.log"), 0, 3);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(b.Write("xxxxxxxxxx").ok());
  EXPECT_EQ(ReadFile(dir.Join("b.log"))->size(), 1000u);
  EXPECT_FALSE(PathExists(dir.Join("b.log.1")));
  ASSERT_TRUE(b.Clear().ok());
  EXPECT_EQ(*ReadFile(dir.Join("b.log")), "");
}

TEST(SupervisorLogFile, CreatedOnFirstWriteAndClearDoesNotCreate) {
  testing::TempDir dir;
  std::string path = dir.Join("quiet.log");
  RotatingLog log(path, 100, 1);
  ASSERT_TRUE(log.Clear().ok());
  EXPECT_FALSE(PathExists(path));  // a quiet program costs no file
  ASSERT_TRUE(log.Write("x").ok());
  EXPECT_EQ(*ReadFile(path), "x");
  ASSERT_TRUE(log.Clear().ok());
  EXPECT_EQ(*ReadFile(path), "");
  ASSERT_TRUE(log.Write("y").ok());
  EXPECT_EQ(*ReadFile(path), "y");
}

TEST(SupervisorLogFile, ReadRangeHasSupervisordOffsets) {
  testing::TempDir dir;
  std::string path = dir.Join("r.log");
  ASSERT_TRUE(WriteFileAtomic(path, "hello world").ok());
  EXPECT_EQ(*ReadLogRange(path, 0, 0), "hello world");
  EXPECT_EQ(*ReadLogRange(path, 6, 0), "world");
  EXPECT_EQ(*ReadLogRange(path, 0, 5), "hello");
  EXPECT_EQ(*ReadLogRange(path, -5, 0), "world");
  EXPECT_EQ(*ReadLogRange(path, -100, 0), "hello world");
  EXPECT_EQ(*ReadLogRange(path, 100, 0), "");
  EXPECT_FALSE(ReadLogRange(path, -5, 2).ok());  // BAD_ARGUMENTS
  EXPECT_FALSE(ReadLogRange(path, 0, -1).ok());
  auto missing = ReadLogRange(dir.Join("none"), 0, 0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().rfind("NO_FILE", 0), 0u);
}

TEST(SupervisorLogFile, TailFollowsOffsetsAndReportsOverflow) {
  testing::TempDir dir;
  std::string path = dir.Join("t.log");
  RotatingLog log(path, 0, 0);
  ASSERT_TRUE(log.Write("0123456789").ok());
  TailResult t = TailLog(path, 0, 4);  // grew by more than 4: last 4 bytes, overflow
  EXPECT_EQ(t.data, "6789");
  EXPECT_EQ(t.offset, 10);
  EXPECT_TRUE(t.overflow);
  ASSERT_TRUE(log.Write("ab").ok());
  t = TailLog(path, t.offset, 4);  // supervisord's semantics: the last `length` bytes
  EXPECT_EQ(t.data, "89ab");
  EXPECT_EQ(t.offset, 12);
  EXPECT_FALSE(t.overflow);
  t = TailLog(path, t.offset, 4);
  EXPECT_EQ(t.data, "");
  EXPECT_EQ(t.offset, 12);
  t = TailLog(dir.Join("none"), 5, 4);
  EXPECT_EQ(t.data, "");
}

}  // namespace
}  // namespace slapos::supervise
