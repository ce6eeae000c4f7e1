// The supervisor's single-threaded event loop: epoll for file descriptors, a timer queue on
// the monotonic clock (Env), and signalfd for signals. Nothing runs on a periodic tick: an
// idle loop sleeps in epoll_wait until the next timer or I/O. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

#include "util/env.h"
#include "util/status.h"

namespace slapos::supervise {

class EventLoop {
 public:
  using FdHandler = std::function<void(uint32_t events)>;
  using TimerId = uint64_t;

  explicit EventLoop(Env* env);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Status Init();
  // EPOLLIN/EPOLLOUT... Re-adding an fd replaces its handler and events.
  Status Watch(int fd, uint32_t events, FdHandler handler);
  Status Modify(int fd, uint32_t events);
  void Unwatch(int fd);

  TimerId AddTimer(int64_t when_monotonic_micros, std::function<void()> fn);
  void CancelTimer(TimerId id);

  // Blocks these signals and delivers them through `fn` on the loop.
  Status HandleSignals(const std::vector<int>& signals, std::function<void(int sig)> fn);

  // Runs until Stop(); returns when the loop is stopped.
  void Run();
  void Stop() { stopped_ = true; }
  Env* env() const { return env_; }

 private:
  Env* env_;
  int epfd_ = -1;
  int sigfd_ = -1;
  bool stopped_ = false;
  std::unordered_map<int, std::shared_ptr<FdHandler>> handlers_;
  std::map<std::pair<int64_t, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, int64_t> timer_when_;
  TimerId next_timer_ = 1;
  std::function<void(int)> signal_fn_;
};

}  // namespace slapos::supervise
