// `slapos buildout` progress reporting, end to end: on a terminal (a real pty) long downloads
// and shell steps show a live status line; through a pipe, one line per step, no control
// characters.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using slapos::testing::TempDir;

// Serves /big.bin (1 MB with a Content-Length) in 10 slow chunks, so a download lasts ~1 s.
const char kSlowServer[] = R"(import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Length', str(10 * 102400))
        self.end_headers()
        for i in range(10):
            self.wfile.write(b'x' * 102400)
            self.wfile.flush()
            time.sleep(0.1)
    def log_message(self, *a):
        pass
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
)";

class BuildoutProgressCli : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = slapos::testing::PickFreePort();
    ASSERT_TRUE(WriteFileAtomic(dir_.Join("server.py"), kSlowServer).ok());
    server_ = std::make_unique<slapos::testing::ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", dir_.Join("server.py"), std::to_string(port_)},
        dir_.Join("server.log"));
    ASSERT_TRUE(WriteFileAtomic(dir_.Join("buildout.cfg"), Profile()).ok());
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/big.bin"; }
  std::string Profile() const {
    return "[buildout]\nparts = slow fetch\n"
           "[slow]\nrecipe = plone.recipe.command\nstop-on-error = true\n"
           "command = echo compiling-one; sleep 0.5; echo compiling-two; sleep 0.5\n"
           "[fetch]\nrecipe = slapos.recipe.build:download\nurl = " +
           Url() + "\n";
  }
  void WaitForServer() {
    ASSERT_TRUE(slapos::testing::WaitFor(
        [&] {
          ProcessOptions o;
          o.argv = {"curl", "-s", "-o", "/dev/null", "-r", "0-0", Url()};
          o.timeout_seconds = 5;
          auto r = RunProcess(o);
          return r.ok() && r->success();
        },
        10));
  }
  // Runs `slapos buildout` on a pty; returns everything it wrote and its exit code.
  std::string RunOnPty(int* code) {
    int master = -1;
    struct winsize ws {};
    ws.ws_col = 200;
    ws.ws_row = 50;
    pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
    if (pid == 0) {
      if (chdir(dir_.path().c_str()) != 0) _exit(127);
      std::string bin = slapos::testing::SlaposBinary();
      execl(bin.c_str(), bin.c_str(), "buildout", static_cast<char*>(nullptr));
      _exit(127);
    }
    EXPECT_GT(pid, 0);
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        break;  // EIO: the child closed the terminal
      }
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
  }
  TempDir dir_{"slapos-buildout-progress"};
  int port_ = 0;
  std::unique_ptr<slapos::testing::ChildProcess> server_;
};

TEST_F(BuildoutProgressCli, TerminalShowsLiveLinesForCommandsAndDownloads) {
  WaitForServer();
  int code = -1;
  std::string out = RunOnPty(&code);
  ASSERT_EQ(code, 0) << out;
  // The shell step: a live line with the elapsed time and its last output line, then one
  // permanent line with its duration.
  EXPECT_NE(out.find("\r\x1b[Kpart [slow]: command  0."), std::string::npos) << out;
  EXPECT_NE(out.find("  | compiling-one"), std::string::npos) << out;
  EXPECT_NE(out.find("part [slow]: command: done in "), std::string::npos) << out;
  // The download: bytes of the total, percentage and rate.
  EXPECT_NE(out.find("\r\x1b[Kdownload " + Url() + "  "), std::string::npos) << out;
  EXPECT_NE(out.find("/1000.0 KB "), std::string::npos) << out;
  EXPECT_NE(out.find("B/s"), std::string::npos) << out;
  EXPECT_NE(out.find("download " + Url() + ": done in "), std::string::npos) << out;
  EXPECT_NE(out.find("Installing slow.\r\n"), std::string::npos) << out;
  // The live line never stays behind: it is erased and the step's permanent line ends the output.
  std::string last = out.substr(out.rfind("\x1b[K") + 3);
  EXPECT_EQ(last.rfind("download " + Url() + ": done in ", 0), 0u) << last;
  EXPECT_EQ(last.substr(last.size() - 2), "\r\n") << last;
}

TEST_F(BuildoutProgressCli, PipeGetsOneLinePerStepWithoutControlCharacters) {
  WaitForServer();
  ProcessOptions o;
  o.argv = {slapos::testing::SlaposBinary(), "buildout"};
  o.cwd = dir_.path();
  o.timeout_seconds = 60;
  Result<ProcessResult> r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->exit_code, 0) << r->output;
  for (char c : r->output)
    EXPECT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20) << r->output;
  std::vector<std::string> lines = Split(std::string(TrimRight(r->output)), '\n');
  ASSERT_EQ(lines.size(), 6u) << r->output;
  EXPECT_EQ(lines[0], "Installing slow.");
  EXPECT_EQ(lines[1],
            "part [slow]: command: echo compiling-one; sleep 0.5; echo compiling-two; sleep 0.5");
  EXPECT_EQ(lines[2].rfind("part [slow]: command: done in ", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3], "Installing fetch.");
  EXPECT_EQ(lines[4], "downloading " + Url());
  EXPECT_EQ(lines[5].rfind("download " + Url() + ": done in ", 0), 0u) << lines[5];
  EXPECT_NE(lines[5].find("(1000.0 KB, "), std::string::npos) << lines[5];
}

}  // namespace
}  // namespace slapos
