#include "supervise/loop.h"

#include <cerrno>
#include <csignal>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <vector>

namespace slapos::supervise {

EventLoop::EventLoop(Env* env) : env_(env) {}

EventLoop::~EventLoop() {
  if (sigfd_ >= 0) ::close(sigfd_);
  if (epfd_ >= 0) ::close(epfd_);
}

Status EventLoop::Init() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) return ErrnoError("epoll_create1", errno);
  return Status::OK();
}

Status EventLoop::Watch(int fd, uint32_t events, FdHandler handler) {
  struct epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  bool exists = handlers_.count(fd) > 0;
  if (epoll_ctl(epfd_, exists ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0)
    return ErrnoError("epoll_ctl on fd " + std::to_string(fd), errno);
  handlers_[fd] = std::make_shared<FdHandler>(std::move(handler));
  return Status::OK();
}

Status EventLoop::Modify(int fd, uint32_t events) {
  struct epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) return ErrnoError("epoll_ctl MOD", errno);
  return Status::OK();
}

void EventLoop::Unwatch(int fd) {
  if (handlers_.erase(fd) > 0) epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::AddTimer(int64_t when, std::function<void()> fn) {
  TimerId id = next_timer_++;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  timer_when_[id] = when;
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  auto it = timer_when_.find(id);
  if (it == timer_when_.end()) return;
  timers_.erase(std::make_pair(it->second, id));
  timer_when_.erase(it);
}

Status EventLoop::HandleSignals(const std::vector<int>& signals, std::function<void(int)> fn) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return ErrnoError("sigprocmask", errno);
  sigfd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigfd_ < 0) return ErrnoError("signalfd", errno);
  signal_fn_ = std::move(fn);
  return Watch(sigfd_, EPOLLIN, [this](uint32_t) {
    struct signalfd_siginfo si;
    while (::read(sigfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) signal_fn_(static_cast<int>(si.ssi_signo));
  });
}

void EventLoop::Run() {
  stopped_ = false;
  std::vector<struct epoll_event> events(256);
  while (!stopped_) {
    int timeout_ms = -1;
    if (!timers_.empty()) {
      int64_t wait = timers_.begin()->first.first - env_->MonotonicMicros();
      timeout_ms = wait <= 0 ? 0 : static_cast<int>((wait + 999) / 1000);
    }
    int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n && !stopped_; ++i) {
      auto it = handlers_.find(events[i].data.fd);
      if (it == handlers_.end()) continue;
      std::shared_ptr<FdHandler> h = it->second;  // survives Unwatch from inside the handler
      (*h)(events[i].events);
    }
    // Expired timers, in order; a timer callback may add or cancel timers.
    int64_t now = env_->MonotonicMicros();
    while (!stopped_ && !timers_.empty() && timers_.begin()->first.first <= now) {
      auto node = timers_.extract(timers_.begin());
      timer_when_.erase(node.key().second);
      node.mapped()();
    }
  }
}

}  // namespace slapos::supervise
