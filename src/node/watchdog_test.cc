#include "node/watchdog.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

struct FakeSender : BangSender {
  std::vector<std::pair<std::string, std::string>> bangs;
  Status next = Status::OK();
  Status Bang(const std::string& partition, const std::string& message) override {
    if (!next.ok()) return next;
    bangs.emplace_back(partition, message);
    return Status::OK();
  }
};

std::map<std::string, std::string> Header(const std::string& event, size_t len) {
  return ParseListenerTokens(
      "ver:3.0 server:supervisor serial:21 pool:watchdog poolserial:10 eventname:" + event +
      " len:" + std::to_string(len));
}

TEST(WatchdogTest, ParsesListenerTokens) {
  auto t = ParseListenerTokens("ver:3.0 eventname:PROCESS_STATE_EXITED len:54 odd url:http://x:1/");
  EXPECT_EQ(t["ver"], "3.0");
  EXPECT_EQ(t["eventname"], "PROCESS_STATE_EXITED");
  EXPECT_EQ(t["len"], "54");
  EXPECT_EQ(t["url"], "http://x:1/");  // split on the first ':' only
  EXPECT_EQ(t.count("odd"), 0u);
}

TEST(WatchdogTest, ActsOnlyOnExitedOrFatalOfWatchedPrograms) {
  std::string p =
      "processname:slappart0_hello-on-watch groupname:slappart0 from_state:RUNNING expected:0 "
      "pid:42";
  auto f = WatchedFailureOf(Header("PROCESS_STATE_EXITED", p.size()), p);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->partition, "slappart0");
  EXPECT_EQ(f->processname, "slappart0_hello-on-watch");
  EXPECT_TRUE(WatchedFailureOf(Header("PROCESS_STATE_FATAL", p.size()), p).has_value());
  EXPECT_FALSE(WatchedFailureOf(Header("PROCESS_STATE_STOPPED", p.size()), p).has_value());
  EXPECT_FALSE(WatchedFailureOf(Header("PROCESS_STATE_RUNNING", p.size()), p).has_value());
  std::string run =
      "processname:slappart0_cron groupname:slappart0 from_state:RUNNING expected:0 pid:42";
  EXPECT_FALSE(WatchedFailureOf(Header("PROCESS_STATE_EXITED", run.size()), run).has_value());
  std::string escape = "processname:x-on-watch groupname:../etc from_state:RUNNING";
  EXPECT_FALSE(WatchedFailureOf(Header("PROCESS_STATE_EXITED", escape.size()), escape).has_value());
  EXPECT_FALSE(WatchedFailureOf({}, p).has_value());
}

TEST(WatchdogTest, DeduplicationRule) {
  EXPECT_TRUE(ShouldBang(std::nullopt, std::nullopt));  // never banged
  EXPECT_TRUE(ShouldBang(std::nullopt, "1700000000"));
  EXPECT_FALSE(ShouldBang("0", std::nullopt));           // banged, never deployed since
  EXPECT_TRUE(ShouldBang("1700000000", "1700000001"));   // deployed after the bang
  EXPECT_FALSE(ShouldBang("1700000001", "1700000001"));  // same deployment
  EXPECT_FALSE(ShouldBang("1700000002", "1700000001"));
  EXPECT_TRUE(ShouldBang("0", "1700000001.5"));
  EXPECT_TRUE(ShouldBang("garbage", "5"));  // unreadable counts as 0
}

TEST(WatchdogTest, BangsOncePerDeployment) {
  testing::TempDir dir("watchdog");
  ASSERT_TRUE(MakeDirs(dir.Join("slappart0")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart0/.timestamp"), "1700000000").ok());
  FakeSender sender;
  std::string p =
      "processname:slappart0_hello-on-watch groupname:slappart0 from_state:RUNNING expected:0 "
      "pid:4";
  auto h = Header("PROCESS_STATE_EXITED", p.size());
  auto r = HandleWatchdogEvent(dir.path(), h, p, sender);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  ASSERT_EQ(sender.bangs.size(), 1u);
  EXPECT_EQ(sender.bangs[0].first, "slappart0");
  EXPECT_EQ(sender.bangs[0].second,
            "slappart0_hello-on-watch process in partition slappart0 encountered a problem");
  EXPECT_EQ(*ReadFile(dir.Join("slappart0/.slapos_latest_bang_timestamp")), "1700000000");
  // The same deployment goes down again: no second bang.
  r = HandleWatchdogEvent(dir.path(), h, p, sender);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_EQ(sender.bangs.size(), 1u);
  // Redeployed (newer timestamp): bangs again.
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart0/.timestamp"), "1700000100").ok());
  r = HandleWatchdogEvent(dir.path(), h, p, sender);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(sender.bangs.size(), 2u);
  EXPECT_EQ(*ReadFile(dir.Join("slappart0/.slapos_latest_bang_timestamp")), "1700000100");
}

TEST(WatchdogTest, FailedBangIsRetriedNextTime) {
  testing::TempDir dir("watchdog");
  ASSERT_TRUE(MakeDirs(dir.Join("slappart1")).ok());
  FakeSender sender;
  sender.next = Unavailable("master down");
  std::string p = "processname:slappart1_s-on-watch groupname:slappart1 from_state:STARTING";
  auto h = Header("PROCESS_STATE_FATAL", p.size());
  auto r = HandleWatchdogEvent(dir.path(), h, p, sender);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("slappart1"), std::string::npos);
  EXPECT_FALSE(PathExists(dir.Join("slappart1/.slapos_latest_bang_timestamp")));
  sender.next = Status::OK();
  r = HandleWatchdogEvent(dir.path(), h, p, sender);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(*ReadFile(dir.Join("slappart1/.slapos_latest_bang_timestamp")), "0");  // never deployed
  // Not a partition directory: an error, nothing sent.
  std::string q = "processname:nope_s-on-watch groupname:nope from_state:STARTING";
  r = HandleWatchdogEvent(dir.path(), Header("PROCESS_STATE_FATAL", q.size()), q, sender);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(sender.bangs.size(), 1u);
}

// Runs the listener loop over a file holding what the supervisor would send.
std::string Listen(
    const std::string& input, Status* status,
    std::vector<std::pair<std::map<std::string, std::string>, std::string>>* events) {
  std::FILE* in = fmemopen(const_cast<char*>(input.data()), input.size(), "r");
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  *status = RunEventListener(
      in, out, [&](const auto& h, const std::string& p) { events->emplace_back(h, p); });
  std::fclose(in);
  std::fclose(out);
  std::string written(buf, size);
  free(buf);
  return written;
}

TEST(WatchdogTest, ListenerProtocol) {
  std::string p1 = "processname:a-on-watch groupname:slappart0 from_state:RUNNING expected:0 pid:1";
  std::string p2 = "when:1700000000";
  std::string input = "ver:3.0 eventname:PROCESS_STATE_EXITED len:" + std::to_string(p1.size()) +
                      "\n" + p1 + "ver:3.0 eventname:TICK_5 len:" + std::to_string(p2.size()) +
                      "\n" + p2;
  Status s;
  std::vector<std::pair<std::map<std::string, std::string>, std::string>> events;
  std::string out = Listen(input, &s, &events);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first.at("eventname"), "PROCESS_STATE_EXITED");
  EXPECT_EQ(events[0].second, p1);
  EXPECT_EQ(events[1].second, p2);

  events.clear();
  Listen("hello there\n", &s, &events);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("hello there"), std::string::npos);
  Listen("ver:3.0 len:100\nshort", &s, &events);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("100-byte"), std::string::npos);
  EXPECT_TRUE(events.empty());
}

TEST(WatchdogTest, SectionForTheNodeSupervisor) {
  NodeConfig c;
  c.instance_root = "/srv/slap grid";
  EXPECT_EQ(WatchdogSection(c, "/usr/bin/slapos"), "");  // no master: no watchdog
  c.master_url = "http://127.0.0.1:8080";
  c.computer_id = "COMP-1";
  c.certificate_repository_path = "/etc/opt/slapos/ssl/partition_pki";
  std::string s = WatchdogSection(c, "/usr/bin/slapos");
  EXPECT_NE(s.find("[eventlistener:watchdog]\n"), std::string::npos) << s;
  EXPECT_NE(s.find("command = /usr/bin/slapos node watchdog --master-url http://127.0.0.1:8080 "
                   "--computer-id COMP-1 "
                   "--instance-root '/srv/slap grid' --certificate-repository-path "
                   "/etc/opt/slapos/ssl/partition_pki\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("events = PROCESS_STATE_EXITED,PROCESS_STATE_FATAL\n"), std::string::npos) << s;
}

}  // namespace
}  // namespace slapos::node
