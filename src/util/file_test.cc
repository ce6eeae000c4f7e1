#include "util/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace slapos {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/slapos-file-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { RemoveAll(dir_); }
  std::string dir_;
};

TEST_F(FileTest, AtomicWriteThenRead) {
  std::string p = dir_ + "/a/b/c.txt";
  ASSERT_TRUE(MakeDirs(Dirname(p)).ok());
  ASSERT_TRUE(WriteFileAtomic(p, "hello", 0600).ok());
  auto r = ReadFile(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello");
  struct stat st;
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(WriteFileAtomic(p, "again").ok());
  EXPECT_EQ(*ReadFile(p), "again");
}

TEST_F(FileTest, MissingFileIsAClearError) {
  auto r = ReadFile(dir_ + "/nope");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot open " + dir_ + "/nope"), std::string::npos);
}

TEST(Path, JoinAndDirname) {
  EXPECT_EQ(JoinPath("/srv", "slappart0"), "/srv/slappart0");
  EXPECT_EQ(JoinPath("/srv/", "x"), "/srv/x");
  EXPECT_EQ(JoinPath("/srv", "/abs"), "/abs");
  EXPECT_EQ(Dirname("/a/b"), "/a");
  EXPECT_EQ(Dirname("b"), ".");
}

}  // namespace
}  // namespace slapos
