#include "util/strings.h"

#include <gtest/gtest.h>

namespace slapos {
namespace {

TEST(Strings, Basics) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(SplitWhitespace(" a  b\tc\n"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(ReplaceAll("a.b.c", ".", "::"), "a::b::c");
  EXPECT_TRUE(StartsWith("slappart1", "slappart"));
  EXPECT_TRUE(EndsWith("file.cfg", ".cfg"));
}

TEST(Strings, Digests) {
  // SlapOS names a software directory after the md5 of its URL.
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Strings, Numbers) {
  long long v = 0;
  EXPECT_TRUE(ParseInt64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(ParseInt64("4 2", &v));
  EXPECT_FALSE(ParseInt64("", &v));
  bool b = false;
  EXPECT_TRUE(ParseBool("Yes", &b));
  EXPECT_TRUE(b);
  EXPECT_TRUE(ParseBool("off", &b));
  EXPECT_FALSE(b);
  EXPECT_FALSE(ParseBool("maybe", &b));
}

}  // namespace
}  // namespace slapos
