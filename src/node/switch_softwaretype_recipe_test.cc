// Choosing the profile by software type and the nested buildout's command line.
#include "node/switch_softwaretype_recipe.h"

#include <gtest/gtest.h>

namespace slapos::node {
namespace {

using build::Options;

const Options kSwitch{{"recipe", "slapos.cookbook:switch-softwaretype"},
                      {"default", "caucased:output"},
                      {"kvm", "kvm-profile:rendered"}};

TEST(NodeSwitchSoftwareTypeTest, PicksTheTypeOrDefault) {
  auto kvm = ChooseSoftwareTypeProfile("switch", kSwitch, "kvm");
  ASSERT_TRUE(kvm.ok());
  EXPECT_EQ(kvm->section, "kvm-profile");
  EXPECT_EQ(kvm->option, "rendered");
  for (const char* t : {"default", "RootSoftwareInstance", ""}) {
    auto d = ChooseSoftwareTypeProfile("switch", kSwitch, t);
    ASSERT_TRUE(d.ok()) << t;
    EXPECT_EQ(d->section, "caucased");
    EXPECT_EQ(d->option, "output");
  }
}

TEST(NodeSwitchSoftwareTypeTest, UnknownTypeAndBadMappingAreClearErrors) {
  auto unknown = ChooseSoftwareTypeProfile("switch", kSwitch, "frontend");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'frontend'"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("kvm"), std::string::npos) << unknown.status().ToString();
  // "recipe" is not a software type.
  EXPECT_FALSE(ChooseSoftwareTypeProfile("switch", kSwitch, "recipe").ok());
  auto bad = ChooseSoftwareTypeProfile("switch", {{"default", "/path/without/section"}}, "default");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("section:option"), std::string::npos);
  EXPECT_FALSE(ChooseSoftwareTypeProfile("switch", {}, "default").ok());
}

TEST(NodeSwitchSoftwareTypeTest, NestedArgvCarriesConnectionAndComputedConfiguration) {
  NestedBuildout n;
  n.binary = "/usr/bin/slapos";
  n.profile = "/srv/slappart0/instance-x.cfg";
  n.part = "switch-softwaretype";
  n.offline = true;
  n.buildout = {{"directory", "/srv/slappart0"}, {"parts", "a b"}, {"eggs-directory", "/sr/eggs"}};
  n.slap_connection = {{"computer-id", "C"}, {"partition-id", "slappart0"}};
  n.slap_configuration = {{"recipe", "slapos.cookbook:slapconfiguration"},
                          {"configuration.price", "5$"},
                          {"ipv6", "fd00::1\nfd00::2"},
                          {"bad name", "x"},
                          {"trailing-", "x"}};
  std::vector<std::string> argv = NestedBuildoutArgv(n);
  auto has = [&](const std::string& a) { return std::find(argv.begin(), argv.end(), a) != argv.end(); };
  ASSERT_GE(argv.size(), 6u);
  EXPECT_EQ(argv[0], "/usr/bin/slapos");
  EXPECT_EQ(argv[1], "node");
  EXPECT_EQ(argv[2], "buildout");
  EXPECT_EQ(argv[4], "/srv/slappart0/instance-x.cfg");
  EXPECT_TRUE(has("-o"));
  EXPECT_TRUE(has("buildout:installed=.installed-switch-softwaretype.cfg"));
  EXPECT_TRUE(has("buildout:directory=/srv/slappart0"));
  EXPECT_TRUE(has("buildout:eggs-directory=/sr/eggs"));
  EXPECT_FALSE(has("buildout:parts=a b"));  // the nested profile has its own parts
  EXPECT_TRUE(has("slap-connection:partition-id=slappart0"));
  EXPECT_TRUE(has("slap-configuration:configuration.price=5$$"));  // literal '$'
  EXPECT_TRUE(has("slap-configuration:ipv6=fd00::1\nfd00::2"));
  EXPECT_TRUE(has("slap-configuration:recipe="));
  EXPECT_FALSE(has("slap-configuration:recipe=slapos.cookbook:slapconfiguration"));
  for (const auto& a : argv) {
    EXPECT_EQ(a.find("bad name"), std::string::npos);
    EXPECT_EQ(a.find("trailing-"), std::string::npos);
  }
}

}  // namespace
}  // namespace slapos::node
