#include "build/progress.h"

#include <gtest/gtest.h>

#include <vector>

namespace slapos::build {
namespace {

class BuildProgressTest : public ::testing::Test {
 protected:
  Progress::Options Opts(bool terminal) {
    Progress::Options o;
    o.terminal = terminal;
    o.env = &env_;
    o.width = 60;
    o.write = [this](const std::string& s) { out_.push_back(s); };
    return o;
  }
  FakeEnv env_;
  std::vector<std::string> out_;
};

TEST_F(BuildProgressTest, LogModeGivesOneLineAtStartAndEndWithoutControlCharacters) {
  {
    Progress p(Opts(false));
    p.Log("Installing gcc.");
    p.Begin("part [gcc]: make", "part [gcc]: make: make -j2");
    p.Output("cc -c a.c\ncc -c b.c\n");
    env_.Advance(2500000);
    p.Output("\x1b[1mwarning\x1b[0m\n");
    p.End(true);
    p.Begin("download http://h/a.tgz", "downloading http://h/a.tgz");
    p.Bytes(512 * 1024, 1024 * 1024);
    env_.Advance(500000);
    p.Bytes(1024 * 1024, 1024 * 1024);
    p.End(true);
    p.Begin("part [x]: configure");
    env_.Advance(61 * 1000000LL);
    p.End(false);
  }
  EXPECT_EQ(out_, (std::vector<std::string>{
                      "Installing gcc.",
                      "part [gcc]: make: make -j2",
                      "part [gcc]: make: done in 2.5s",
                      "downloading http://h/a.tgz",
                      "download http://h/a.tgz: done in 0.5s (1.0 MB, 2.0 MB/s)",
                      "part [x]: configure",
                      "part [x]: configure: failed after 1m01s",
                  }));
}

TEST_F(BuildProgressTest, TerminalModeRewritesOneLiveLineWithElapsedTimeAndLastOutputLine) {
  Progress p(Opts(true));
  p.Begin("part [gcc]: make", "part [gcc]: make: make -j2");
  ASSERT_EQ(out_.size(), 2u);
  EXPECT_EQ(out_[0], "part [gcc]: make: make -j2\n");
  EXPECT_EQ(out_[1], "\r\x1b[Kpart [gcc]: make  0.0s");
  env_.Advance(50000);
  p.Output("cc -c a.c\n");  // within the redraw interval: not drawn
  EXPECT_EQ(out_.size(), 2u);
  env_.Advance(100000);
  p.Output("cc -c b.c\tx\nlinking");
  ASSERT_EQ(out_.size(), 3u);
  EXPECT_EQ(out_[2], "\r\x1b[Kpart [gcc]: make  0.1s  | linking");
  // A log line erases the live line, prints, and draws it again.
  p.Log("a warning");
  ASSERT_EQ(out_.size(), 6u);
  EXPECT_EQ(out_[3], "\r\x1b[K");
  EXPECT_EQ(out_[4], "a warning\n");
  EXPECT_EQ(out_[5], "\r\x1b[Kpart [gcc]: make  0.1s  | linking");
  env_.Advance(200000);
  p.Output(" done\n");
  EXPECT_EQ(out_.back(), "\r\x1b[Kpart [gcc]: make  0.3s  | linking done");
  p.End(true);
  EXPECT_EQ(out_[out_.size() - 2], "\r\x1b[K");
  EXPECT_EQ(out_.back(), "part [gcc]: make: done in 0.3s\n");
}

TEST_F(BuildProgressTest, TerminalDownloadLineShowsBytesTotalPercentAndRateCutToTheWidth) {
  Progress p(Opts(true));
  p.Begin("download http://example.org/a-rather-long-name/source-1.2.3.tar.gz");
  env_.Advance(1000000);
  p.Bytes(3 * 1024 * 1024, 12 * 1024 * 1024);
  std::string line = out_.back();
  EXPECT_EQ(line.substr(0, 4), "\r\x1b[K");
  EXPECT_EQ(line.size(), 4u + 59u) << line;  // width 60, one column left free
  out_.clear();
  Progress::Options o = Opts(true);
  o.width = 200;
  Progress p2(o);
  p2.Begin("download http://h/a.tgz");
  env_.Advance(2000000);
  p2.Bytes(3 * 1024 * 1024, 12 * 1024 * 1024);
  EXPECT_EQ(out_.back(), "\r\x1b[Kdownload http://h/a.tgz  2.0s  3.0 MB/12.0 MB 25%  1.5 MB/s");
}

TEST_F(BuildProgressTest, StepEndsAsFailedUnlessDoneAndFallsBackToLogLines) {
  std::vector<std::string> lines;
  auto log = [&](const std::string& l) { lines.push_back(l); };
  { ProgressStep s(nullptr, log, "part [a]: make"); }
  {
    ProgressStep s(nullptr, log, "part [b]: make", "part [b]: make: make all");
    s.Done(true);
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "part [a]: make");
  EXPECT_EQ(lines[1].rfind("part [a]: make: failed after ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2], "part [b]: make: make all");
  EXPECT_EQ(lines[3].rfind("part [b]: make: done in ", 0), 0u) << lines[3];
  // With a Progress, the step goes there.
  Progress p(Opts(false));
  {
    ProgressStep s(&p, log, "part [c]: make");
    s.Done(true);
  }
  EXPECT_EQ(lines.size(), 4u);
  EXPECT_EQ(out_, (std::vector<std::string>{"part [c]: make", "part [c]: make: done in 0.0s"}));
}

TEST_F(BuildProgressTest, Formats) {
  EXPECT_EQ(Progress::FormatBytes(512), "512 B");
  EXPECT_EQ(Progress::FormatBytes(1536), "1.5 KB");
  EXPECT_EQ(Progress::FormatBytes(5 * 1024 * 1024), "5.0 MB");
  EXPECT_EQ(Progress::FormatDuration(1250000), "1.2s");
  EXPECT_EQ(Progress::FormatDuration(125 * 1000000LL), "2m05s");
}

}  // namespace
}  // namespace slapos::build
