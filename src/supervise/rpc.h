// supervisord's XML-RPC interface (supervisor.* and system.* methods, same structs and fault
// codes) over a Supervisor. Calls that wait (startProcess with wait=true...) answer later
// through the reply callback. Not thread-safe: runs on the supervisor's loop.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "supervise/supervisor.h"
#include "supervise/xmlrpc.h"

namespace slapos::supervise {

using RpcResult = std::variant<Value, Fault>;
using RpcDone = std::function<void(RpcResult)>;

class RpcInterface {
 public:
  explicit RpcInterface(Supervisor* sup) : sup_(sup) {}
  // Parses a methodCall body and answers with a methodResponse document (maybe later).
  void HandleXml(std::string_view body, std::function<void(std::string)> reply);
  // Dispatches one call.
  void Call(const std::string& method, const std::vector<Value>& params, RpcDone done);
  static std::vector<std::string> MethodNames();

 private:
  Value ProcessInfo(Process& p);
  void StartOne(Process& p, bool wait, RpcDone done);
  void StopOne(Process& p, bool wait, RpcDone done);
  // Runs `one` on each process, then answers the list of {name, group, status, description}.
  void ForEach(std::vector<Process*> procs, std::function<void(Process&, RpcDone)> one, RpcDone done);
  std::vector<Process*> AllProcesses(bool lexical);
  // supervisord's name lookup: "g:p", "g:*" (process null), or "p" meaning "p:p";
  // `group_only`: the spec is a plain group name. False when nothing matches (BAD_NAME).
  bool Resolve(const std::string& spec, bool group_only, Group** g, Process** p);
  Supervisor* sup_;
};

}  // namespace slapos::supervise
