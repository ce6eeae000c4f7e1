// Test support for the native recipes: a real HTTP server (python3 -m http.server) serving a
// temporary directory, and a minimal buildout (directories, sections, a log) whose
// BuildContext the recipes run with. Not thread-safe; one per test.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "build/recipe.h"
#include "util/testing.h"

namespace slapos::build::testing_support {

// Serves `root` on 127.0.0.1:<free port> until destroyed.
class HttpServer {
 public:
  explicit HttpServer(const std::string& root);
  bool ok() const { return ok_; }
  std::string Url(const std::string& rel) const;
  void Stop();

 private:
  int port_ = 0;
  bool ok_ = false;
  std::unique_ptr<slapos::testing::ChildProcess> child_;
};

class FakeBuildout {
 public:
  FakeBuildout();
  std::string Path(const std::string& rel) const { return tmp_.Join(rel); }
  BuildContext& ctx() { return ctx_; }
  std::map<std::string, Options>& sections() { return sections_; }
  const std::vector<std::string>& log() const { return log_; }
  std::string LogText() const;

  // Creates the recipe, runs Init on `options` (which it may complete), then Install.
  Result<std::vector<std::string>> Install(const std::string& recipe, const std::string& part,
                                           Options& options);
  Status Update(const std::string& recipe, const std::string& part, Options& options);
  Status InitOnly(const std::string& recipe, const std::string& part, Options& options);

 private:
  slapos::testing::TempDir tmp_;
  RecipeRegistry registry_;
  std::map<std::string, Options> sections_;
  std::vector<std::string> log_;
  BuildContext ctx_;
};

// Writes `content` at `path` (parents created) with `mode`; fails the test on error.
void Write(const std::string& path, const std::string& content, unsigned mode = 0644);
std::string ReadOr(const std::string& path, const std::string& fallback = "<missing>");
// Runs argv (in cwd) and returns its output; fails the test on a non-zero exit.
std::string RunOk(const std::vector<std::string>& argv, const std::string& cwd = "");

}  // namespace slapos::build::testing_support
