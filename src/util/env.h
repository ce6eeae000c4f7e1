// Env: the one seam between slapos-cpp and the operating system's clock and randomness
// (as in LevelDB). Production code takes an Env*; tests pass a FakeEnv and move time by hand
// instead of sleeping. Env::Default() is thread-safe; FakeEnv is thread-safe too.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace slapos {

class Env {
 public:
  virtual ~Env() = default;
  // Wall clock, microseconds since the Unix epoch.
  virtual int64_t NowMicros() = 0;
  // Monotonic clock, microseconds from an arbitrary origin; for timeouts and durations.
  virtual int64_t MonotonicMicros() = 0;
  // Uniform random 64-bit value (not for keys: use OpenSSL for secrets).
  virtual uint64_t Random() = 0;
  // Blocks the caller; FakeEnv advances its clocks instead.
  virtual void SleepMicros(int64_t micros) = 0;

  static Env* Default();
};

// A clock that moves only when told to. Random() is a fixed-seed generator.
class FakeEnv : public Env {
 public:
  explicit FakeEnv(int64_t now_micros = 1700000000LL * 1000000) : now_(now_micros) {}
  int64_t NowMicros() override;
  int64_t MonotonicMicros() override;
  uint64_t Random() override;
  void SleepMicros(int64_t micros) override { Advance(micros); }
  void Advance(int64_t micros);

 private:
  std::mutex mu_;
  int64_t now_;
  int64_t mono_ = 0;
  uint64_t seed_ = 0x9e3779b97f4a7c15ULL;
};

}  // namespace slapos
