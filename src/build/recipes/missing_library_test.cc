// The real `slapos` binary without libcurl and libarchive: it is not linked against them, and
// when they cannot be loaded only the operations that need them fail, with a clear message.
// The libraries are hidden by bind-mounting /dev/null over them in a private mount namespace
// (`unshare --mount`, root only); nothing changes outside the test's own processes.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "build/recipes/archive_library.h"
#include "net/curl_library.h"
#include "util/file.h"
#include "util/process.h"
#include "util/testing.h"

namespace slapos::build::recipes {
namespace {

using slapos::testing::TempDir;

// The file the dynamic linker opened for the library holding `fn` ("/lib/.../libcurl.so.4").
std::string FileOf(const void* fn) {
  Dl_info info{};
  if (dladdr(fn, &info) == 0 || info.dli_fname == nullptr) return "";
  return info.dli_fname;
}

TEST(MissingLibrary, SlaposBinaryLoadsNeitherCurlNorLibarchiveAtStart) {
  ProcessOptions o;
  o.argv = {"ldd", slapos::testing::SlaposBinary()};  // every library loaded at start
  Result<ProcessResult> r = RunProcess(o);
  ASSERT_TRUE(r.ok() && r->success()) << (r.ok() ? r->output : r.status().ToString());
  EXPECT_NE(r->output.find("libc.so.6"), std::string::npos) << r->output;  // it did list them
  EXPECT_EQ(r->output.find("libcurl"), std::string::npos) << r->output;
  EXPECT_EQ(r->output.find("libarchive"), std::string::npos) << r->output;
  // Two of what they pulled in.
  EXPECT_EQ(r->output.find("libgnutls"), std::string::npos) << r->output;
  EXPECT_EQ(r->output.find("libicu"), std::string::npos) << r->output;
}

class MissingLibraryCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!slapos::testing::IsRoot())
      GTEST_SKIP() << "needs root: hides libcurl and libarchive with bind mounts in a private "
                      "mount namespace (unshare --mount)";
    Result<const net::CurlApi*> curl = net::Curl();
    Result<const ArchiveApi*> archive = Archive();
    ASSERT_TRUE(curl.ok() && archive.ok()) << "both libraries must be installed for this test";
    curl_file_ = FileOf(reinterpret_cast<const void*>((*curl)->easy_init));
    archive_file_ = FileOf(reinterpret_cast<const void*>((*archive)->read_new));
    ASSERT_FALSE(curl_file_.empty() || archive_file_.empty());
  }

  void Write(const std::string& rel, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(dir_.Join(rel), text).ok());
  }

  // `slapos args...` in a mount namespace where both libraries are empty files.
  ProcessResult SlaposWithoutLibraries(const std::vector<std::string>& args) {
    ProcessOptions o;
    o.argv = {"unshare",
              "--mount",
              "--propagation",
              "private",
              "--",
              "sh",
              "-c",
              "mount --bind /dev/null \"$1\" && mount --bind /dev/null \"$2\" && shift 2 && "
              "exec \"$@\"",
              "sh",
              curl_file_,
              archive_file_,
              slapos::testing::SlaposBinary()};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.cwd = dir_.path();
    o.timeout_seconds = 60;
    Result<ProcessResult> r = RunProcess(o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ProcessResult{};
  }

  TempDir dir_{"slapos-missing-library"};
  std::string curl_file_;
  std::string archive_file_;
};

TEST_F(MissingLibraryCli, CommandsThatNeedNeitherStillWork) {
  ProcessResult version = SlaposWithoutLibraries({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.output;
  Write("buildout.cfg",
        "[buildout]\nparts = cfg\n"
        "[cfg]\nrecipe = slapos.recipe.template\ninline = port=${:port}\n"
        "output = ${buildout:directory}/app.conf\nport = 8080\n");
  ProcessResult build = SlaposWithoutLibraries({"buildout"});
  EXPECT_EQ(build.exit_code, 0) << build.output;
  Result<std::string> conf = ReadFile(dir_.Join("app.conf"));
  ASSERT_TRUE(conf.ok()) << build.output;
  EXPECT_EQ(*conf, "port=8080");
}

TEST_F(MissingLibraryCli, HttpClientSaysToInstallLibcurl) {
  ProcessResult r =
      SlaposWithoutLibraries({"computer", "list", "--master-url", "http://127.0.0.1:9/"});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // an error, not a crash (no signal)
  EXPECT_EQ(r.term_signal, 0) << r.output;
  EXPECT_NE(r.output.find("cannot load the shared library libcurl.so.4"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("apt-get install libcurl4"), std::string::npos) << r.output;
}

TEST_F(MissingLibraryCli, DownloadsAndRemoteExtendsSayToInstallLibcurl) {
  Write("remote.cfg", "[buildout]\nextends = http://127.0.0.1:9/base.cfg\nparts =\n");
  ProcessResult extends = SlaposWithoutLibraries({"buildout", "-c", "remote.cfg"});
  EXPECT_EQ(extends.exit_code, 1) << extends.output;
  EXPECT_NE(extends.output.find("http://127.0.0.1:9/base.cfg"), std::string::npos)
      << extends.output;
  EXPECT_NE(extends.output.find("apt-get install libcurl4"), std::string::npos) << extends.output;

  Write("download.cfg",
        "[buildout]\nparts = file\n"
        "[file]\nrecipe = slapos.recipe.build:download\nurl = http://127.0.0.1:9/a.txt\n");
  ProcessResult download = SlaposWithoutLibraries({"buildout", "-c", "download.cfg"});
  EXPECT_EQ(download.exit_code, 1) << download.output;
  EXPECT_NE(download.output.find("part [file]"), std::string::npos) << download.output;
  EXPECT_NE(download.output.find("apt-get install libcurl4"), std::string::npos) << download.output;
  EXPECT_EQ(download.output.find("retrying"), std::string::npos) << download.output;
}

TEST_F(MissingLibraryCli, UnpackingSaysToInstallLibarchive) {
  ASSERT_TRUE(MakeDirs(dir_.Join("src/pkg")).ok());
  Write("src/pkg/README", "hello\n");
  ProcessOptions tar;
  tar.argv = {"tar", "-czf", dir_.Join("pkg.tar.gz"), "-C", dir_.Join("src"), "pkg"};
  Result<ProcessResult> made = RunProcess(tar);
  ASSERT_TRUE(made.ok() && made->success());
  Write("buildout.cfg",
        "[buildout]\nparts = src\n"
        "[src]\nrecipe = slapos.recipe.build:download-unpacked\nurl = " +
            dir_.Join("pkg.tar.gz") + "\n");
  ProcessResult r = SlaposWithoutLibraries({"buildout"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("part [src]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot load the shared library libarchive.so.13"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("apt-get install libarchive13"), std::string::npos) << r.output;
  EXPECT_FALSE(PathExists(dir_.Join("parts/src/README")));

  // The same profile with the libraries present unpacks it.
  ProcessOptions o;
  o.argv = {slapos::testing::SlaposBinary(), "buildout"};
  o.cwd = dir_.path();
  o.timeout_seconds = 60;
  Result<ProcessResult> ok = RunProcess(o);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->exit_code, 0) << ok->output;
  EXPECT_TRUE(PathExists(dir_.Join("parts/src/README"))) << ok->output;
}

}  // namespace
}  // namespace slapos::build::recipes
