#include "supervise/subprocess.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <vector>

namespace slapos::supervise {
namespace {

int Exited(int code) { return (code & 0xff) << 8; }  // a waitpid() status
int Killed(int sig) { return sig & 0x7f; }

// Records what the state machine asks for; the test plays the kernel and the clock.
class FakeHost : public ProcessHost {
 public:
  Result<pid_t> Spawn(Subprocess&) override {
    if (fail_spawn) return NotFound("can't find command 'nope'");
    return next_pid++;
  }
  void Kill(Subprocess&, int sig, bool as_group) override { kills.push_back(as_group ? -sig : sig); }
  void SetTimer(Subprocess&, int64_t when) override { timer = when; }
  void CancelTimer(Subprocess&) override { timer = -1; }
  void StateChanged(Subprocess& p, ProcessState) override { states.push_back(p.state()); }
  void Log(const std::string&, const std::string&) override {}

  bool fail_spawn = false;
  pid_t next_pid = 100;
  int64_t timer = -1;
  std::vector<int> kills;
  std::vector<ProcessState> states;
};

class SupervisorSubprocessTest : public ::testing::Test {
 protected:
  ProcessConfig Config() {
    ProcessConfig c;
    c.name = "web";
    c.group = "web";
    c.command = "/bin/sleep 100";
    return c;
  }
  // Fires the pending timer after moving the clock to it.
  void FireTimer(Subprocess& p) {
    ASSERT_GE(host.timer, 0) << "no timer pending";
    env.Advance(std::max<int64_t>(0, host.timer - env.MonotonicMicros()));
    host.timer = -1;
    p.OnTimer();
  }
  FakeEnv env;
  FakeHost host;
};

TEST_F(SupervisorSubprocessTest, StartsThenRunsAfterStartsecs) {
  Subprocess p(Config(), &host, &env);
  ASSERT_TRUE(p.Start().ok());
  EXPECT_EQ(p.state(), ProcessState::kStarting);
  EXPECT_EQ(p.pid(), 100);
  EXPECT_EQ(host.timer, env.MonotonicMicros() + 1000000);  // startsecs=1
  FireTimer(p);
  EXPECT_EQ(p.state(), ProcessState::kRunning);
  EXPECT_FALSE(p.Start().ok());  // already running
  env.Advance(65 * 1000000);
  EXPECT_EQ(p.Description(env.NowMicros() / 1000000), "pid 100, uptime 0:01:06");
}

TEST_F(SupervisorSubprocessTest, QuickExitsBackOffExponentiallyThenFatal) {
  ProcessConfig c = Config();
  c.startretries = 3;
  Subprocess p(c, &host, &env);
  ASSERT_TRUE(p.Start().ok());
  std::vector<int64_t> delays;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    env.Advance(100000);
    p.OnExit(Exited(1));
    EXPECT_EQ(p.state(), ProcessState::kBackoff);
    EXPECT_EQ(p.tries(), attempt);
    EXPECT_EQ(p.spawnerr(), "Exited too quickly (process log may have details)");
    delays.push_back(host.timer - env.MonotonicMicros());
    FireTimer(p);
    EXPECT_EQ(p.state(), ProcessState::kStarting);
  }
  // Equal jitter: attempt n waits within [2^(n-1)/2, 2^(n-1)] seconds.
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(delays[i], (1LL << i) * 500000);
    EXPECT_LE(delays[i], (1LL << i) * 1000000);
  }
  env.Advance(100000);
  p.OnExit(Exited(1));  // the 4th failure exceeds startretries=3
  EXPECT_EQ(p.state(), ProcessState::kFatal);
  EXPECT_EQ(host.timer, -1);
  EXPECT_EQ(host.states.back(), ProcessState::kFatal);
}

TEST_F(SupervisorSubprocessTest, ZeroRetriesIsFatalAtOnceAndMinusOneRetriesForever) {
  ProcessConfig c = Config();
  c.startretries = 0;
  Subprocess once(c, &host, &env);
  ASSERT_TRUE(once.Start().ok());
  once.OnExit(Exited(0));
  EXPECT_EQ(once.state(), ProcessState::kFatal);

  c.startretries = -1;
  c.backoff_max_secs = 5;
  Subprocess forever(c, &host, &env);
  ASSERT_TRUE(forever.Start().ok());
  for (int i = 0; i < 50; ++i) {
    forever.OnExit(Exited(1));
    ASSERT_EQ(forever.state(), ProcessState::kBackoff);
    EXPECT_LE(host.timer - env.MonotonicMicros(), 5000000);  // capped
    FireTimer(forever);
  }
}

TEST_F(SupervisorSubprocessTest, SpawnFailureIsBackoffWithTheError) {
  host.fail_spawn = true;
  ProcessConfig c = Config();
  c.startretries = 1;
  Subprocess p(c, &host, &env);
  ASSERT_TRUE(p.Start().ok());
  EXPECT_EQ(p.state(), ProcessState::kBackoff);
  EXPECT_EQ(p.spawnerr(), "can't find command 'nope'");
  FireTimer(p);
  EXPECT_EQ(p.state(), ProcessState::kFatal);
}

TEST_F(SupervisorSubprocessTest, AutorestartUnexpectedRestartsOnlyOnBadExitCodes) {
  ProcessConfig c = Config();
  c.exitcodes = {0, 2};
  Subprocess p(c, &host, &env);
  ASSERT_TRUE(p.Start().ok());
  FireTimer(p);
  env.Advance(5000000);
  p.OnExit(Exited(2));  // expected
  EXPECT_EQ(p.state(), ProcessState::kExited);
  EXPECT_TRUE(p.exit_expected());
  ASSERT_TRUE(p.Start().ok());
  FireTimer(p);
  env.Advance(5000000);
  p.OnExit(Killed(SIGSEGV));  // unexpected: restarted at once (it ran long enough)
  EXPECT_EQ(p.state(), ProcessState::kStarting);
  EXPECT_EQ(p.pid(), 102);
}

TEST_F(SupervisorSubprocessTest, AutorestartTrueOnAQuickCrashUsesBackoffNotASpin) {
  ProcessConfig c = Config();
  c.autorestart = AutoRestart::kTrue;
  c.startsecs = 0;
  Subprocess p(c, &host, &env);
  ASSERT_TRUE(p.Start().ok());
  EXPECT_EQ(p.state(), ProcessState::kRunning);  // startsecs=0
  p.OnExit(Exited(0));
  EXPECT_EQ(p.state(), ProcessState::kExited);
  EXPECT_GT(host.timer, env.MonotonicMicros());  // a delayed restart
  FireTimer(p);
  EXPECT_EQ(p.state(), ProcessState::kRunning);
}

TEST_F(SupervisorSubprocessTest, AutorestartFalseStaysExited) {
  ProcessConfig c = Config();
  c.autorestart = AutoRestart::kFalse;
  c.startsecs = 0;
  Subprocess p(c, &host, &env);
  ASSERT_TRUE(p.Start().ok());
  p.OnExit(Exited(1));
  EXPECT_EQ(p.state(), ProcessState::kExited);
  EXPECT_FALSE(p.exit_expected());
  EXPECT_EQ(p.spawnerr(), "Bad exit code 1");
  EXPECT_EQ(host.timer, -1);
}

TEST_F(SupervisorSubprocessTest, StopSendsStopsignalThenKillAfterStopwaitsecs) {
  ProcessConfig c = Config();
  c.stopsignal = SIGINT;
  c.stopwaitsecs = 7;
  c.stopasgroup = true;
  c.killasgroup = true;
  Subprocess p(c, &host, &env);
  ASSERT_TRUE(p.Start().ok());
  FireTimer(p);
  ASSERT_TRUE(p.Stop().ok());
  EXPECT_EQ(p.state(), ProcessState::kStopping);
  ASSERT_EQ(host.kills.size(), 1u);
  EXPECT_EQ(host.kills[0], -SIGINT);  // to the group
  EXPECT_EQ(host.timer, env.MonotonicMicros() + 7000000);
  FireTimer(p);
  ASSERT_EQ(host.kills.size(), 2u);
  EXPECT_EQ(host.kills[1], -SIGKILL);
  p.OnExit(Killed(SIGKILL));
  EXPECT_EQ(p.state(), ProcessState::kStopped);
  EXPECT_NE(p.Description(env.NowMicros() / 1000000), "Not started");
}

TEST_F(SupervisorSubprocessTest, StopFromBackoffIsImmediateAndNotRunningIsAnError) {
  Subprocess p(Config(), &host, &env);
  EXPECT_EQ(p.Description(0), "Not started");
  EXPECT_FALSE(p.Stop().ok());
  ASSERT_TRUE(p.Start().ok());
  p.OnExit(Exited(1));
  ASSERT_EQ(p.state(), ProcessState::kBackoff);
  ASSERT_TRUE(p.Stop().ok());
  EXPECT_EQ(p.state(), ProcessState::kStopped);
  EXPECT_EQ(host.timer, -1);
}

}  // namespace
}  // namespace slapos::supervise
