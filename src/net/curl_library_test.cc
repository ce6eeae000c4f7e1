#include "net/curl_library.h"

#include <gtest/gtest.h>

#include <string>

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
  EXPECT_NE(m.find("cannot load the shared library libcurl-not-here.so.4"), std::string::npos)
      << m;
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

}  // namespace
}  // namespace slapos::net
