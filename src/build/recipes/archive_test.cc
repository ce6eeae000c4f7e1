#include "build/recipes/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::build::recipes {
namespace {

// Writes an archive of (name, content) files; a name ending in '/' is a directory.
void WriteArchive(const std::string& path, const std::string& kind,
                  const std::vector<std::pair<std::string, std::string>>& entries) {
  struct archive* a = archive_write_new();
  if (kind == "zip") {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    if (kind == "tar.gz") archive_write_add_filter_gzip(a);
    if (kind == "tar.bz2") archive_write_add_filter_bzip2(a);
    if (kind == "tar.xz") archive_write_add_filter_xz(a);
  }
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK) << archive_error_string(a);
  for (const auto& [name, content] : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    bool dir = !name.empty() && name.back() == '/';
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    if (!dir) archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string Read(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : "<missing " + path + ">";
}

class ArchiveFormatTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ArchiveFormatTest, ExtractsAndStripsTheTopLevelDirectory) {
  testing::TempDir tmp;
  std::string file = tmp.Join("src." + GetParam());
  WriteArchive(file, GetParam(),
               {{"pkg-1.0/", ""}, {"pkg-1.0/README", "hello\n"}, {"pkg-1.0/src/main.c", "int main;\n"}});
  Status st0 = ExtractArchive(file, tmp.Join("auto"), StripTopLevel::kAuto);
  ASSERT_TRUE(st0.ok()) << st0.ToString();
  EXPECT_EQ(Read(tmp.Join("auto/README")), "hello\n");
  EXPECT_EQ(Read(tmp.Join("auto/src/main.c")), "int main;\n");
  ASSERT_TRUE(ExtractArchive(file, tmp.Join("keep"), StripTopLevel::kNo).ok());
  EXPECT_EQ(Read(tmp.Join("keep/pkg-1.0/README")), "hello\n");
}

INSTANTIATE_TEST_SUITE_P(Formats, ArchiveFormatTest,
                         ::testing::Values("tar.gz", "tar.bz2", "tar.xz", "zip"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n) if (c == '.') c = '_';
                           return n;
                         });

TEST(ArchiveTest, AutoKeepsSeveralTopLevelEntries) {
  testing::TempDir tmp;
  std::string file = tmp.Join("flat.tar.gz");
  WriteArchive(file, "tar.gz", {{"a.txt", "a"}, {"b/c.txt", "c"}});
  ASSERT_TRUE(ExtractArchive(file, tmp.Join("out"), StripTopLevel::kAuto).ok());
  EXPECT_EQ(Read(tmp.Join("out/a.txt")), "a");
  EXPECT_EQ(Read(tmp.Join("out/b/c.txt")), "c");
  Status st = ExtractArchive(file, tmp.Join("out2"), StripTopLevel::kYes);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("does not hold exactly one top-level directory"), std::string::npos);
}

TEST(ArchiveTest, DotSlashPrefixesAreStrippedToo) {
  testing::TempDir tmp;
  std::string file = tmp.Join("dot.tar.gz");
  WriteArchive(file, "tar.gz", {{"./", ""}, {"./top/", ""}, {"./top/x", "x"}});
  ASSERT_TRUE(ExtractArchive(file, tmp.Join("out"), StripTopLevel::kAuto).ok());
  EXPECT_EQ(Read(tmp.Join("out/x")), "x");
}

TEST(ArchiveTest, RefusesEntriesOutsideTheDestination) {
  testing::TempDir tmp;
  std::string file = tmp.Join("evil.tar");
  WriteArchive(file, "tar", {{"ok.txt", "ok"}, {"../escaped.txt", "bad"}});
  Status st = ExtractArchive(file, tmp.Join("out"), StripTopLevel::kNo);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'../escaped.txt' would be written outside"), std::string::npos)
      << st.message();
  EXPECT_FALSE(PathExists(tmp.Join("escaped.txt")));
}

TEST(ArchiveTest, NotAnArchiveIsAClearError) {
  testing::TempDir tmp;
  ASSERT_TRUE(WriteFileAtomic(tmp.Join("x.tar.gz"), "this is not an archive").ok());
  Status st = ExtractArchive(tmp.Join("x.tar.gz"), tmp.Join("out"), StripTopLevel::kAuto);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(tmp.Join("x.tar.gz")), std::string::npos) << st.message();
}

}  // namespace
}  // namespace slapos::build::recipes
