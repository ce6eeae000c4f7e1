#include "recipe_fixture.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build/recipes/recipes.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::build::testing_support {

namespace {
bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// ChildProcess uses execv: give it an absolute path found in PATH.
std::string FindProgram(const std::string& name) {
  const char* path = getenv("PATH");
  for (const auto& dir : Split(path ? path : "/usr/bin:/bin", ':')) {
    std::string full = JoinPath(dir.empty() ? "." : dir, name);
    if (access(full.c_str(), X_OK) == 0) return full;
  }
  return "/usr/bin/" + name;
}
}  // namespace

HttpServer::HttpServer(const std::string& root) {
  port_ = slapos::testing::PickFreePort();
  MakeDirs(root);
  child_ = std::make_unique<slapos::testing::ChildProcess>(
      std::vector<std::string>{FindProgram("python3"), "-m", "http.server", "--bind", "127.0.0.1",
                               "--directory", root, std::to_string(port_)},
      root + "/../http-server.log");
  ok_ = slapos::testing::WaitFor([&] { return CanConnect(port_); }, 20);
}

std::string HttpServer::Url(const std::string& rel) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + rel;
}

void HttpServer::Stop() { child_.reset(); }

FakeBuildout::FakeBuildout() : tmp_("slapos-recipes") {
  RegisterNativeRecipes(registry_);
  ctx_.directory = tmp_.path();
  ctx_.parts_directory = tmp_.Join("parts");
  ctx_.bin_directory = tmp_.Join("bin");
  MakeDirs(ctx_.parts_directory);
  MakeDirs(ctx_.bin_directory);
  sections_["buildout"] = {{"directory", ctx_.directory},
                           {"parts-directory", ctx_.parts_directory},
                           {"bin-directory", ctx_.bin_directory}};
  ctx_.section = [this](const std::string& name) -> Result<Options> {
    auto it = sections_.find(name);
    if (it == sections_.end()) return NotFound("section [" + name + "] does not exist");
    return it->second;
  };
  ctx_.log = [this](const std::string& line) { log_.push_back(line); };
}

std::string FakeBuildout::LogText() const { return Join(log_, "\n"); }

Status FakeBuildout::InitOnly(const std::string& recipe, const std::string& part,
                              Options& options) {
  SLAPOS_ASSIGN_OR_RETURN(auto r, registry_.Create(recipe));
  options["recipe"] = recipe;
  return r->Init(part, options, ctx_);
}

Result<std::vector<std::string>> FakeBuildout::Install(const std::string& recipe,
                                                       const std::string& part, Options& options) {
  SLAPOS_ASSIGN_OR_RETURN(auto r, registry_.Create(recipe));
  options["recipe"] = recipe;
  SLAPOS_RETURN_IF_ERROR(r->Init(part, options, ctx_));
  sections_[part] = options;
  return r->Install(part, options, ctx_);
}

Status FakeBuildout::Update(const std::string& recipe, const std::string& part, Options& options) {
  SLAPOS_ASSIGN_OR_RETURN(auto r, registry_.Create(recipe));
  options["recipe"] = recipe;
  SLAPOS_RETURN_IF_ERROR(r->Init(part, options, ctx_));
  return r->Update(part, options, ctx_);
}

void Write(const std::string& path, const std::string& content, unsigned mode) {
  ASSERT_TRUE(MakeDirs(Dirname(path)).ok());
  Status st = WriteFileAtomic(path, content, mode);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

std::string ReadOr(const std::string& path, const std::string& fallback) {
  auto r = ReadFile(path);
  return r.ok() ? *r : fallback;
}

std::string RunOk(const std::vector<std::string>& argv, const std::string& cwd) {
  ProcessOptions p;
  p.argv = argv;
  p.cwd = cwd;
  auto r = RunProcess(p);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return "";
  EXPECT_TRUE(r->success()) << Join(argv, " ") << ": " << r->output;
  return r->output;
}

}  // namespace slapos::build::testing_support
