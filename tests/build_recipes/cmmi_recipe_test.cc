// slapos.recipe.cmmi building a small real C program (configure script + Makefile + make
// install) from a tar.gz and a patch served over HTTP.
#include <gtest/gtest.h>

#include "recipe_fixture.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::testing_support {
namespace {

constexpr const char* kConfigure = R"(#!/bin/sh
prefix=/usr/local
shout=0
for a in "$@"; do
  case "$a" in
    --prefix=*) prefix="${a#--prefix=}" ;;
    --enable-shout) shout=1 ;;
    *) echo "configure: unknown option $a" >&2; exit 1 ;;
  esac
done
printf 'PREFIX=%s\nCFLAGS=-DSHOUT=%s %s\n' "$prefix" "$shout" "$EXTRA_CFLAGS" > config.mk
echo "configured for $prefix"
)";

constexpr const char* kMakefile =
    "include config.mk\n"
    "hello: hello.c\n"
    "\t$(CC) $(CFLAGS) -o hello hello.c\n"
    "install: hello\n"
    "\tmkdir -p $(PREFIX)/bin\n"
    "\tcp hello $(PREFIX)/bin/hello\n";

constexpr const char* kHello =
    "#include <stdio.h>\n"
    "int main(void) { printf(\"%s %d %d\\n\", \"hello\", SHOUT, EXTRA); return 0; }\n";

constexpr const char* kPatch =
    "--- hello.c\n"
    "+++ hello.c\n"
    "@@ -1,2 +1,2 @@\n"
    " #include <stdio.h>\n"
    "-int main(void) { printf(\"%s %d %d\\n\", \"hello\", SHOUT, EXTRA); return 0; }\n"
    "+int main(void) { printf(\"%s %d %d\\n\", \"patched hello\", SHOUT, EXTRA); return 0; }\n";

class RecipeCmmiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(b.Path("src/hello-1.0/configure"), kConfigure, 0755);
    Write(b.Path("src/hello-1.0/Makefile"), kMakefile);
    Write(b.Path("src/hello-1.0/hello.c"), kHello);
    ASSERT_TRUE(MakeDirs(b.Path("www")).ok());
    RunOk({"tar", "czf", b.Path("www/hello-1.0.tar.gz"), "-C", b.Path("src"), "hello-1.0"});
    Write(b.Path("www/fix.patch"), kPatch);
    tar_md5 = Md5Hex(ReadOr(b.Path("www/hello-1.0.tar.gz")));
    server = std::make_unique<HttpServer>(b.Path("www"));
    ASSERT_TRUE(server->ok()) << "python3 -m http.server did not start";
  }

  Options HelloOptions() {
    return {{"url", server->Url("hello-1.0.tar.gz") + "#" + tar_md5},
            {"patches", server->Url("fix.patch") + "#" + Md5Hex(kPatch)},
            {"configure-options", "--enable-shout"},
            {"environment", "EXTRA_CFLAGS=-DEXTRA=42\nPATH_SEEN=%(PATH)s"},
            {"pre-configure", "test -n \"$PATH_SEEN\" && echo ran > pre-configure.ran"},
            {"post-install", "touch @@LOCATION@@/post-install.ran"},
            {"promises", "@@LOCATION@@/bin/hello"}};
  }

  FakeBuildout b;
  std::unique_ptr<HttpServer> server;
  std::string tar_md5;
};

TEST_F(RecipeCmmiTest, BuildsPatchesAndInstallsARealProgram) {
  Options o = HelloOptions();
  auto paths = b.Install("slapos.recipe.cmmi", "hello", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString() << "\n" << b.LogText();
  std::string location = b.Path("parts/hello");
  EXPECT_EQ(o["location"], location);
  EXPECT_EQ(*paths, std::vector<std::string>{location});
  EXPECT_EQ(RunOk({location + "/bin/hello"}), "patched hello 1 42\n");
  EXPECT_TRUE(PathExists(location + "/post-install.ran"));
  EXPECT_FALSE(PathExists(b.Path("parts/hello__compile__")));  // cleaned after success
  std::string log = b.LogText();
  EXPECT_NE(log.find("configure: ./configure --prefix=" + location + " --enable-shout"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("make install"), std::string::npos);
}

TEST_F(RecipeCmmiTest, BadPatchChecksumFailsAndRemovesTheLocation) {
  Options o = HelloOptions();
  o["patches"] = server->Url("fix.patch") + "#" + std::string(32, '1');
  auto paths = b.Install("slapos.recipe.cmmi", "hello", o);
  ASSERT_FALSE(paths.ok());
  EXPECT_NE(paths.status().message().find("checksum mismatch for " + server->Url("fix.patch") +
                                          ": expected md5 " + std::string(32, '1') + ", got " +
                                          Md5Hex(kPatch)),
            std::string::npos)
      << paths.status().message();
  EXPECT_FALSE(PathExists(b.Path("parts/hello")));
}

TEST_F(RecipeCmmiTest, FailingStepReportsOutputAndKeepsTheBuildDirectory) {
  Options o = HelloOptions();
  o["configure-options"] = "--no-such-option";
  auto paths = b.Install("slapos.recipe.cmmi", "hello", o);
  ASSERT_FALSE(paths.ok());
  const std::string& m = paths.status().message();
  EXPECT_NE(m.find("part [hello]: configure failed (exit code 1)"), std::string::npos) << m;
  EXPECT_NE(m.find("configure: unknown option --no-such-option"), std::string::npos) << m;
  EXPECT_NE(m.find("build directory kept for inspection: " + b.Path("parts/hello__compile__")),
            std::string::npos) << m;
  EXPECT_FALSE(PathExists(b.Path("parts/hello")));
}

TEST_F(RecipeCmmiTest, SharedPartIsBuiltOnceAndReused) {
  b.sections()["buildout"]["shared-part-list"] = b.Path("shared");
  Options o = HelloOptions();
  o["shared"] = "true";
  auto paths = b.Install("slapos.recipe.cmmi", "hello", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_TRUE(paths->empty());  // shared parts are never deleted by a buildout
  ASSERT_TRUE(StartsWith(o["location"], b.Path("shared/hello/"))) << o["location"];
  EXPECT_EQ(RunOk({o["location"] + "/bin/hello"}), "patched hello 1 42\n");
  server->Stop();  // a second buildout must not need the network
  Options again = HelloOptions();
  again["url"] = o["url"];
  again["patches"] = o["patches"];
  again["shared"] = "true";
  auto second = b.Install("slapos.recipe.cmmi", "hello", again);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(again["location"], o["location"]);
  EXPECT_NE(b.LogText().find("shared build already in " + o["location"]), std::string::npos);
}

TEST_F(RecipeCmmiTest, PythonHooksAreRefusedClearly) {
  Options o = HelloOptions();
  o["pre-configure-hook"] = "hooks.py:run";
  Status st = b.InitOnly("slapos.recipe.cmmi", "hello", o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'pre-configure-hook' runs Python"), std::string::npos);
}

}  // namespace
}  // namespace slapos::build::testing_support
