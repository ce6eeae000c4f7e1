// Checksums and local/offline behaviour of downloads; the HTTP paths are exercised against a
// real server in tests/build_recipes/.
#include "build/recipes/download.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::build::recipes {
namespace {

TEST(DownloadTest, ChecksumFromUrlFragment) {
  std::string url;
  Checksum sum;
  SplitUrlChecksum("http://h/a.tar.gz#0123456789abcdef0123456789ABCDEF", &url, &sum);
  EXPECT_EQ(url, "http://h/a.tar.gz");
  EXPECT_EQ(sum.algorithm, "md5");
  EXPECT_EQ(sum.hex, "0123456789abcdef0123456789abcdef");
  SplitUrlChecksum("http://h/a#" + std::string(64, 'a'), &url, &sum);
  EXPECT_EQ(sum.algorithm, "sha256");
  SplitUrlChecksum("http://h/page#section", &url, &sum);
  EXPECT_EQ(url, "http://h/page#section");
  EXPECT_TRUE(sum.empty());
}

TEST(DownloadTest, ChecksumOptionsAndConflicts) {
  Checksum none;
  auto c = ChecksumFromOptions("p", {{"md5sum", std::string(32, 'b')}}, none);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->algorithm, "md5");
  EXPECT_FALSE(ChecksumFromOptions("p", {{"md5sum", "xyz"}}, none).ok());
  // A hex value of no known digest length is refused, not a crash.
  auto short_sum = ChecksumFromOptions("p", {{"md5sum", "aa"}}, none);
  ASSERT_FALSE(short_sum.ok());
  EXPECT_EQ(short_sum.status().message(), "part [p]: option 'md5sum' = 'aa' is not a md5 hex digest");
  Checksum from_url{"md5", std::string(32, 'a')};
  auto conflict = ChecksumFromOptions("p", {{"md5sum", std::string(32, 'b')}}, from_url);
  ASSERT_FALSE(conflict.ok());
  EXPECT_NE(conflict.status().message().find("keep only one"), std::string::npos);
}

TEST(DownloadTest, LocalFilesAreCopiedAndVerified) {
  testing::TempDir tmp;
  ASSERT_TRUE(WriteFileAtomic(tmp.Join("src.txt"), "payload").ok());
  Checksum good{"md5", Md5Hex("payload")};
  DownloadOptions o;
  ASSERT_TRUE(DownloadToFile(tmp.Join("src.txt"), good, o, tmp.Join("a/copy")).ok());
  EXPECT_EQ(*ReadFile(tmp.Join("a/copy")), "payload");
  ASSERT_TRUE(DownloadToFile("file://" + tmp.Join("src.txt"), good, o, tmp.Join("b")).ok());
  Checksum bad{"md5", std::string(32, '0')};
  Status st = DownloadToFile(tmp.Join("src.txt"), bad, o, tmp.Join("c"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Code::kCorruption);
  EXPECT_EQ(st.message(), "checksum mismatch for " + tmp.Join("src.txt") + ": expected md5 " +
                              std::string(32, '0') + ", got " + Md5Hex("payload") +
                              "; fix the checksum in the profile or the file");
  EXPECT_FALSE(PathExists(tmp.Join("c")));  // nothing half-written is left
}

TEST(DownloadTest, OfflineUsesTheCacheAndRefusesTheNetwork) {
  testing::TempDir tmp;
  DownloadOptions o;
  o.offline = true;
  o.cache_dir = tmp.Join("cache");
  const std::string url = "http://127.0.0.1:9/never/contacted.tar.gz";
  Status st = DownloadToFile(url, {}, o, tmp.Join("out"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "offline mode: " + url + " is not in the download cache " +
                              o.cache_dir + "; run without -o to download it");
  ASSERT_TRUE(MakeDirs(o.cache_dir).ok());
  ASSERT_TRUE(WriteFileAtomic(JoinPath(o.cache_dir, Md5Hex(url)), "cached bytes").ok());
  ASSERT_TRUE(DownloadToFile(url, {"md5", Md5Hex("cached bytes")}, o, tmp.Join("out")).ok());
  EXPECT_EQ(*ReadFile(tmp.Join("out")), "cached bytes");
  o.cache_dir.clear();
  st = DownloadToFile(url, {}, o, tmp.Join("out2"));
  EXPECT_NE(st.message().find("offline mode: cannot download"), std::string::npos);
}

TEST(DownloadTest, Sha512OfAFile) {
  testing::TempDir tmp;
  ASSERT_TRUE(WriteFileAtomic(tmp.Join("f"), "abc").ok());
  auto h = FileDigestHex(tmp.Join("f"), "sha512");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->substr(0, 16), "ddaf35a193617aba");
  EXPECT_EQ(*FileDigestHex(tmp.Join("f"), "sha256"), Sha256Hex("abc"));
}

}  // namespace
}  // namespace slapos::build::recipes
