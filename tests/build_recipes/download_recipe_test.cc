// slapos.recipe.build:download and :download-unpacked against a real local HTTP server.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "recipe_fixture.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::testing_support {
namespace {

class RecipeDownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(b.Path("www/files/tool-1.0.bin"), kPayload);
    server = std::make_unique<HttpServer>(b.Path("www"));
    ASSERT_TRUE(server->ok()) << "python3 -m http.server did not start";
  }
  static constexpr const char* kPayload = "binary payload v1\n";
  FakeBuildout b;
  std::unique_ptr<HttpServer> server;
};

TEST_F(RecipeDownloadTest, DownloadsAndChecksTheMd5TheUrlCarries) {
  Options o = {{"url", server->Url("files/tool-1.0.bin") + "#" + Md5Hex(kPayload)},
               {"mode", "0750"}};
  auto paths = b.Install("slapos.recipe.build:download", "tool", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(o["location"], b.Path("parts/tool"));
  EXPECT_EQ(o["target"], b.Path("parts/tool/tool-1.0.bin"));
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("parts/tool")});
  EXPECT_EQ(ReadOr(o["target"]), kPayload);
  struct stat st;
  ASSERT_EQ(stat(o["target"].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
}

TEST_F(RecipeDownloadTest, FilenameAndDestination) {
  Options o = {{"url", server->Url("files/tool-1.0.bin")}, {"filename", "renamed"}};
  ASSERT_TRUE(b.Install("slapos.recipe.build:download", "a", o).ok());
  EXPECT_EQ(ReadOr(b.Path("parts/a/renamed")), kPayload);
  Options d = {{"url", server->Url("files/tool-1.0.bin")}, {"destination", b.Path("etc/tool")}};
  auto paths = b.Install("slapos.recipe.build:download", "d", d);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("etc/tool")});
  EXPECT_EQ(ReadOr(b.Path("etc/tool")), kPayload);
  Options both = {{"url", server->Url("x")}, {"filename", "a"}, {"destination", "/tmp/b"}};
  EXPECT_FALSE(b.Install("slapos.recipe.build:download", "both", both).ok());
}

TEST_F(RecipeDownloadTest, ChecksumMismatchNamesBothSumsAndLeavesNothing) {
  std::string wrong = std::string(32, 'f');
  Options o = {{"url", server->Url("files/tool-1.0.bin")}, {"md5sum", wrong}};
  auto paths = b.Install("slapos.recipe.build:download", "tool", o);
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.status().message(),
            "part [tool]: checksum mismatch for " + server->Url("files/tool-1.0.bin") +
                ": expected md5 " + wrong + ", got " + Md5Hex(kPayload) +
                "; fix the checksum in the profile or the file");
  EXPECT_FALSE(PathExists(b.Path("parts/tool")));
}

TEST_F(RecipeDownloadTest, MissingFileIsAClearError) {
  Options o = {{"url", server->Url("files/nope.bin")}};
  auto paths = b.Install("slapos.recipe.build:download", "tool", o);
  ASSERT_FALSE(paths.ok());
  EXPECT_EQ(paths.status().message(),
            "part [tool]: download of " + server->Url("files/nope.bin") +
                " failed: HTTP 404 Not Found");
}

TEST_F(RecipeDownloadTest, DownloadCacheServesLaterRunsAndOfflineMode) {
  b.ctx().download_cache = b.Path("download-cache");
  std::string url = server->Url("files/tool-1.0.bin") + "#" + Md5Hex(kPayload);
  Options first = {{"url", url}};
  ASSERT_TRUE(b.Install("slapos.recipe.build:download", "one", first).ok());
  server->Stop();  // from now on only the cache can answer
  b.ctx().offline = true;
  Options second = {{"url", url}};
  auto paths = b.Install("slapos.recipe.build:download", "two", second);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(ReadOr(b.Path("parts/two/tool-1.0.bin")), kPayload);
  Options other = {{"url", server->Url("files/other.bin")}};
  auto refused = b.Install("slapos.recipe.build:download", "three", other);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("offline mode: " + server->Url("files/other.bin") +
                                            " is not in the download cache"),
            std::string::npos)
      << refused.status().message();
}

TEST_F(RecipeDownloadTest, UnreachableServerIsRetriedThenReported) {
  std::string url = server->Url("files/tool-1.0.bin");
  server->Stop();
  Options o = {{"url", url}};
  auto paths = b.Install("slapos.recipe.build:download", "tool", o);
  ASSERT_FALSE(paths.ok());
  EXPECT_NE(paths.status().message().find("download of " + url + " failed"), std::string::npos)
      << paths.status().message();
  EXPECT_NE(b.LogText().find("attempt 1 failed"), std::string::npos) << b.LogText();
}

TEST_F(RecipeDownloadTest, DownloadUnpackedStripsTheTopLevelDirectory) {
  Write(b.Path("src/pkg-2.1/bin/run"), "#!/bin/sh\necho run\n", 0755);
  Write(b.Path("src/pkg-2.1/share/doc"), "doc\n");
  RunOk({"tar", "czf", b.Path("www/pkg-2.1.tar.gz"), "-C", b.Path("src"), "pkg-2.1"});
  std::string md5 = Md5Hex(ReadOr(b.Path("www/pkg-2.1.tar.gz")));
  Options o = {{"url", server->Url("pkg-2.1.tar.gz")}, {"md5sum", md5}};
  auto paths = b.Install("slapos.recipe.build:download-unpacked", "pkg", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("parts/pkg")});
  EXPECT_EQ(ReadOr(b.Path("parts/pkg/share/doc")), "doc\n");
  EXPECT_EQ(RunOk({b.Path("parts/pkg/bin/run")}), "run\n");
  Options keep = {{"url", server->Url("pkg-2.1.tar.gz")}, {"strip-top-level-dir", "false"}};
  ASSERT_TRUE(b.Install("slapos.recipe.build:download-unpacked", "keep", keep).ok());
  EXPECT_EQ(ReadOr(b.Path("parts/keep/pkg-2.1/share/doc")), "doc\n");
  Options bad = {{"url", server->Url("pkg-2.1.tar.gz")}, {"md5sum", std::string(32, '0')}};
  auto err = b.Install("slapos.recipe.build:download-unpacked", "bad", bad);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("checksum mismatch"), std::string::npos);
  EXPECT_FALSE(PathExists(b.Path("parts/bad")));
}

TEST(RecipeRegistryTest, UnknownRecipeListsTheAvailableOnes) {
  FakeBuildout b;
  Options o;
  auto r = b.Install("slapos.recipe.nope", "x", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown recipe 'slapos.recipe.nope'; available recipes: "),
            std::string::npos);
  EXPECT_NE(r.status().message().find("slapos.recipe.cmmi"), std::string::npos);
  EXPECT_NE(r.status().message().find("slapos.cookbook:wrapper"), std::string::npos);
}

}  // namespace
}  // namespace slapos::build::testing_support
