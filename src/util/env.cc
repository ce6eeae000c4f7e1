#include "util/env.h"

#include <chrono>
#include <random>
#include <thread>

namespace slapos {

namespace {

class PosixEnv : public Env {
 public:
  int64_t NowMicros() override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }
  int64_t MonotonicMicros() override {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
  }
  uint64_t Random() override {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen();
  }
  void SleepMicros(int64_t micros) override {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

int64_t FakeEnv::NowMicros() {
  std::lock_guard<std::mutex> l(mu_);
  return now_;
}

int64_t FakeEnv::MonotonicMicros() {
  std::lock_guard<std::mutex> l(mu_);
  return mono_;
}

uint64_t FakeEnv::Random() {
  std::lock_guard<std::mutex> l(mu_);
  // splitmix64
  uint64_t z = (seed_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void FakeEnv::Advance(int64_t micros) {
  std::lock_guard<std::mutex> l(mu_);
  now_ += micros;
  mono_ += micros;
}

}  // namespace slapos
