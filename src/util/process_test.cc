#include "util/process.h"

#include <gtest/gtest.h>

namespace slapos {
namespace {

TEST(Process, CapturesOutputAndExitCode) {
  ProcessOptions o;
  o.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(Process, StdinEnvAndCwd) {
  ProcessOptions o;
  o.argv = {"sh", "-c", "read x; echo $x-$FOO-$(pwd)"};
  o.stdin_data = "in\n";
  o.extra_env["FOO"] = "bar";
  o.cwd = "/tmp";
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "in-bar-/tmp\n");
}

TEST(Process, MissingProgramIsAStartError) {
  ProcessOptions o;
  o.argv = {"/nonexistent/program"};
  auto r = RunProcess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot start /nonexistent/program"), std::string::npos);
}

TEST(Process, TimeoutKillsTheGroup) {
  ProcessOptions o;
  o.argv = {"sh", "-c", "sleep 30 & sleep 30"};
  o.timeout_seconds = 0.2;
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->success());
}

}  // namespace
}  // namespace slapos
