// Retry delays of a process that keeps dying before `startsecs`: capped exponential backoff
// with jitter (supervisord adds one second per attempt; users asked for this instead).
// Pure function; thread-safe.
#pragma once

#include <cstdint>

namespace slapos::supervise {

// Delay in microseconds before retry number `attempt` (1 = first retry):
// d = min(max, initial * 2^(attempt-1)), then "equal jitter": d/2 + random share of d/2.
// `random` is a uniform 64-bit value (Env::Random()).
int64_t BackoffDelayMicros(int attempt, double initial_secs, double max_secs, uint64_t random);

}  // namespace slapos::supervise
