// LoadConfig through a ConfigCache (the supervisor's reloadConfig): the same result as a full
// parse, whatever changed between two loads.
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdio>

#include "supervise/config.h"
#include "util/file.h"
#include "util/testing.h"

namespace slapos::supervise {
namespace {

ParseOptions Opts(const std::string& home = "/home/me") {
  ParseOptions o;
  o.use_process_env = false;
  o.env = {{"HOME", home}};
  return o;
}

std::string Part(const std::string& ref, const std::string& command) {
  return "[group:" + ref + "]\nprograms = " + ref + "_a," + ref + "_b\n[program:" + ref + "_a]\ncommand = " +
         command + "\nenvironment = H=\"%(ENV_HOME)s\"\n[program:" + ref + "_b]\ncommand = /bin/true\n";
}

// Rewrites the file in place (same inode), unlike WriteFileAtomic.
bool WriteInPlace(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

// Every group's fingerprint, in order: what reloadConfig compares.
std::vector<std::string> Prints(const Config& c) {
  std::vector<std::string> out;
  for (const GroupConfig& g : c.groups) out.push_back(g.Fingerprint());
  return out;
}

class ConfigCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeDirs(dir_.Join("conf.d")).ok());
    ASSERT_TRUE(WriteFileAtomic(main_, "[supervisord]\nlogfile = NONE\n[include]\nfiles = conf.d/*.conf\n").ok());
    for (int i = 0; i < 5; ++i) Write("p" + std::to_string(i), Part("p" + std::to_string(i), "/bin/sleep " + std::to_string(i)));
  }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(dir_.Join("conf.d/" + name + ".conf"), text).ok());
  }
  // Loads through the cache and checks the result against a load without it.
  Config LoadBoth(const ParseOptions& o = Opts()) {
    auto cached = LoadConfig(main_, o, &cache_);
    auto full = LoadConfig(main_, o);
    EXPECT_TRUE(cached.ok()) << cached.status().ToString();
    EXPECT_TRUE(full.ok()) << full.status().ToString();
    if (!cached.ok() || !full.ok()) return Config{};
    EXPECT_EQ(Prints(*cached), Prints(*full));
    EXPECT_EQ(cached->files, full->files);
    return std::move(*cached);
  }

  testing::TempDir dir_;
  std::string main_ = dir_.Join("sv.conf");
  ConfigCache cache_;
};

TEST_F(ConfigCacheTest, UnchangedFilesAreNotParsedAgain) {
  Config first = LoadBoth();
  EXPECT_EQ(first.groups.size(), 5u);
  EXPECT_EQ(cache_.parses(), 5u);  // the included files; the main file is never cached
  EXPECT_EQ(cache_.hits(), 0u);
  EXPECT_EQ(cache_.size(), 5u);
  Config second = LoadBoth();
  EXPECT_EQ(cache_.parses(), 5u);
  EXPECT_EQ(cache_.hits(), 5u);
  EXPECT_EQ(Prints(first), Prints(second));
}

TEST_F(ConfigCacheTest, AChangedFileIsReadAgainEvenWithTheSameSizeAndTimes) {
  LoadBoth();
  std::string path = dir_.Join("conf.d/p2.conf");
  struct stat before{};
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  // Same length, rewritten in place, times put back: only the content tells.
  ASSERT_TRUE(WriteInPlace(path, Part("p2", "/bin/sleep 9")));
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  Config c = LoadBoth();
  const GroupConfig* g = c.FindGroup("p2");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->processes.at(0).command, "/bin/sleep 9");
  EXPECT_EQ(cache_.parses(), 6u);
  EXPECT_EQ(cache_.hits(), 4u);
}

TEST_F(ConfigCacheTest, RecentlyWrittenFilesAreReadAgain) {
  // Files written less than a second before a load may change again in the same ctime tick:
  // their identity is not trusted, so the next load reads (and hashes) them again.
  LoadBoth();
  EXPECT_EQ(cache_.reads(), 5u);
  LoadBoth();
  EXPECT_EQ(cache_.reads(), 10u);
  EXPECT_EQ(cache_.parses(), 5u);
  EXPECT_EQ(cache_.hits(), 5u);
}

TEST_F(ConfigCacheTest, FilesWithATrustedIdentityAreNotReadAgain) {
  cache_.SetTrustMarginForTest(-1000000000000LL);  // as if every file were old
  LoadBoth();
  EXPECT_EQ(cache_.reads(), 5u);
  LoadBoth();
  EXPECT_EQ(cache_.reads(), 5u);  // no file read: stat() answered
  EXPECT_EQ(cache_.hits(), 5u);
  // A rewrite (new inode, new times) is seen, and only that file is read.
  Write("p3", Part("p3", "/bin/sleep 33"));
  Config c = LoadBoth();
  EXPECT_EQ(cache_.reads(), 6u);
  EXPECT_EQ(cache_.parses(), 6u);
  const GroupConfig* g = c.FindGroup("p3");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->processes.at(0).command, "/bin/sleep 33");
  // (A rewrite in place within the same ctime tick is the case the one-second margin is for:
  // AChangedFileIsReadAgainEvenWithTheSameSizeAndTimes runs under the default margin.)
}

TEST_F(ConfigCacheTest, ARemovedFileRemovesItsGroupAndEntry) {
  LoadBoth();
  ASSERT_TRUE(RemoveAll(dir_.Join("conf.d/p3.conf")).ok());
  Config c = LoadBoth();
  EXPECT_EQ(c.FindGroup("p3"), nullptr);
  EXPECT_EQ(c.groups.size(), 4u);
  EXPECT_EQ(cache_.size(), 4u);
}

TEST_F(ConfigCacheTest, GroupsJoinProgramsOfOtherFiles) {
  Write("zgroup", "[group:cross]\nprograms = solo\n");
  Write("solo", "[program:solo]\ncommand = /bin/echo one\n");
  Config c = LoadBoth();
  ASSERT_NE(c.FindGroup("cross"), nullptr);
  EXPECT_EQ(c.FindGroup("solo"), nullptr);  // claimed by the group of another file
  Write("solo", "[program:solo]\ncommand = /bin/echo two\n");
  c = LoadBoth();
  ASSERT_NE(c.FindGroup("cross"), nullptr);
  EXPECT_EQ(c.FindGroup("cross")->processes.at(0).command, "/bin/echo two");
  ASSERT_TRUE(RemoveAll(dir_.Join("conf.d/zgroup.conf")).ok());
  c = LoadBoth();  // the program is its own group again
  ASSERT_NE(c.FindGroup("solo"), nullptr);
  EXPECT_EQ(c.FindGroup("solo")->processes.at(0).group, "solo");
}

TEST_F(ConfigCacheTest, ErrorsAcrossFilesStillFound) {
  LoadBoth();
  Write("dup", "[program:p1_a]\ncommand = /bin/true\n");  // p1_a is defined in p1.conf
  auto r = LoadConfig(main_, Opts(), &cache_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("already defined at " + dir_.Join("conf.d/")), std::string::npos)
      << r.status().message();
  ASSERT_TRUE(RemoveAll(dir_.Join("conf.d/dup.conf")).ok());
  Write("p4", "[group:p4]\nprograms = p4_a, nowhere\n[program:p4_a]\ncommand = /bin/true\n");
  r = LoadConfig(main_, Opts(), &cache_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir_.Join("conf.d/p4.conf") + ":2: [group:p4] option 'programs': no [program:nowhere]"),
            std::string::npos)
      << r.status().message();
  Write("p4", "[program:p4_a]\ncommand = %(nope)s\n");
  r = LoadConfig(main_, Opts(), &cache_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir_.Join("conf.d/p4.conf") + ":2"), std::string::npos) << r.status().message();
  Write("p4", Part("p4", "/bin/true"));
  EXPECT_EQ(LoadBoth().groups.size(), 5u);
}

TEST_F(ConfigCacheTest, ANewContextParsesAgain) {
  LoadBoth(Opts("/home/a"));
  Config c = LoadBoth(Opts("/home/b"));  // %(ENV_HOME)s expands differently
  EXPECT_EQ(cache_.hits(), 0u);
  EXPECT_EQ(c.FindGroup("p0")->processes.at(0).environment.at(0).second, "/home/b");
  // The main file's [supervisord] backoff defaults are part of what programs inherit.
  ASSERT_TRUE(WriteFileAtomic(main_, "[supervisord]\nlogfile = NONE\nbackoff_max_secs = 7\n[include]\nfiles = conf.d/*.conf\n").ok());
  c = LoadBoth(Opts("/home/b"));
  EXPECT_EQ(cache_.hits(), 0u);
  EXPECT_DOUBLE_EQ(c.FindGroup("p0")->processes.at(0).backoff_max_secs, 7);
  LoadBoth(Opts("/home/b"));
  EXPECT_EQ(cache_.hits(), 5u);
}

TEST_F(ConfigCacheTest, FilesWithOtherSectionsAreNotCached) {
  Write("nested", "[include]\nfiles = more/*.ini\n");
  ASSERT_TRUE(MakeDirs(dir_.Join("conf.d/more")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.Join("conf.d/more/x.ini"), "[program:deep]\ncommand = /bin/true\n").ok());
  LoadBoth();
  EXPECT_EQ(cache_.size(), 6u);  // the five partitions and more/x.ini; not nested.conf
  ASSERT_TRUE(WriteFileAtomic(dir_.Join("conf.d/more/y.ini"), "[program:deeper]\ncommand = /bin/true\n").ok());
  Config c = LoadBoth();  // nested.conf is read again, so its glob finds y.ini
  EXPECT_NE(c.FindGroup("deeper"), nullptr);
}

}  // namespace
}  // namespace slapos::supervise
