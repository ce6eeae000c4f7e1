// Event listeners with a real listener program speaking supervisord's protocol: TICK_n,
// PROCESS_LOG_STDOUT/STDERR, SUPERVISOR_STATE_CHANGE_RUNNING/STOPPING, PROCESS_GROUP_*.
#include <csignal>
#include <map>
#include <string>
#include <vector>

#include "supervise_fixture.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::supervise {
namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// One received event: the header's fields and the payload.
struct Received {
  std::map<std::string, std::string> header;
  std::string payload;
};

// The listener: READY, read a header line and `len` bytes, record both, answer OK.
// It records "<header line>\n<payload>\n@@\n" per event.
const char kListener[] =
    "import sys\n"
    "out = open(sys.argv[1], 'a')\n"
    "while True:\n"
    "    sys.stdout.write('READY\\n'); sys.stdout.flush()\n"
    "    line = sys.stdin.readline()\n"
    "    if not line: break\n"
    "    header = dict(x.split(':', 1) for x in line.split())\n"
    "    payload = sys.stdin.read(int(header['len']))\n"
    "    out.write(line.strip() + '\\n' + payload + '\\n@@\\n'); out.flush()\n"
    "    sys.stdout.write('RESULT 2\\nOK'); sys.stdout.flush()\n";

class SupervisorEvents : public SupervisorE2E {
 protected:
  std::vector<Received> Events() {
    std::vector<Received> out;
    auto text = ReadFile(dir_->Join("events.txt"));
    if (!text.ok()) return out;
    size_t pos = 0;
    while (true) {
      size_t end = text->find("\n@@\n", pos);
      if (end == std::string::npos) break;
      std::string rec = text->substr(pos, end - pos);
      pos = end + 4;
      size_t nl = rec.find('\n');
      Received r;
      for (const std::string& f : SplitWhitespace(rec.substr(0, nl))) {
        size_t c = f.find(':');
        if (c != std::string::npos) r.header[f.substr(0, c)] = f.substr(c + 1);
      }
      r.payload = nl == std::string::npos ? "" : rec.substr(nl + 1);
      out.push_back(std::move(r));
    }
    return out;
  }
  std::vector<Received> Named(const std::string& name) {
    std::vector<Received> out;
    for (Received& r : Events())
      if (r.header["eventname"] == name) out.push_back(r);
    return out;
  }
  void WriteListener() { WriteFile("listener.py", kListener); }
  std::string ListenerSection(const std::string& events) {
    return "[eventlistener:ears]\ncommand = /usr/bin/python3 %(here)s/listener.py %(here)s/events.txt\n"
           "events = " + events + "\nstartsecs = 0\n";
  }
};

TEST_F(SupervisorEvents, TickAndSupervisorStateChangeEvents) {
  WriteListener();
  WriteConfig(ListenerSection("TICK_5,SUPERVISOR_STATE_CHANGE") +
              "[program:quiet]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(testing::WaitFor([&] { return !Named("SUPERVISOR_STATE_CHANGE_RUNNING").empty(); }, 10)) << DaemonLog();
  Received running = Named("SUPERVISOR_STATE_CHANGE_RUNNING")[0];
  EXPECT_EQ(running.header["ver"], "3.0");
  EXPECT_EQ(running.header["server"], "supervisor");
  EXPECT_EQ(running.header["pool"], "ears");
  EXPECT_EQ(running.header["len"], "0");
  EXPECT_EQ(running.payload, "");

  // A TICK_5 within one period: `when` is the 5-second boundary that was crossed.
  ASSERT_TRUE(testing::WaitFor([&] { return !Named("TICK_5").empty(); }, 8)) << DaemonLog();
  Received tick = Named("TICK_5")[0];
  ASSERT_TRUE(StartsWith(tick.payload, "when:")) << tick.payload;
  long long when = 0;
  ASSERT_TRUE(ParseInt64(tick.payload.substr(5), &when)) << tick.payload;
  EXPECT_EQ(when % 5, 0);
  EXPECT_LE(std::llabs(when - static_cast<long long>(time(nullptr))), 6);
  EXPECT_EQ(tick.header["len"], std::to_string(tick.payload.size()));
  // Not subscribed: no process state events.
  for (Received& r : Events()) EXPECT_FALSE(StartsWith(r.header["eventname"], "PROCESS_STATE")) << r.header["eventname"];

  // Shutdown: listeners are stopped last, so they hear STOPPING.
  daemon_->Stop(SIGTERM, 15);
  EXPECT_EQ(Named("SUPERVISOR_STATE_CHANGE_STOPPING").size(), 1u) << DaemonLog();
}

TEST_F(SupervisorEvents, ProcessLogEventsForProgramsThatEnableThem) {
  WriteListener();
  WriteFile("talk.sh", "#!/bin/sh\necho hello-out\necho hello-err >&2\nexec sleep 1000\n");
  WriteConfig(ListenerSection("PROCESS_LOG") +
              "[program:talker]\ncommand = %(here)s/talk.sh\nstartsecs = 0\nstdout_events_enabled = true\n"
              "stderr_events_enabled = true\n"
              "[program:nolog]\ncommand = %(here)s/talk.sh\nstartsecs = 0\nstdout_logfile = NONE\n"
              "stdout_events_enabled = true\n"
              "[program:silent]\ncommand = %(here)s/talk.sh\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(testing::WaitFor([&] {
    return Named("PROCESS_LOG_STDOUT").size() >= 2 && Named("PROCESS_LOG_STDERR").size() >= 1;
  }, 10)) << DaemonLog();
  int pid = PidOf("talker");
  std::map<std::string, std::string> by_process;
  for (const Received& r : Named("PROCESS_LOG_STDOUT")) {
    size_t sp = r.payload.find(' ');
    by_process[r.payload.substr(0, sp)] += r.payload;
  }
  EXPECT_EQ(by_process["processname:talker"],
            "processname:talker groupname:talker pid:" + std::to_string(pid) + " channel:stdout\nhello-out\n");
  // stdout_logfile = NONE still gives events (a pipe instead of /dev/null).
  EXPECT_TRUE(Contains(by_process["processname:nolog"], "channel:stdout\nhello-out\n")) << by_process["processname:nolog"];
  EXPECT_EQ(by_process.count("processname:silent"), 0u);  // events not enabled
  std::vector<Received> err = Named("PROCESS_LOG_STDERR");
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].payload, "processname:talker groupname:talker pid:" + std::to_string(pid) + " channel:stderr\nhello-err\n");
  // The output still goes to the log file too.
  EXPECT_TRUE(Contains(Ctl({"tail", "talker"}).out, "hello-out"));
}

TEST_F(SupervisorEvents, ProcessGroupAddedAndRemovedOnUpdate) {
  WriteListener();
  WriteConfig(ListenerSection("PROCESS_GROUP,PROCESS_STATE_RUNNING") +
              "[program:old]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(WaitState("old", "RUNNING"));
  ASSERT_TRUE(testing::WaitFor([&] { return !Named("PROCESS_STATE_RUNNING").empty(); }, 10)) << DaemonLog();
  WriteFile("conf.d/new.conf", "[program:new]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  CtlResult r = Ctl({"update"});
  EXPECT_TRUE(Contains(r.out, "new: added process group")) << r.out;
  ASSERT_TRUE(testing::WaitFor([&] { return !Named("PROCESS_GROUP_ADDED").empty(); }, 10)) << DaemonLog();
  EXPECT_EQ(Named("PROCESS_GROUP_ADDED")[0].payload, "groupname:new\n");
  ASSERT_TRUE(RemoveAll(dir_->Join("conf.d/new.conf")).ok());
  r = Ctl({"update"});
  ASSERT_TRUE(testing::WaitFor([&] { return !Named("PROCESS_GROUP_REMOVED").empty(); }, 10)) << DaemonLog();
  EXPECT_EQ(Named("PROCESS_GROUP_REMOVED")[0].payload, "groupname:new\n");
  // The pool's own listener's state changes are not sent to it.
  for (const Received& e : Named("PROCESS_STATE_RUNNING")) EXPECT_FALSE(Contains(e.payload, "groupname:ears ")) << e.payload;
}

TEST_F(SupervisorEvents, UnknownEventTypeIsAConfigError) {
  WriteConfig("[eventlistener:ears]\ncommand = /bin/cat\nevents = PROCESS_STATE_EXITED,TICK_7\n");
  CtlResult r = Slapos({"supervisord", "-c", conf_, "-n"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.out, "unknown event type 'TICK_7'")) << r.out;
}

}  // namespace
}  // namespace slapos::supervise
