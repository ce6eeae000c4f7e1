// The node's watchdog (node.md §8.4): a supervisord event listener that bangs a partition on the
// master when one of its etc/service programs ("*-on-watch") exits or fails, at most once per
// successful deployment (.slapos_latest_bang_timestamp vs .timestamp). The protocol loop, the
// de-duplication rule and the [eventlistener:watchdog] section live here; the master sits
// behind BangSender (watchdog_master.h has the real one). Not thread-safe.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "node/config.h"
#include "util/status.h"

namespace slapos::node {

inline constexpr char kLatestBangFile[] = ".slapos_latest_bang_timestamp";

// "key:value key2:value2" -> map (a token without ':' is skipped; the first ':' splits).
std::map<std::string, std::string> ParseListenerTokens(std::string_view line);

// A watched program that went down: the partition (its group) and the program.
struct WatchedFailure {
  std::string eventname;    // PROCESS_STATE_EXITED / PROCESS_STATE_FATAL
  std::string processname;  // slappart0_hello-server-on-watch
  std::string partition;    // the group name
};

// The failure an event reports, or nothing when the event is not for the watchdog (another
// event type, a program that is not "-on-watch", no group).
std::optional<WatchedFailure> WatchedFailureOf(const std::map<std::string, std::string>& header,
                                               std::string_view payload);

// node.md §8.4 de-duplication: no bang file -> bang; a bang file but no .timestamp -> not;
// .timestamp newer than the bang file -> bang; else not. Values compare as numbers; an
// unreadable number counts as 0.
bool ShouldBang(const std::optional<std::string>& latest_bang,
                const std::optional<std::string>& timestamp);

class BangSender {
 public:
  virtual ~BangSender() = default;
  virtual Status Bang(const std::string& partition, const std::string& message) = 0;
};

// Handles one event for the partitions under `instance_root`: applies the rule, bangs, then
// records the current .timestamp (or "0") in the bang file. True when it banged.
Result<bool> HandleWatchdogEvent(const std::string& instance_root,
                                 const std::map<std::string, std::string>& header,
                                 std::string_view payload, BangSender& sender);

// supervisord's event-listener protocol on `in`/`out`: "READY\n", a header line, `len` bytes of
// payload, `handle(header, payload)`, "RESULT 2\nOK"; again until `in` ends (returns OK) or
// breaks the protocol (an error naming what was read).
using ListenerHandler =
    std::function<void(const std::map<std::string, std::string>&, const std::string&)>;
Status RunEventListener(std::FILE* in, std::FILE* out, const ListenerHandler& handle);

// The [eventlistener:watchdog] section of the node's supervisord.conf: runs
// `<slapos_binary> node watchdog --master-url ... --computer-id ... --instance-root ...` (plus the
// certificate repository and the node's TLS files when configured) on PROCESS_STATE_EXITED and
// PROCESS_STATE_FATAL.
std::string WatchdogSection(const NodeConfig& config, const std::string& slapos_binary);

}  // namespace slapos::node
