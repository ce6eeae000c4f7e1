#include "util/shared_library.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos {
namespace {

TEST(SharedLibrary, OpensAndCallsAFunction) {
  // libz is always on the machine (OpenSSL, libarchive and git depend on it).
  Result<SharedLibrary> z = SharedLibrary::Open("libz.so.1", "apt-get install zlib1g");
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(z->soname(), "libz.so.1");
  using ZlibVersion = const char*();
  ZlibVersion* version = nullptr;
  ASSERT_TRUE(z->Resolve("zlibVersion", version).ok());
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(version()[0], '1');  // "1.2.13"
}

TEST(SharedLibrary, OpeningTwiceGivesTheSameFunctions) {
  Result<SharedLibrary> a = SharedLibrary::Open("libz.so.1", "apt-get install zlib1g");
  Result<SharedLibrary> b = SharedLibrary::Open("libz.so.1", "apt-get install zlib1g");
  ASSERT_TRUE(a.ok() && b.ok());
  Result<void*> fa = a->Symbol("zlibVersion");
  Result<void*> fb = b->Symbol("zlibVersion");
  ASSERT_TRUE(fa.ok() && fb.ok());
  EXPECT_EQ(*fa, *fb);
}

TEST(SharedLibrary, MissingLibraryIsAClearErrorWithTheInstallHint) {
  Result<SharedLibrary> lib =
      SharedLibrary::Open("libslapos-no-such-library.so.7", "apt-get install libnosuch7");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), Code::kFailedPrecondition);
  const std::string& m = lib.status().message();
  EXPECT_NE(m.find("cannot load the shared library libslapos-no-such-library.so.7"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("No such file"), std::string::npos) << m;  // the dynamic linker's reason
  EXPECT_NE(m.find("apt-get install libnosuch7"), std::string::npos) << m;
}

TEST(SharedLibrary, FileThatIsNotALibraryIsAClearError) {
  // A path (with a slash) is opened as is, without the search path.
  testing::TempDir tmp;
  std::string path = tmp.Join("libfake.so.1");
  ASSERT_TRUE(WriteFileAtomic(path, "not an ELF file\n").ok());
  Result<SharedLibrary> lib = SharedLibrary::Open(path, "apt-get install libfake1");
  ASSERT_FALSE(lib.ok());
  EXPECT_EQ(lib.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(lib.status().message().find("cannot load the shared library " + path),
            std::string::npos)
      << lib.status().message();
  EXPECT_NE(lib.status().message().find("apt-get install libfake1"), std::string::npos);
}

TEST(SharedLibrary, MissingSymbolNamesTheSymbolAndTheLibrary) {
  Result<SharedLibrary> z = SharedLibrary::Open("libz.so.1", "apt-get install zlib1g");
  ASSERT_TRUE(z.ok());
  using Fn = int();
  Fn* fn = nullptr;
  Status st = z->Resolve("curl_easy_init", fn);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(fn, nullptr);  // left untouched
  EXPECT_EQ(st.code(), Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("libz.so.1 has no symbol 'curl_easy_init'"), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("apt-get install zlib1g"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace slapos
