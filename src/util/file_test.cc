#include "util/file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

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

TEST_F(FileTest, UnsyncedWriteCreatesAndReplaces) {
  std::string p = dir_ + "/state.cfg";
  ASSERT_TRUE(WriteFileUnsynced(p, "first", 0600).ok());
  EXPECT_EQ(*ReadFile(p), "first");
  struct stat st;
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ino_t first_inode = st.st_ino;
  ASSERT_TRUE(WriteFileUnsynced(p, "second, longer", 0640).ok());
  EXPECT_EQ(*ReadFile(p), "second, longer");
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_NE(st.st_ino, first_inode);  // a new file took the name; the old one is gone
  // Nothing but the file is left in the directory (no temporary, no replaced copy).
  auto listing = std::vector<std::string>{};
  for (const auto& e : std::filesystem::directory_iterator(dir_)) listing.push_back(e.path().filename());
  EXPECT_EQ(listing, std::vector<std::string>{"state.cfg"});
  EXPECT_TRUE(SyncUnsyncedWrites().ok());
}

TEST_F(FileTest, UnsyncedWriteKeepsAReaderOnTheOldText) {
  std::string p = dir_ + "/f";
  ASSERT_TRUE(WriteFileUnsynced(p, "old").ok());
  int fd = open(p.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteFileUnsynced(p, "new").ok());
  char buf[8] = {};
  EXPECT_EQ(read(fd, buf, sizeof buf), 3);
  EXPECT_STREQ(buf, "old");
  close(fd);
  EXPECT_EQ(*ReadFile(p), "new");
}

TEST_F(FileTest, UnsyncedWriteOverADirectoryFailsAndLeavesIt) {
  std::string p = dir_ + "/d";
  ASSERT_TRUE(MakeDirs(p + "/inside").ok());
  Status s = WriteFileUnsynced(p, "text");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot rename"), std::string::npos) << s.message();
  EXPECT_TRUE(IsDirectory(p + "/inside"));
  EXPECT_FALSE(PathExists(p + ".tmp." + std::to_string(getpid())));
}

TEST_F(FileTest, UnsyncedWriteReplacesASymlinkNotItsTarget) {
  std::string target = dir_ + "/target", link = dir_ + "/link";
  ASSERT_TRUE(WriteFileUnsynced(target, "kept").ok());
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  ASSERT_TRUE(WriteFileUnsynced(link, "file now").ok());
  struct stat st;
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(*ReadFile(link), "file now");
  EXPECT_EQ(*ReadFile(target), "kept");
}

TEST_F(FileTest, SyncUnsyncedWritesSkipsFilesRemovedSince) {
  ASSERT_TRUE(WriteFileUnsynced(dir_ + "/kept", "k").ok());
  ASSERT_TRUE(WriteFileUnsynced(dir_ + "/gone", "g").ok());
  ASSERT_EQ(unlink((dir_ + "/gone").c_str()), 0);
  EXPECT_TRUE(SyncUnsyncedWrites().ok());
  EXPECT_TRUE(SyncUnsyncedWrites().ok());  // nothing left to sync
  EXPECT_EQ(*ReadFile(dir_ + "/kept"), "k");
}

TEST_F(FileTest, RewriterReusesOneTemporaryAndRemovesIt) {
  std::string p = dir_ + "/.installed.cfg";
  std::string tmp = p + ".tmp." + std::to_string(getpid());
  ASSERT_TRUE(WriteFileAtomic(p, "previous run, a long text").ok());
  {
    FileRewriter w(p, 0640);
    ASSERT_TRUE(w.Write("one").ok());
    EXPECT_EQ(*ReadFile(p), "one");
    EXPECT_EQ(*ReadFile(tmp), "previous run, a long text");  // kept for the next write
    struct stat st;
    ASSERT_EQ(stat(tmp.c_str(), &st), 0);
    ino_t kept = st.st_ino;
    ASSERT_TRUE(w.Write("two, longer than one").ok());
    EXPECT_EQ(*ReadFile(p), "two, longer than one");
    ASSERT_EQ(stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_ino, kept);  // the kept temporary was rewritten in place and swapped in
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    ASSERT_TRUE(w.Write("3").ok());  // shorter: the old tail is cut
    EXPECT_EQ(*ReadFile(p), "3");
  }
  EXPECT_FALSE(PathExists(tmp));  // removed with the rewriter
  EXPECT_EQ(*ReadFile(p), "3");
}

TEST_F(FileTest, RewriterOfANewFileLeavesNoTemporary) {
  std::string p = dir_ + "/state";
  {
    FileRewriter w(p);
    ASSERT_TRUE(w.Write("first").ok());  // nothing to swap with: renamed into place
    ASSERT_TRUE(w.Write("second").ok());
    // The temporary went missing meanwhile (e.g. removed by hand): a new one is made.
    ASSERT_EQ(unlink((p + ".tmp." + std::to_string(getpid())).c_str()), 0);
    ASSERT_TRUE(w.Write("third").ok());
    EXPECT_EQ(*ReadFile(p), "third");
  }
  auto listing = std::vector<std::string>{};
  for (const auto& e : std::filesystem::directory_iterator(dir_)) listing.push_back(e.path().filename());
  EXPECT_EQ(listing, std::vector<std::string>{"state"});
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
