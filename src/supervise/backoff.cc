#include "supervise/backoff.h"

#include <algorithm>
#include <cmath>

namespace slapos::supervise {

int64_t BackoffDelayMicros(int attempt, double initial_secs, double max_secs, uint64_t random) {
  if (attempt < 1) attempt = 1;
  double d = initial_secs * std::ldexp(1.0, std::min(attempt - 1, 60));
  d = std::min(d, max_secs);
  if (d <= 0) return 0;
  double share = static_cast<double>(random >> 11) / static_cast<double>(1ULL << 53);  // [0, 1)
  double jittered = d / 2 + share * (d / 2);
  return static_cast<int64_t>(jittered * 1e6);
}

}  // namespace slapos::supervise
