// Conversion of systemd calendar specs ("daily", "Mon..Fri *-*-* 3:00", "*:0/5") to the
// five fields of a crontab line, for slapos.cookbook:cron.d's `time` option. Pure; thread-safe.
#pragma once

#include <string>

#include "util/status.h"

namespace slapos::build::recipes {

// "daily" -> "0 0 * * *"; "Mon *-*-* 3:30" -> "30 3 * * 1". InvalidArgument on what cron
// cannot express (years, seconds other than 0) or cannot be parsed.
Result<std::string> SystemdCalendarToCron(const std::string& spec);

}  // namespace slapos::build::recipes
