// Supervisor: state-change notifications and supervisord's event listener protocol
// (READY / header + payload / RESULT n\nOK|FAIL).
#include <unistd.h>

#include "supervise/supervisor.h"
#include "util/strings.h"

namespace slapos::supervise {

namespace {

bool Subscribed(const ProcessConfig& listener, const std::string& event) {
  for (const std::string& e : listener.events) {
    if (e == event || e == "EVENT") return true;
    if (e == "PROCESS_STATE" && StartsWith(event, "PROCESS_STATE_")) return true;
  }
  return false;
}

}  // namespace

void Supervisor::StateChanged(Subprocess& sp, ProcessState from) {
  const ProcessConfig& pc = sp.config();
  std::string payload = "processname:" + pc.name + " groupname:" + pc.group + " from_state:" + StateName(from);
  switch (sp.state()) {
    case ProcessState::kStarting:
    case ProcessState::kBackoff:
      payload += " tries:" + std::to_string(sp.tries());
      break;
    case ProcessState::kRunning:
    case ProcessState::kStopping:
    case ProcessState::kStopped:
      payload += " pid:" + std::to_string(sp.last_pid());
      break;
    case ProcessState::kExited:
      payload += std::string(" expected:") + (sp.exit_expected() ? "1" : "0") + " pid:" + std::to_string(sp.last_pid());
      break;
    default:
      break;
  }
  EmitEvent(std::string("PROCESS_STATE_") + StateName(sp.state()), payload);
  if (pc.is_listener && sp.state() == ProcessState::kRunning)
    if (Group* g = FindGroup(pc.group)) DispatchEvents(*g);
  RunWaiters(&sp);
}

void Supervisor::EmitEvent(const std::string& name, const std::string& payload) {
  ++event_serial_;
  for (Group* g : listener_pools_) {
    const std::string& gname = g->config.name;
    if (g->processes.empty()) continue;
    const ProcessConfig& lc = g->processes.front()->sp->config();
    if (!Subscribed(lc, name)) continue;
    // A pool does not hear about its own listeners (that would feed back on itself).
    if (payload.find(" groupname:" + gname + " ") != std::string::npos) continue;
    if (static_cast<int>(g->event_queue.size()) >= lc.buffer_size) {
      MainLog("error", "pool " + gname + " event buffer overflowed, discarding event " +
                           std::to_string(g->event_queue.front().serial));
      g->event_queue.pop_front();
    }
    g->event_queue.push_back(QueuedEvent{name, payload, event_serial_});
    DispatchEvents(*g);
  }
}

void Supervisor::DispatchEvents(Group& g) {
  while (!g.event_queue.empty()) {
    Process* ready = nullptr;
    for (auto& p : g.processes)
      if (p->sp->state() == ProcessState::kRunning && p->listener_state == ListenerState::kReady && p->stdin_fd >= 0) {
        ready = p.get();
        break;
      }
    if (!ready) return;
    QueuedEvent ev = std::move(g.event_queue.front());
    g.event_queue.pop_front();
    ++g.pool_serial;
    std::string envelope = "ver:3.0 server:" + config_.daemon.identifier + " serial:" + std::to_string(ev.serial) +
                           " pool:" + g.config.name + " poolserial:" + std::to_string(g.pool_serial) +
                           " eventname:" + ev.name + " len:" + std::to_string(ev.payload.size()) + "\n" + ev.payload;
    Status st = SendStdin(*ready, envelope);
    if (!st.ok()) {
      MainLog("error", "event listener " + ready->sp->FullName() + ": " + st.message());
      g.event_queue.push_front(std::move(ev));
      return;
    }
    ready->listener_state = ListenerState::kBusy;
    ready->listener_event = std::move(ev);
  }
}

void Supervisor::OnListenerStdout(Process& p, Group& g, std::string_view data) {
  p.listener_buf.append(data);
  while (true) {
    std::string& buf = p.listener_buf;
    if (p.listener_state == ListenerState::kAcknowledged) {
      size_t nl = buf.find('\n');
      if (nl == std::string::npos) {
        if (buf.size() > 64) buf.clear();
        return;
      }
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (Trim(line) == "READY") {
        p.listener_state = ListenerState::kReady;
        DispatchEvents(g);
      } else {
        MainLog("warn", "event listener " + p.sp->FullName() + " sent '" + line + "' instead of READY; ignored");
      }
      continue;
    }
    if (p.listener_state == ListenerState::kBusy) {
      size_t nl = buf.find('\n');
      if (nl == std::string::npos) return;
      std::string head = buf.substr(0, nl);
      long long len = -1;
      if (!StartsWith(head, "RESULT ") || !ParseInt64(Trim(head.substr(7)), &len) || len < 0) {
        MainLog("warn", "event listener " + p.sp->FullName() + " sent '" + head + "' instead of RESULT <len>");
        buf.erase(0, nl + 1);
        continue;
      }
      if (buf.size() < nl + 1 + static_cast<size_t>(len)) return;
      std::string result = buf.substr(nl + 1, static_cast<size_t>(len));
      buf.erase(0, nl + 1 + static_cast<size_t>(len));
      if (result != "OK" && p.listener_event) {
        MainLog("warn", "event listener " + p.sp->FullName() + " rejected event " +
                            std::to_string(p.listener_event->serial) + " (" + result + "); it will be resent");
        g.event_queue.push_front(std::move(*p.listener_event));
      }
      p.listener_event.reset();
      p.listener_state = ListenerState::kAcknowledged;
      continue;
    }
    // READY: the listener should be silent until it gets an event.
    buf.clear();
    return;
  }
}

void Supervisor::ListenerExited(Process& p, Group& g) {
  if (p.listener_event) {
    g.event_queue.push_front(std::move(*p.listener_event));
    p.listener_event.reset();
  }
  p.listener_state = ListenerState::kAcknowledged;
  p.listener_buf.clear();
}

}  // namespace slapos::supervise
