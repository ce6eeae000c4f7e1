#include "build/recipes/archive_library.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "util/file.h"
#include "util/process.h"
#include "util/testing.h"

namespace slapos::build::recipes {
namespace {

TEST(ArchiveLibrary, ResolvesEveryFunction) {
  Result<ArchiveApi> api = LoadArchiveApi();
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  const void* fns[] = {
      reinterpret_cast<const void*>(api->read_new),
      reinterpret_cast<const void*>(api->read_free),
      reinterpret_cast<const void*>(api->read_support_filter_all),
      reinterpret_cast<const void*>(api->read_support_format_all),
      reinterpret_cast<const void*>(api->read_open_filename),
      reinterpret_cast<const void*>(api->read_next_header),
      reinterpret_cast<const void*>(api->read_data_block),
      reinterpret_cast<const void*>(api->read_data_skip),
      reinterpret_cast<const void*>(api->write_disk_new),
      reinterpret_cast<const void*>(api->write_disk_set_options),
      reinterpret_cast<const void*>(api->write_disk_set_standard_lookup),
      reinterpret_cast<const void*>(api->write_header),
      reinterpret_cast<const void*>(api->write_data_block),
      reinterpret_cast<const void*>(api->write_finish_entry),
      reinterpret_cast<const void*>(api->write_free),
      reinterpret_cast<const void*>(api->error_string),
      reinterpret_cast<const void*>(api->entry_pathname),
      reinterpret_cast<const void*>(api->entry_set_pathname),
      reinterpret_cast<const void*>(api->entry_hardlink),
      reinterpret_cast<const void*>(api->entry_set_hardlink),
      reinterpret_cast<const void*>(api->entry_filetype),
      reinterpret_cast<const void*>(api->entry_size),
  };
  static_assert(sizeof(fns) == sizeof(ArchiveApi), "a function of ArchiveApi is not checked");
  for (size_t i = 0; i < std::size(fns); ++i) EXPECT_NE(fns[i], nullptr) << "function #" << i;
}

TEST(ArchiveLibrary, ProcessWideTableIsLoadedOnceAndReadsARealTar) {
  Result<const ArchiveApi*> first = Archive();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<const ArchiveApi*> second = Archive();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);

  // A tar made by GNU tar, listed through the loaded functions.
  testing::TempDir tmp;
  ASSERT_TRUE(MakeDirs(tmp.Join("pkg")).ok());
  ASSERT_TRUE(WriteFileAtomic(tmp.Join("pkg/README"), "hello\n").ok());
  ProcessOptions tar;
  tar.argv = {"tar", "-czf", tmp.Join("pkg.tar.gz"), "-C", tmp.path(), "pkg"};
  Result<ProcessResult> made = RunProcess(tar);
  ASSERT_TRUE(made.ok() && made->success()) << (made.ok() ? made->output : "");

  const ArchiveApi& la = **first;
  struct archive* a = la.read_new();
  ASSERT_NE(a, nullptr);
  la.read_support_filter_all(a);
  la.read_support_format_all(a);
  ASSERT_EQ(la.read_open_filename(a, tmp.Join("pkg.tar.gz").c_str(), 1 << 16), ARCHIVE_OK)
      << la.error_string(a);
  std::vector<std::string> names;
  struct archive_entry* entry = nullptr;
  while (la.read_next_header(a, &entry) == ARCHIVE_OK) {
    names.push_back(la.entry_pathname(entry));
    if (names.back() == "pkg/README") {
      EXPECT_EQ(la.entry_size(entry), 6);
    }
    la.read_data_skip(a);
  }
  la.read_free(a);
  EXPECT_EQ(names, (std::vector<std::string>{"pkg/", "pkg/README"}));
}

// The first use, by eight threads at once, in a fresh process (the "threadsafe" death-test
// style re-executes this program for this test alone): all get the same table.
TEST(ArchiveLibraryDeathTest, FirstUseFromManyThreadsAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::atomic<bool> go{false};
        std::vector<const ArchiveApi*> seen(8, nullptr);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < seen.size(); ++i) {
          threads.emplace_back([&, i] {
            while (!go) std::this_thread::yield();
            Result<const ArchiveApi*> api = Archive();
            if (api.ok()) seen[i] = *api;
          });
        }
        go = true;
        for (std::thread& t : threads) t.join();
        bool same = seen[0] != nullptr;
        for (const ArchiveApi* api : seen) same = same && api == seen[0];
        std::exit(same ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ArchiveLibrary, MissingLibraryIsAClearError) {
  Result<ArchiveApi> api = LoadArchiveApi("libarchive-not-here.so.13");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), Code::kFailedPrecondition);
  const std::string& m = api.status().message();
  EXPECT_NE(m.find("cannot load the shared library libarchive-not-here.so.13"), std::string::npos)
      << m;
  EXPECT_NE(m.find("apt-get install libarchive13"), std::string::npos) << m;
}

TEST(ArchiveLibrary, LibraryWithoutTheFunctionsNamesTheFirstMissingOne) {
  Result<ArchiveApi> api = LoadArchiveApi("libz.so.1");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(api.status().message().find("libz.so.1 has no symbol 'archive_read_new'"),
            std::string::npos)
      << api.status().message();
}

}  // namespace
}  // namespace slapos::build::recipes
