#include "net/curl_library.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace slapos::net {
namespace {

TEST(CurlLibrary, ResolvesEveryFunction) {
  Result<CurlApi> api = LoadCurlApi();
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  const void* fns[] = {
      reinterpret_cast<const void*>(api->global_init),
      reinterpret_cast<const void*>(api->easy_init),
      reinterpret_cast<const void*>(api->easy_cleanup),
      reinterpret_cast<const void*>(api->easy_reset),
      reinterpret_cast<const void*>(api->easy_setopt),
      reinterpret_cast<const void*>(api->easy_perform),
      reinterpret_cast<const void*>(api->easy_getinfo),
      reinterpret_cast<const void*>(api->easy_strerror),
      reinterpret_cast<const void*>(api->slist_append),
      reinterpret_cast<const void*>(api->slist_free_all),
  };
  static_assert(sizeof(fns) == sizeof(CurlApi), "a function of CurlApi is not checked");
  for (size_t i = 0; i < std::size(fns); ++i) EXPECT_NE(fns[i], nullptr) << "function #" << i;
}

TEST(CurlLibrary, ProcessWideTableIsInitialisedOnceAndWorks) {
  Result<const CurlApi*> first = Curl();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<const CurlApi*> second = Curl();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);

  const CurlApi& curl = **first;
  EXPECT_STREQ(curl.easy_strerror(CURLE_OK), "No error");
  CURL* handle = curl.easy_init();
  ASSERT_NE(handle, nullptr);
  // The variadic calls, with the argument types the options take.
  EXPECT_EQ(curl.easy_setopt(handle, CURLOPT_URL, "file:///etc/hostname"), CURLE_OK);
  EXPECT_EQ(curl.easy_setopt(handle, CURLOPT_NOBODY, 1L), CURLE_OK);
  EXPECT_EQ(curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "file"), CURLE_OK);
  EXPECT_EQ(curl.easy_perform(handle), CURLE_OK);
  long code = -1;
  EXPECT_EQ(curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
  EXPECT_EQ(code, 0);  // not HTTP
  // An option refused by libcurl comes back as its error code (7.88: CURLE_UNSUPPORTED_PROTOCOL).
  EXPECT_NE(curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "no-such-protocol"), CURLE_OK);
  curl_slist* list = curl.slist_append(nullptr, "Expect:");
  ASSERT_NE(list, nullptr);
  list = curl.slist_append(list, "X-Slapos: 1");
  EXPECT_STREQ(list->next->data, "X-Slapos: 1");
  curl.slist_free_all(list);
  curl.easy_reset(handle);
  curl.easy_cleanup(handle);
}

TEST(CurlLibrary, MissingLibraryIsAClearError) {
  Result<CurlApi> api = LoadCurlApi("libcurl-not-here.so.4");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), Code::kFailedPrecondition);
  const std::string& m = api.status().message();
  EXPECT_NE(m.find("cannot load the shared library libcurl-not-here.so.4"), std::string::npos) << m;
  EXPECT_NE(m.find("apt-get install libcurl4"), std::string::npos) << m;
}

TEST(CurlLibrary, LibraryWithoutTheFunctionsNamesTheFirstMissingOne) {
  Result<CurlApi> api = LoadCurlApi("libz.so.1");
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(api.status().message().find("libz.so.1 has no symbol 'curl_global_init'"),
            std::string::npos)
      << api.status().message();
}

// Run in a fresh process (the "threadsafe" death-test style re-executes this program for this
// test alone): libcurl is not loaded until the first use, which eight threads make at once.
TEST(CurlLibraryDeathTest, LoadedOnlyOnFirstUseOnceForAllThreads) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        bool loaded_before = dlopen(kCurlSoname, RTLD_LAZY | RTLD_NOLOAD) != nullptr;
        std::atomic<bool> go{false};
        std::vector<const CurlApi*> seen(8, nullptr);
        std::vector<std::thread> threads;
        for (size_t i = 0; i < seen.size(); ++i) {
          threads.emplace_back([&, i] {
            while (!go) std::this_thread::yield();
            Result<const CurlApi*> api = Curl();
            if (api.ok()) seen[i] = *api;
          });
        }
        go = true;
        for (std::thread& t : threads) t.join();
        bool loaded_after = dlopen(kCurlSoname, RTLD_LAZY | RTLD_NOLOAD) != nullptr;
        bool same = seen[0] != nullptr;
        for (const CurlApi* api : seen) same = same && api == seen[0];
        if (loaded_before) std::exit(2);  // linked or loaded at start: the point is lost
        if (!loaded_after) std::exit(3);
        std::exit(same ? 0 : 4);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace slapos::net
