// Supervisor: state-change notifications and supervisord's event listener protocol
// (READY / header + payload / RESULT n\nOK|FAIL).
#include <unistd.h>

#include "supervise/supervisor.h"
#include "util/strings.h"

namespace slapos::supervise {

namespace {

// supervisord's event types form a hierarchy: EVENT is every event, and PROCESS_STATE, TICK,
// PROCESS_LOG, PROCESS_COMMUNICATION, SUPERVISOR_STATE_CHANGE and PROCESS_GROUP are each the
// events named with that prefix.
bool Subscribed(const ProcessConfig& listener, std::string_view event) {
  static const std::string_view kAbstract[] = {"PROCESS_STATE", "TICK", "PROCESS_LOG", "PROCESS_COMMUNICATION",
                                                "SUPERVISOR_STATE_CHANGE", "PROCESS_GROUP"};
  for (const std::string& e : listener.events) {
    if (e == event || e == "EVENT") return true;
    for (std::string_view a : kAbstract)
      if (e == a && event.size() > a.size() && event.substr(0, a.size()) == a && event[a.size()] == '_') return true;
  }
  return false;
}

constexpr int kTickPeriods[3] = {5, 60, 3600};
constexpr const char* kTickNames[3] = {"TICK_5", "TICK_60", "TICK_3600"};

}  // namespace

bool Supervisor::AnySubscribed(const std::string& event) const {
  for (const Group* g : listener_pools_)
    if (!g->processes.empty() && Subscribed(g->processes.front()->sp->config(), event)) return true;
  return false;
}

// TICK_n is sent when the wall clock crosses a multiple of n seconds (supervisord's
// timeslice), payload `when:<that multiple>`. There is one timer per period, and only while
// some pool subscribes: no listener, no wake-up.
void Supervisor::UpdateTickTimers() {
  for (int i = 0; i < 3; ++i) {
    bool want = state_ == DaemonState::kRunning && AnySubscribed(kTickNames[i]);
    if (want && !tick_timer_[i]) {
      int64_t now = env_->NowMicros();
      int64_t period = kTickPeriods[i] * int64_t{1000000};
      if (!last_tick_[i]) last_tick_[i] = now / period * (period / 1000000);
      int64_t next = (now / period + 1) * period;
      tick_timer_[i] = loop_.AddTimer(env_->MonotonicMicros() + (next - now), [this, i] { OnTick(i); });
    } else if (!want && tick_timer_[i]) {
      loop_.CancelTimer(tick_timer_[i]);
      tick_timer_[i] = 0;
    }
  }
}

void Supervisor::OnTick(int i) {
  tick_timer_[i] = 0;
  int64_t period_s = kTickPeriods[i];
  int64_t when = env_->NowMicros() / 1000000 / period_s * period_s;
  if (when != last_tick_[i]) {  // a timer that fired a little early waits for the boundary
    last_tick_[i] = when;
    EmitEvent(kTickNames[i], "when:" + std::to_string(when));
  }
  UpdateTickTimers();
}

void Supervisor::StateChanged(Subprocess& sp, ProcessState from) {
  const ProcessConfig& pc = sp.config();
  if (listener_pools_.empty()) {  // nobody listens: no payload to build
    RunWaiters(&sp);
    return;
  }
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
  EmitEvent(std::string("PROCESS_STATE_") + StateName(sp.state()), payload, &pc.group);
  if (pc.is_listener && sp.state() == ProcessState::kRunning)
    if (Group* g = FindGroup(pc.group)) DispatchEvents(*g);
  RunWaiters(&sp);
}

void Supervisor::EmitEvent(const std::string& name, const std::string& payload, const std::string* from_group) {
  if (listener_pools_.empty()) return;
  ++event_serial_;
  for (Group* g : listener_pools_) {
    const std::string& gname = g->config->name;
    if (g->processes.empty()) continue;
    const ProcessConfig& lc = g->processes.front()->sp->config();
    if (!Subscribed(lc, name)) continue;
    // A pool does not hear about its own listeners (that would feed back on itself).
    if (from_group && *from_group == gname) continue;
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
      if (p->listener && p->sp->state() == ProcessState::kRunning && p->listener->state == ListenerState::kReady &&
          p->stdin_fd >= 0) {
        ready = p.get();
        break;
      }
    if (!ready) return;
    QueuedEvent ev = std::move(g.event_queue.front());
    g.event_queue.pop_front();
    ++g.pool_serial;
    std::string envelope = "ver:3.0 server:" + config_.daemon.identifier + " serial:" + std::to_string(ev.serial) +
                           " pool:" + g.config->name + " poolserial:" + std::to_string(g.pool_serial) +
                           " eventname:" + ev.name + " len:" + std::to_string(ev.payload.size()) + "\n" + ev.payload;
    Status st = SendStdin(*ready, envelope);
    if (!st.ok()) {
      MainLog("error", "event listener " + ready->sp->FullName() + ": " + st.message());
      g.event_queue.push_front(std::move(ev));
      return;
    }
    ready->listener->state = ListenerState::kBusy;
    ready->listener->event = std::move(ev);
  }
}

void Supervisor::OnListenerStdout(Process& p, Group& g, std::string_view data) {
  if (!p.listener) return;
  ListenerIo& L = *p.listener;
  L.buf.append(data);
  while (true) {
    std::string& buf = L.buf;
    if (L.state == ListenerState::kAcknowledged) {
      size_t nl = buf.find('\n');
      if (nl == std::string::npos) {
        if (buf.size() > 64) buf.clear();
        return;
      }
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (Trim(line) == "READY") {
        L.state = ListenerState::kReady;
        DispatchEvents(g);
      } else {
        MainLog("warn", "event listener " + p.sp->FullName() + " sent '" + line + "' instead of READY; ignored");
      }
      continue;
    }
    if (L.state == ListenerState::kBusy) {
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
      if (result != "OK" && L.event) {
        MainLog("warn", "event listener " + p.sp->FullName() + " rejected event " +
                            std::to_string(L.event->serial) + " (" + result + "); it will be resent");
        g.event_queue.push_front(std::move(*L.event));
      }
      L.event.reset();
      L.state = ListenerState::kAcknowledged;
      if (state_ != DaemonState::kRunning) CheckShutdownDone();  // shutdown waits for listeners to drain
      continue;
    }
    // READY: the listener should be silent until it gets an event.
    buf.clear();
    return;
  }
}

void Supervisor::ListenerExited(Process& p, Group& g) {
  ListenerIo& L = *p.listener;
  if (L.event) {
    g.event_queue.push_front(std::move(*L.event));
    L.event.reset();
  }
  L.state = ListenerState::kAcknowledged;
  L.buf.clear();
}

}  // namespace slapos::supervise
