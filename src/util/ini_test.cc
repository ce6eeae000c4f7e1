#include "util/ini.h"

#include <gtest/gtest.h>

namespace slapos {
namespace {

TEST(Ini, SectionsKeysAndContinuations) {
  auto r = ParseIni(
      "# comment\n"
      "[slapos]\n"
      "Computer_ID = COMP-1\n"
      "master_url: http://127.0.0.1:4000\n"
      "; another comment\n"
      "[slapformat]\n"
      "ipv6_interface =\n"
      "list =\n"
      "  first\n"
      "\tsecond\n"
      "partition_amount = 10\n",
      "slapos.cfg");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Get("slapos", "computer_id"), "COMP-1");
  EXPECT_EQ(r->Get("slapos", "master_url"), "http://127.0.0.1:4000");
  EXPECT_EQ(r->Get("slapformat", "ipv6_interface"), "");
  EXPECT_EQ(r->Get("slapformat", "list"), "first\nsecond");
  EXPECT_EQ(r->Get("slapformat", "partition_amount"), "10");
  EXPECT_EQ(r->Get("slapformat", "missing", "dflt"), "dflt");
  EXPECT_EQ(r->Find("slapformat")->Find("partition_amount")->line, 11);
}

TEST(Ini, ErrorsNameFileAndLine) {
  auto r = ParseIni("[a]\nx = 1\n[b\n", "f.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.cfg:3: section header '[b' has no closing ']'");

  r = ParseIni("x = 1\n", "f.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.cfg:1: option 'x' appears before any [section]");

  r = ParseIni("[a]\nx = 1\nX = 2\n", "f.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.cfg:3: option 'x' in section [a] already set at line 2");

  r = ParseIni("[a]\njunk\n", "f.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.cfg:2: expected 'key = value', got 'junk'");
}

TEST(Ini, SupervisordInlineComments) {
  IniOptions o;
  o.inline_semicolon_comments = true;
  auto r = ParseIni("[program:x]\ncommand = /bin/sleep 10 ; the command\nurl=a;b\n", "s.conf", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Get("program:x", "command"), "/bin/sleep 10");
  EXPECT_EQ(r->Get("program:x", "url"), "a;b");
}

TEST(Ini, NonStrictMergesRepeats) {
  IniOptions o;
  o.strict = false;
  auto r = ParseIni("[a]\nx = 1\n[a]\nx = 2\ny = 3\n", "", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sections.size(), 1u);
  EXPECT_EQ(r->Get("a", "x"), "2");
  EXPECT_EQ(r->Get("a", "y"), "3");
}

}  // namespace
}  // namespace slapos
