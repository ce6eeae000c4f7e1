#include "node/report.h"

#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "node/destroy.h"
#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

class FakeReportMaster : public ReportMaster {
 public:
  Result<std::vector<ReportedInstance>> Instances() override { return instances; }
  Status PostUsage(const std::string& tioxml) override {
    if (!usage_status.ok()) return usage_status;
    posted.push_back(tioxml);
    return Status::OK();
  }
  Status Stopped(const std::string& guid) override {
    calls.push_back("stopped " + guid);
    return Status::OK();
  }
  Status Destroyed(const std::string& guid) override {
    calls.push_back("destroyed " + guid);
    return destroyed_status;
  }
  Status Error(const std::string& guid, const std::string& message) override {
    calls.push_back("error " + guid + " " + message);
    return Status::OK();
  }

  std::vector<ReportedInstance> instances;
  Status usage_status = Status::OK();
  Status destroyed_status = Status::OK();
  std::vector<std::string> posted;
  std::vector<std::string> calls;
};

const char kConsumption[] =
    "<?xml version='1.0' encoding='utf-8'?><consumption><movement><resource>CPU</resource>"
    "<title>cpu</title><reference>ignored</reference><quantity>42.5</quantity><price>0.0</price>"
    "<VAT>None</VAT><category>x</category></movement></consumption>";

class NodeReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      std::string ref = "slappart" + std::to_string(i);
      ASSERT_TRUE(MakeDirs(root.Join(ref)).ok());
      options.partitions.push_back({ref, root.Join(ref), std::nullopt, std::nullopt});
    }
    ASSERT_TRUE(MakeDirs(proc.path()).ok());
    options.computer_id = "COMP-7";
    options.instance_root = root.path();
    options.proc_root = proc.path();  // an empty /proc: no processes
    options.stop_partition = [this](const std::string& ref) {
      stopped.push_back(ref);
      return Status::OK();
    };
  }

  testing::TempDir root{"report-ir"};
  testing::TempDir proc{"report-proc"};
  ReportOptions options;
  FakeReportMaster master;
  FakeEnv env{1'700'000'000LL * 1'000'000};  // 2023-11-14 22:13:20 UTC
  std::vector<std::string> stopped;
};

TEST_F(NodeReportTest, StopDateFormat) { EXPECT_EQ(ReportStopDate(1'700'000'000LL * 1'000'000), "2023-11-14 at 22:13:20"); }

TEST_F(NodeReportTest, AggregatesMeasuredUsageAndValidFilesOfBusyPartitions) {
  master.instances = {{"slappart0", "a______0", slap::InstanceState::kStarted},
                      {"slappart2", "b______0", slap::InstanceState::kStopped}};
  ASSERT_TRUE(MakeDirs(root.Join("slappart0/var/xml_report")).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart0/var/xml_report/good.xml"), kConsumption).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart0/var/xml_report/bad.xml"), "<consumption/>").ok());
  ASSERT_TRUE(MakeDirs(root.Join("var/xml_report/slappart2")).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("var/xml_report/slappart2/node.xml"), kConsumption).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart2/big"), std::string(100000, 'x')).ok());
  // A free partition's files are not read.
  ASSERT_TRUE(MakeDirs(root.Join("slappart1/var/xml_report")).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart1/var/xml_report/free.xml"), kConsumption).ok());

  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ExitCode(), 0);
  EXPECT_TRUE(r->usage_posted);
  EXPECT_EQ(r->usage_files, 2);
  ASSERT_EQ(r->invalid_files.size(), 1u);
  EXPECT_NE(r->invalid_files[0].find("bad.xml"), std::string::npos);
  ASSERT_EQ(master.posted.size(), 1u);

  auto journal = slap::ParseTioXml(master.posted[0]);
  ASSERT_TRUE(journal.ok()) << journal.status().ToString() << master.posted[0];
  ASSERT_EQ(journal->transactions.size(), 1u);
  const auto& t = journal->transactions[0];
  EXPECT_EQ(t.type, "Sale Packing List");
  EXPECT_EQ(t.title, "Resource consumptions");
  EXPECT_EQ(t.reference, "COMP-7");
  EXPECT_EQ(t.stop_date, "2023-11-14 at 22:13:20");
  // slappart0: 3 measured + 1 file; slappart2: 3 measured + 1 file.
  ASSERT_EQ(t.movements.size(), 8u);
  EXPECT_EQ(t.movements[0].resource, "cpu_time");
  EXPECT_EQ(t.movements[0].reference, "slappart0");
  EXPECT_EQ(t.movements[3].resource, "CPU");
  EXPECT_DOUBLE_EQ(t.movements[3].quantity, 42.5);
  EXPECT_EQ(t.movements[3].reference, "slappart0");  // overwritten with the partition id
  EXPECT_EQ(t.movements[6].resource, "disk");
  EXPECT_EQ(t.movements[6].reference, "slappart2");
  EXPECT_GE(t.movements[6].quantity, 100000);
  EXPECT_EQ(t.movements[7].reference, "slappart2");

  // Valid files are consumed; the invalid one and the free partition's stay.
  EXPECT_FALSE(PathExists(root.Join("slappart0/var/xml_report/good.xml")));
  EXPECT_FALSE(PathExists(root.Join("var/xml_report/slappart2/node.xml")));
  EXPECT_TRUE(PathExists(root.Join("slappart0/var/xml_report/bad.xml")));
  EXPECT_TRUE(PathExists(root.Join("slappart1/var/xml_report/free.xml")));
  EXPECT_TRUE(stopped.empty());
}

TEST_F(NodeReportTest, NothingBusyPostsNothing) {
  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->usage_posted);
  EXPECT_TRUE(master.posted.empty());
  EXPECT_EQ(r->ExitCode(), 0);
}

TEST_F(NodeReportTest, ReportScriptsGetAFreshFileAndFailuresArePosted) {
  master.instances = {{"slappart1", "c______0", slap::InstanceState::kStarted}};
  std::string p = root.Join("slappart1");
  ASSERT_TRUE(MakeDirs(p + "/etc/report").ok());
  std::string script = "#!/bin/sh\ncat > \"$1\" <<'EOF'\n" + std::string(kConsumption) + "\nEOF\n";
  ASSERT_TRUE(WriteFileAtomic(p + "/etc/report/a-usage", script, 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/etc/report/b-broken", "#!/bin/sh\nexit 1\n", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/etc/report/c-readme", "not a script", 0644).ok());

  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->scripts_run, 2);
  ASSERT_EQ(r->script_failures.size(), 1u);
  EXPECT_EQ(r->script_failures[0], "slappart1: Script 'b-broken' failed.");
  EXPECT_EQ(r->ExitCode(), 1);
  EXPECT_EQ(r->usage_files, 1);  // what a-usage wrote
  ASSERT_EQ(master.calls.size(), 1u);
  EXPECT_EQ(master.calls[0], "error c______0 Script 'b-broken' failed.");
  ASSERT_EQ(master.posted.size(), 1u);
  EXPECT_NE(master.posted[0].find("<resource>CPU</resource>"), std::string::npos);
  // a-usage's file was consumed; b-broken wrote nothing and its empty file is not left behind.
  EXPECT_TRUE(IsDirectory(p + "/var/xml_report"));
  EXPECT_TRUE(std::filesystem::is_empty(p + "/var/xml_report"));
}

TEST_F(NodeReportTest, DestroyedPartitionIsStoppedEmptiedAndReported) {
  master.instances = {{"slappart0", "keep______0", slap::InstanceState::kStarted},
                      {"slappart1", "gone______0", slap::InstanceState::kDestroyed}};
  std::string p = root.Join("slappart1");
  ASSERT_TRUE(MakeDirs(p + "/etc/service").ok());
  ASSERT_TRUE(WriteFileAtomic(p + "/.timestamp", "1").ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart0/data"), "mine").ok());

  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ExitCode(), 0);
  ASSERT_EQ(r->destroyed, std::vector<std::string>{"slappart1"});
  EXPECT_EQ(stopped, std::vector<std::string>{"slappart1"});
  EXPECT_EQ(master.calls, (std::vector<std::string>{"stopped gone______0", "destroyed gone______0"}));
  EXPECT_TRUE(IsDirectory(p));
  EXPECT_FALSE(PathExists(p + "/etc"));
  EXPECT_FALSE(PathExists(p + "/.timestamp"));
  EXPECT_EQ(*ReadFile(root.Join("slappart0/data")), "mine");
}

TEST_F(NodeReportTest, FailedUsagePostPostponesDestruction) {
  master.instances = {{"slappart1", "gone______0", slap::InstanceState::kDestroyed}};
  master.usage_status = Unavailable("master down");
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart1/data"), "x").ok());
  ASSERT_TRUE(MakeDirs(root.Join("slappart1/var/xml_report")).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart1/var/xml_report/u.xml"), kConsumption).ok());
  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ExitCode(), 1);
  EXPECT_FALSE(r->usage_posted);
  EXPECT_TRUE(r->destroyed.empty());
  EXPECT_TRUE(PathExists(root.Join("slappart1/data")));
  EXPECT_TRUE(PathExists(root.Join("slappart1/var/xml_report/u.xml")));  // not lost: sent next time
}

TEST_F(NodeReportTest, RetentionAndMasterRefusalWaitWithoutError) {
  master.instances = {{"slappart0", "held______0", slap::InstanceState::kDestroyed},
                      {"slappart2", "root______0", slap::InstanceState::kDestroyed}};
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart0/" + std::string(kRetentionDelayFile)), "3").ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart0/db"), "x").ok());
  master.destroyed_status = PermissionDenied("Not destroying yet because this partition has child partitions");
  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ExitCode(), 0);
  EXPECT_TRUE(r->destroyed.empty());
  ASSERT_EQ(r->retained.size(), 2u);
  EXPECT_NE(r->retained[0].find("retention"), std::string::npos) << r->retained[0];
  EXPECT_NE(r->retained[1].find("child partitions"), std::string::npos) << r->retained[1];
  EXPECT_TRUE(PathExists(root.Join("slappart0/db")));
}

TEST_F(NodeReportTest, FailingStopIsAnErrorAndKeepsData) {
  master.instances = {{"slappart0", "x______0", slap::InstanceState::kDestroyed}};
  ASSERT_TRUE(WriteFileAtomic(root.Join("slappart0/db"), "x").ok());
  options.stop_partition = [](const std::string&) { return Unavailable("supervisor not answering"); };
  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ExitCode(), 1);
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_NE(r->errors[0].find("supervisor not answering"), std::string::npos);
  EXPECT_TRUE(PathExists(root.Join("slappart0/db")));
}

TEST_F(NodeReportTest, ComputerJournalsAreSentAsIs) {
  ASSERT_TRUE(MakeDirs(root.Join("var/xml_report/COMP-7")).ok());
  slap::UsageJournal j = slap::BuildUsageReport("COMP-7", "2023-11-14 at 00:00:00",
                                                {{"slappart0", {{"CPU", "", "", 1.0, 0, "", {}}}}});
  std::string text = slap::WriteTioXml(j);
  ASSERT_TRUE(WriteFileAtomic(root.Join("var/xml_report/COMP-7/day.xml"), text).ok());
  ASSERT_TRUE(WriteFileAtomic(root.Join("var/xml_report/COMP-7/junk.xml"), "<journal>").ok());
  auto r = RunReport(options, master, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->computer_files, 1);
  ASSERT_EQ(master.posted.size(), 1u);
  EXPECT_EQ(master.posted[0], text);
  EXPECT_FALSE(PathExists(root.Join("var/xml_report/COMP-7/day.xml")));
  EXPECT_TRUE(PathExists(root.Join("var/xml_report/COMP-7/junk.xml")));
}

}  // namespace
}  // namespace slapos::node
