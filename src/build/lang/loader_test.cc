#include "build/lang/loader.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::build::lang {
namespace {

using slapos::testing::TempDir;

class ProfileLoader : public ::testing::Test {
 protected:
  void Write(const std::string& rel, const std::string& text) {
    std::string p = dir_.Join(rel);
    ASSERT_TRUE(MakeDirs(Dirname(p)).ok());
    ASSERT_TRUE(WriteFileAtomic(p, text).ok());
  }
  RawConfig Load(const std::string& rel, LoadOptions o = {}) {
    Result<RawConfig> r = LoadProfile(dir_.Join(rel), o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RawConfig{};
  }
  static std::string V(const RawConfig& c, const std::string& s, const std::string& k) {
    auto sec = c.sections.find(s);
    if (sec == c.sections.end()) return "<no section>";
    auto o = sec->second.options.find(k);
    return o == sec->second.options.end() ? "<no option>" : o->second.value;
  }
  TempDir dir_{"slapos-profile-test"};
};

TEST_F(ProfileLoader, ExtendsOrderOwnFileWinsLaterExtendsWin) {
  Write("base.cfg", "[s]\na = base\nb = base\nc = base\n");
  Write("e1.cfg", "[buildout]\nextends = base.cfg\n[s]\na = e1\nb = e1\n");
  Write("e2.cfg", "[s]\nb = e2\n");
  Write("root.cfg", "[buildout]\nextends = e1.cfg\n  e2.cfg\n[s]\nc = root\n");
  RawConfig c = Load("root.cfg");
  EXPECT_EQ(V(c, "s", "a"), "e1");
  EXPECT_EQ(V(c, "s", "b"), "e2");
  EXPECT_EQ(V(c, "s", "c"), "root");
  EXPECT_EQ(V(c, "buildout", "extends"), "<no option>");
  EXPECT_EQ(c.sections.at("s").options.at("b").origin.ToString(), dir_.Join("e2.cfg") + ":2");
}

TEST_F(ProfileLoader, RelativeExtendsAreRelativeToTheIncludingFile) {
  Write("lowest.cfg", "[s]\nx = top-lowest\n");
  Write("sub/lowest.cfg", "[s]\nx = sub-lowest\n");
  Write("sub/lower.cfg", "[buildout]\nextends = lowest.cfg\n");
  Write("root.cfg", "[buildout]\nextends = sub/lower.cfg\n");
  EXPECT_EQ(V(Load("root.cfg"), "s", "x"), "sub-lowest");
}

TEST_F(ProfileLoader, DiamondLaterBranchOverrides) {
  Write("base.cfg", "[s]\nl = a\n");
  Write("left.cfg", "[buildout]\nextends = base.cfg\n[s]\nl += left\n");
  Write("right.cfg", "[buildout]\nextends = base.cfg\n[s]\nl += right\n");
  Write("root.cfg", "[buildout]\nextends = left.cfg right.cfg\n");
  EXPECT_EQ(V(Load("root.cfg"), "s", "l"), "a\nright");
}

TEST_F(ProfileLoader, PlusEqualsAndMinusEquals) {
  Write("base.cfg", "[buildout]\nparts =\n[s]\nlist = a\n  b\n  c\nwords = p0 p1\n");
  Write("root.cfg",
        "[buildout]\nextends = base.cfg\nparts += p1\n"
        "[s]\nlist += d\nlist -= b\nwords -= p0\nnew += x\n");
  RawConfig c = Load("root.cfg");
  EXPECT_EQ(V(c, "buildout", "parts"), "\np1");  // empty base: leading empty line
  EXPECT_EQ(V(c, "s", "list"), "a\nc\nd");       // += before -=
  EXPECT_EQ(V(c, "s", "words"), "p0 p1");        // per line, not per word
  EXPECT_EQ(V(c, "s", "new"), "\nx");
  EXPECT_EQ(V(c, "s", "list +"), "<no option>");
}

TEST_F(ProfileLoader, PlusEqualsUsesThePlainValueOfTheSameFile) {
  Write("base.cfg", "[s]\nv = lower\n");
  Write("root.cfg", "[buildout]\nextends = base.cfg\n[s]\nv = own\nv += more\n");
  EXPECT_EQ(V(Load("root.cfg"), "s", "v"), "own\nmore");
}

TEST_F(ProfileLoader, QuirkOperatorsStayLiteralInARootOnlySection) {
  Write("root.cfg", "[buildout]\nparts = a\nparts += b\n[x]\nn += 1\nc++ = 2\n");
  RawConfig c = Load("root.cfg");
  EXPECT_EQ(V(c, "buildout", "parts"), "a\nb");  // [buildout] always merges over defaults
  EXPECT_EQ(V(c, "x", "n +"), "1");
  EXPECT_EQ(V(c, "x", "c++"), "2");
  EXPECT_EQ(V(c, "x", "n"), "<no option>");
}

TEST_F(ProfileLoader, KeyEndingInPlusIsAnAdditionWhenMerged) {
  Write("base.cfg", "[x]\nc = 1\n");
  Write("root.cfg", "[buildout]\nextends = base.cfg\n[x]\nc++ = 2\n");
  EXPECT_EQ(V(Load("root.cfg"), "x", "c"), "1\n2");
}

TEST_F(ProfileLoader, ProfileBaseLocationIsBoundToTheFileOfTheLine) {
  Write("stack/macro.cfg", "[tpl]\nurl = ${:_profile_base_location_}/${:filename}\nlit = $${:_profile_base_location_}\n");
  Write("root.cfg", "[buildout]\nextends = stack/macro.cfg\n[use]\n<= tpl\nfilename = x.in\n");
  RawConfig c = Load("root.cfg");
  EXPECT_EQ(V(c, "tpl", "url"), dir_.Join("stack") + "/${:filename}");
  EXPECT_EQ(V(c, "tpl", "lit"), "$${:_profile_base_location_}");
  EXPECT_EQ(V(c, "tpl", "_profile_base_location_"), dir_.Join("stack"));
  EXPECT_EQ(V(c, "use", "_profile_base_location_"), dir_.path());
}

TEST_F(ProfileLoader, DefaultsAndDirectories) {
  Write("root.cfg", "[buildout]\nbin-directory = sbin\neggs-directory = ../eggs\n");
  RawConfig c = Load("root.cfg");
  EXPECT_EQ(V(c, "buildout", "directory"), dir_.path());
  EXPECT_EQ(V(c, "buildout", "parts-directory"), dir_.Join("parts"));
  EXPECT_EQ(V(c, "buildout", "bin-directory"), dir_.Join("sbin"));
  EXPECT_EQ(V(c, "buildout", "eggs-directory"), dir_.Join("../eggs"));
  EXPECT_EQ(V(c, "buildout", "installed"), ".installed.cfg");
  EXPECT_EQ(c.sections.at("buildout").options.at("installed").origin.ToString(), "DEFAULT_VALUE");
}

TEST_F(ProfileLoader, OverridesAndExtraSections) {
  Write("root.cfg", "[buildout]\nparts = a\n[s]\nx = file\n");
  LoadOptions o;
  o.overrides = {"s:x=cli", "parts+=b", "t:y = new"};
  o.extra_sections["slap-connection"]["computer-id"] = "COMP-1";
  o.extra_sections["s"]["x"] = "extra";
  RawConfig c = Load("root.cfg", o);
  EXPECT_EQ(V(c, "s", "x"), "cli");
  EXPECT_EQ(V(c, "buildout", "parts"), "a\nb");
  EXPECT_EQ(V(c, "t", "y"), "new");
  EXPECT_EQ(V(c, "slap-connection", "computer-id"), "COMP-1");
  Result<RawConfig> bad = ParseOverride("novalue");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "bad option override 'novalue': expected section:option=value");
}

TEST_F(ProfileLoader, CommandLineExtendsLoadsFilesOverTheProfile) {
  Write("root.cfg", "[s]\nx = root\ny = root\n");
  Write("over.cfg", "[s]\nx = over\n");
  LoadOptions o;
  o.overrides = {"buildout:extends=" + dir_.Join("over.cfg")};
  RawConfig c = Load("root.cfg", o);
  EXPECT_EQ(V(c, "s", "x"), "over");
  EXPECT_EQ(V(c, "s", "y"), "root");
}

TEST_F(ProfileLoader, MissingExtendsFileNamesFileLineAndOption) {
  Write("root.cfg", "[buildout]\nparts =\nextends = missing.cfg\n");
  Result<RawConfig> r = LoadProfile(dir_.Join("root.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), dir_.Join("root.cfg") + ":3: extends: cannot open 'missing.cfg' (" +
                                      dir_.Join("missing.cfg") + "): No such file or directory");
}

TEST_F(ProfileLoader, MissingRootProfile) {
  Result<RawConfig> r = LoadProfile(dir_.Join("nope.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(StartsWith(r.status().message(), "cannot read profile '" + dir_.Join("nope.cfg") + "'"))
      << r.status().message();
}

TEST_F(ProfileLoader, RecursiveIncludeIsAnError) {
  Write("a.cfg", "[buildout]\nextends = b.cfg\n");
  Write("b.cfg", "[buildout]\nextends = a.cfg\n");
  Result<RawConfig> r = LoadProfile(dir_.Join("a.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), dir_.Join("b.cfg") + ":2: extends: Recursive file include: " +
                                      dir_.Join("a.cfg") + " -> " + dir_.Join("b.cfg") + " -> " +
                                      dir_.Join("a.cfg"));
}

TEST_F(ProfileLoader, ParseErrorsOfAnExtendedFileNameThatFile) {
  Write("bad.cfg", "[s\n");
  Write("root.cfg", "[buildout]\nextends = bad.cfg\n");
  Result<RawConfig> r = LoadProfile(dir_.Join("root.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(StartsWith(r.status().message(), dir_.Join("bad.cfg") + ":1: bad section header '[s'"))
      << r.status().message();
}

TEST_F(ProfileLoader, FileUrlExtends) {
  Write("base.cfg", "[s]\nx = from-file-url\n");
  Write("root.cfg", "[buildout]\nextends = file://" + dir_.Join("base.cfg") + "\n");
  EXPECT_EQ(V(Load("root.cfg"), "s", "x"), "from-file-url");
}

// Remote extends through a real HTTP server.
class ProfileLoaderHttp : public ProfileLoader {
 protected:
  void SetUp() override {
    port_ = slapos::testing::PickFreePort();
    Write("www/stack/base.cfg", "[s]\nbase = ${:_profile_base_location_}/b\nfrom = base\n");
    Write("www/stack/top.cfg", "[buildout]\nextends = base.cfg\n[s]\nfrom = top\n");
    server_ = std::make_unique<slapos::testing::ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "http.server", std::to_string(port_), "--bind",
                                 "127.0.0.1", "--directory", dir_.Join("www")},
        dir_.Join("http.log"));
    ASSERT_TRUE(slapos::testing::WaitFor(
        [&] { return FetchOk(Url("stack/base.cfg")); }, 10));
  }
  static bool FetchOk(const std::string& url);
  std::string Url(const std::string& rel) { return "http://127.0.0.1:" + std::to_string(port_) + "/" + rel; }
  int port_ = 0;
  std::unique_ptr<slapos::testing::ChildProcess> server_;
};

}  // namespace
}  // namespace slapos::build::lang

#include "build/lang/fetch.h"

namespace slapos::build::lang {
namespace {

bool ProfileLoaderHttp::FetchOk(const std::string& url) { return FetchUrl(url, 2, 1).ok(); }

TEST_F(ProfileLoaderHttp, RemoteExtendsResolveRelativeNamesAgainstTheUrl) {
  Write("root.cfg", "[buildout]\nextends-cache = cache\nextends = " + Url("stack/top.cfg") + "\n");
  RawConfig c = Load("root.cfg");
  EXPECT_EQ(V(c, "s", "from"), "top");
  EXPECT_EQ(V(c, "s", "base"), Url("stack") + "/b");
  EXPECT_TRUE(PathExists(dir_.Join("cache/" + Md5Hex(Url("stack/top.cfg")))));
  EXPECT_TRUE(PathExists(dir_.Join("cache/" + Md5Hex(Url("stack/base.cfg")))));

  // Offline: served from the extends cache even with the server gone.
  server_.reset();
  LoadOptions o;
  o.offline = true;
  EXPECT_EQ(V(Load("root.cfg", o), "s", "from"), "top");
}

TEST_F(ProfileLoaderHttp, OfflineWithoutCacheIsAnError) {
  Write("root.cfg", "[buildout]\noffline = true\nextends = " + Url("stack/top.cfg") + "\n");
  Result<RawConfig> r = LoadProfile(dir_.Join("root.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), dir_.Join("root.cfg") + ":3: extends: Couldn't download '" +
                                      Url("stack/top.cfg") +
                                      "' in offline mode (no extends-cache is set); run without -o / "
                                      "offline = true to fetch it");
}

TEST_F(ProfileLoaderHttp, MissingRemoteFileAndBadUrl) {
  Write("root.cfg", "[buildout]\nextends = " + Url("stack/nope.cfg") + "\n");
  Result<RawConfig> r = LoadProfile(dir_.Join("root.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), dir_.Join("root.cfg") + ":2: extends: cannot download '" +
                                      Url("stack/nope.cfg") + "': HTTP status 404");
  Write("bad.cfg", "[buildout]\nextends = htp://nowhere/x.cfg\n");
  r = LoadProfile(dir_.Join("bad.cfg"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(StartsWith(r.status().message(),
                         dir_.Join("bad.cfg") + ":2: extends: cannot download 'htp://nowhere/x.cfg': "))
      << r.status().message();
}

}  // namespace
}  // namespace slapos::build::lang
