// slapos.cookbook:promise.plugin, natively: instead of a Python module for slapos.core's
// promise runner, `output` becomes an executable /bin/sh check (exit 0 = promise kept) for the
// command-style checks: any `config-command`, and the modules check_command_execute,
// check_socket_listening, check_url_available. Other modules are an error (they need Python).
#include <sys/stat.h>

#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

std::string ModuleName(const Options& options) {
  std::string module(Trim(Get(options, "module")));
  if (module.empty()) {
    std::string file(Trim(Get(options, "file")));
    module = file.substr(file.rfind('/') + 1);
    if (EndsWith(module, ".py")) module.resize(module.size() - 3);
  }
  auto dot = module.rfind('.');
  return dot == std::string::npos ? module : module.substr(dot + 1);
}

Result<std::string> CheckScript(const std::string& part, const Options& options) {
  std::string module = ModuleName(options);
  std::string command(Trim(Get(options, "config-command")));
  std::string body;
  if (!command.empty()) {
    body = "exec /bin/sh -c " + ShellQuote(command) + "\n";
  } else if (module == "check_socket_listening") {
    std::string host(Trim(Get(options, "config-host")));
    std::string port(Trim(Get(options, "config-port")));
    std::string socket(Trim(Get(options, "config-pathname")));
    if (!socket.empty()) {
      body = "[ -S " + ShellQuote(socket) + " ] || { echo " +
             ShellQuote(socket + " is not a listening socket") + "; exit 1; }\n";
    } else {
      if (host.empty() || port.empty())
        return InvalidArgument("part [" + part +
                               "]: check_socket_listening needs config-host and config-port");
      body = "if /bin/bash -c " + ShellQuote("exec 3<>/dev/tcp/" + host + "/" + port) +
             " 2>/dev/null; then exit 0; fi\necho " +
             ShellQuote(host + ":" + port + " is not listening") + "\nexit 1\n";
    }
  } else if (module == "check_url_available") {
    std::string url(Trim(Get(options, "config-url")));
    if (url.empty())
      return InvalidArgument("part [" + part + "]: check_url_available needs config-url");
    std::string code(Trim(Get(options, "config-http-code", "200")));
    body = "code=$(curl -k -s -o /dev/null -w '%{http_code}' --max-time 20 " + ShellQuote(url) +
           ") || true\n"
           "if [ \"$code\" != " + ShellQuote(code) + " ]; then\n"
           "  echo " + ShellQuote(url + ": expected HTTP " + code + ", got ") + "\"$code\"\n"
           "  exit 1\nfi\n";
  } else {
    return InvalidArgument("part [" + part + "]: promise module '" +
                           (module.empty() ? std::string("(none)") : module) +
                           "' needs slapos.core's Python promise runner; the native "
                           "promise.plugin recipe handles config-command, "
                           "check_command_execute, check_socket_listening and "
                           "check_url_available");
  }
  std::string s = "#!/bin/sh\n# promise " + part + " (" + (module.empty() ? "command" : module) +
                  "), written by slapos.cookbook:promise.plugin\n";
  for (const auto& [k, v] : options)
    if (StartsWith(k, "config-")) s += "# " + k + " = " + ReplaceAll(v, "\n", " ") + "\n";
  return s + body;
}

class PromisePluginRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    (void)ctx;
    SLAPOS_ASSIGN_OR_RETURN(std::string output, Require(part, options, "output"));
    (void)output;
    return CheckScript(part, options).status();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    (void)ctx;
    SLAPOS_ASSIGN_OR_RETURN(std::string output, Require(part, options, "output"));
    SLAPOS_ASSIGN_OR_RETURN(std::string script, CheckScript(part, options));
    SLAPOS_ASSIGN_OR_RETURN(unsigned mode, GetMode(part, options, "mode", 0755));
    SLAPOS_RETURN_IF_ERROR(WriteFileIfChanged(output, script, mode));
    return std::vector<std::string>{output};
  }

  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Install(part, options, ctx).status();
  }
};

}  // namespace

std::unique_ptr<Recipe> NewPromisePluginRecipe() { return std::make_unique<PromisePluginRecipe>(); }

}  // namespace slapos::build::recipes
