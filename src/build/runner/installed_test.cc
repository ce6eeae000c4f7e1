#include "build/runner/installed.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::build::runner {
namespace {

TEST(RunnerInstalledState, RoundTripKeepsValuesExactly) {
  slapos::testing::TempDir dir;
  InstalledState s;
  s.parts = {"b", "a"};
  s.installed["a"].options = {{"recipe", "x:y"}, {"multi", "  lead\n\n  indented\ntrail  "}, {"empty", ""}};
  s.installed["a"].paths = {"/p/a", "/p/a2"};
  s.installed["b"].options = {{"recipe", "x:z"}, {"k +", "quirk key"}};
  std::string path = dir.Join(".installed.cfg");
  ASSERT_TRUE(WriteFileAtomic(path, FormatInstalled(s)).ok());
  Result<InstalledState> r = ReadInstalled(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->parts, s.parts);
  EXPECT_EQ(r->installed["a"].options, s.installed["a"].options);
  EXPECT_EQ(r->installed["a"].paths, s.installed["a"].paths);
  EXPECT_EQ(r->installed["b"].options, s.installed["b"].options);
  EXPECT_TRUE(r->installed["b"].paths.empty());
}

TEST(RunnerInstalledState, MissingFileIsEmptyAndGarbageIsCorruption) {
  slapos::testing::TempDir dir;
  Result<InstalledState> r = ReadInstalled(dir.Join("none.cfg"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->parts.empty());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("bad.cfg"), "[buildout]\nparts = a\nnonsense\n").ok());
  r = ReadInstalled(dir.Join("bad.cfg"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), dir.Join("bad.cfg") +
                                      ":3: cannot parse line 'nonsense'; delete the file to reinstall every part");
}

}  // namespace
}  // namespace slapos::build::runner
