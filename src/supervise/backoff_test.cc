#include "supervise/backoff.h"

#include <gtest/gtest.h>

namespace slapos::supervise {
namespace {

TEST(SupervisorBackoff, DoublesUpToTheCap) {
  const uint64_t kMax = ~0ULL;  // share ~1: the full delay
  EXPECT_NEAR(BackoffDelayMicros(1, 1, 60, kMax), 1e6, 1);
  EXPECT_NEAR(BackoffDelayMicros(2, 1, 60, kMax), 2e6, 1);
  EXPECT_NEAR(BackoffDelayMicros(3, 1, 60, kMax), 4e6, 1);
  EXPECT_NEAR(BackoffDelayMicros(7, 1, 60, kMax), 60e6, 1);   // 64 s capped
  EXPECT_NEAR(BackoffDelayMicros(500, 1, 60, kMax), 60e6, 1);  // no overflow
}

TEST(SupervisorBackoff, JitterKeepsAtLeastHalf) {
  EXPECT_EQ(BackoffDelayMicros(1, 1, 60, 0), 500000);
  EXPECT_EQ(BackoffDelayMicros(4, 1, 60, 0), 4000000);
  int64_t mid = BackoffDelayMicros(4, 1, 60, 1ULL << 63);
  EXPECT_GT(mid, 4000000);
  EXPECT_LT(mid, 8000000);
}

TEST(SupervisorBackoff, ConfigurableBaseAndZero) {
  EXPECT_EQ(BackoffDelayMicros(1, 0, 60, 12345), 0);
  EXPECT_NEAR(BackoffDelayMicros(3, 0.1, 0.3, ~0ULL), 300000, 1);
}

}  // namespace
}  // namespace slapos::supervise
