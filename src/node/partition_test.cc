#include "node/partition.h"

#include <gtest/gtest.h>

#include "util/ini.h"

namespace slapos::node {
namespace {

TEST(PartitionTest, TailCarriesTheSlapConnection) {
  SlapConnection c{"COMP-1", "slappart2", "http://m:80", "/opt/sw/software.cfg", "", "", "started"};
  std::string profile = PartitionBuildoutProfile("[buildout]\nparts = a\n[a]\nx = 1", c);
  // The tail re-opens [buildout], which Buildout merges; the INI reader here is not Buildout,
  // so read the tail alone.
  auto ini = ParseIni(BuildoutTail(c), "tail");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  EXPECT_EQ(ini->Get("slap-connection", "partition-id"), "slappart2");
  EXPECT_EQ(ini->Get("slap-connection", "requested-state"), "started");
  EXPECT_EQ(ini->Get("slap_connection", "server_url"), "http://m:80");
  EXPECT_EQ(ini->Get("buildout", "bin-directory"), "${buildout:directory}/sbin");
  EXPECT_EQ(profile.find("[buildout]\nparts = a\n[a]\nx = 1\n\n\n[buildout]\n"), 0u);
}

TEST(PartitionTest, UpToDateRules) {
  TimestampCheck t;
  t.stored = "123";
  t.stored_mtime = 1000;
  t.master = "123";
  t.now = 2000;
  EXPECT_TRUE(PartitionUpToDate(t));
  t.now = 1000 + 86400 + 1;
  EXPECT_FALSE(PartitionUpToDate(t));  // periodicity elapsed
  t.periodicity = -1;
  EXPECT_TRUE(PartitionUpToDate(t));  // never while unchanged
  t.periodicity = 0;
  EXPECT_FALSE(PartitionUpToDate(t));  // always
  t.periodicity = 86400;
  t.now = 2000;
  t.master = "124";
  EXPECT_FALSE(PartitionUpToDate(t));  // changed on the master
  t.master = "122";
  EXPECT_FALSE(PartitionUpToDate(t));  // any change, even older
  t.master = "";
  EXPECT_FALSE(PartitionUpToDate(t));  // no timestamp sent
  t.master = "123";
  t.stored.reset();
  EXPECT_FALSE(PartitionUpToDate(t));  // never deployed
}

}  // namespace
}  // namespace slapos::node
