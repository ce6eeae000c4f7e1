#include "util/env.h"

#include <gtest/gtest.h>

namespace slapos {
namespace {

TEST(Env, FakeClockMovesOnlyWhenTold) {
  FakeEnv env(1000);
  EXPECT_EQ(env.NowMicros(), 1000);
  env.SleepMicros(500);
  EXPECT_EQ(env.NowMicros(), 1500);
  EXPECT_EQ(env.MonotonicMicros(), 500);
  EXPECT_NE(env.Random(), env.Random());
}

TEST(Env, DefaultClockAdvances) {
  Env* env = Env::Default();
  int64_t a = env->MonotonicMicros();
  env->SleepMicros(1000);
  EXPECT_GE(env->MonotonicMicros() - a, 1000);
}

}  // namespace
}  // namespace slapos
