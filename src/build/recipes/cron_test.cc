#include "build/recipes/cron.h"

#include <gtest/gtest.h>

namespace slapos::build::recipes {
namespace {

std::string Cron(const std::string& spec) {
  auto r = SystemdCalendarToCron(spec);
  return r.ok() ? *r : "ERROR: " + r.status().message();
}

TEST(RecipeCronTest, ShortNames) {
  EXPECT_EQ(Cron("daily"), "0 0 * * *");
  EXPECT_EQ(Cron("hourly"), "0 * * * *");
  EXPECT_EQ(Cron("weekly"), "0 0 * * 1");
  EXPECT_EQ(Cron("monthly"), "0 0 1 * *");
  EXPECT_EQ(Cron("minutely"), "* * * * *");
}

TEST(RecipeCronTest, CalendarSpecs) {
  EXPECT_EQ(Cron("Mon *-*-* 3:00"), "0 3 * * 1");
  EXPECT_EQ(Cron("Mon..Fri 22:30"), "30 22 * * 1-5");
  EXPECT_EQ(Cron("Sat,Sun *-*-* 04:05:00"), "5 4 * * 6,0");
  EXPECT_EQ(Cron("*-*-01 00:00"), "0 0 1 * *");
  EXPECT_EQ(Cron("*:0/15"), "0-59/15 * * * *");
  EXPECT_EQ(Cron("*:*"), "* * * * *");
  EXPECT_EQ(Cron("*-12-25 06:00"), "0 6 25 12 *");
}

TEST(RecipeCronTest, RejectsWhatCronCannotSay) {
  EXPECT_EQ(Cron("2024-*-* 00:00"),
            "ERROR: calendar spec '2024-*-* 00:00': cron cannot express years; write e.g. "
            "'daily', 'Mon *-*-* 3:00' or '*:0/15'");
  EXPECT_NE(Cron("*:00:30").find("seconds"), std::string::npos);
  EXPECT_NE(Cron("Funday 1:00").find("unknown weekday 'Funday'"), std::string::npos);
  EXPECT_NE(Cron("25:00").find("bad field"), std::string::npos);
}

}  // namespace
}  // namespace slapos::build::recipes
