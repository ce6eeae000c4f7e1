#include "build/recipes/cron.h"

#include <map>
#include <vector>

#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

Status Bad(const std::string& spec, const std::string& why) {
  return InvalidArgument("calendar spec '" + spec + "': " + why +
                         "; write e.g. 'daily', 'Mon *-*-* 3:00' or '*:0/15'");
}

// One field: "*", "5", "05", "1,3", "1..5", "0/15" (start/step), "*/15".
Result<std::string> Field(const std::string& spec, std::string v, int max) {
  if (v == "*") return v;
  std::vector<std::string> out;
  for (auto piece : Split(v, ',')) {
    std::string step;
    auto slash = piece.find('/');
    if (slash != std::string::npos) {
      step = piece.substr(slash + 1);
      piece = piece.substr(0, slash);
    }
    std::string range = ReplaceAll(piece, "..", "-");
    std::vector<std::string> ends = Split(range, '-');
    std::string norm;
    for (size_t i = 0; i < ends.size(); ++i) {
      long long n;
      if (ends[i] == "*" && ends.size() == 1) {
        norm = "*";
        break;
      }
      if (!ParseInt64(ends[i], &n) || n < 0 || n > max) return Bad(spec, "bad field '" + v + "'");
      norm += (i ? "-" : "") + std::to_string(n);
    }
    if (!step.empty()) {
      long long s;
      if (!ParseInt64(step, &s) || s <= 0) return Bad(spec, "bad step in '" + v + "'");
      if (norm != "*" && norm.find('-') == std::string::npos) norm += "-" + std::to_string(max);
      norm += "/" + std::to_string(s);
    }
    out.push_back(norm);
  }
  return Join(out, ",");
}

Result<std::string> Weekdays(const std::string& spec, const std::string& v) {
  static const std::map<std::string, std::string> kDays = {
      {"mon", "1"}, {"tue", "2"}, {"wed", "3"}, {"thu", "4"}, {"fri", "5"}, {"sat", "6"}, {"sun", "0"},
      {"monday", "1"}, {"tuesday", "2"}, {"wednesday", "3"}, {"thursday", "4"}, {"friday", "5"},
      {"saturday", "6"}, {"sunday", "0"}};
  std::vector<std::string> out;
  for (const auto& piece : Split(v, ',')) {
    std::vector<std::string> ends = Split(ReplaceAll(piece, "..", "-"), '-');
    std::vector<std::string> nums;
    for (const auto& e : ends) {
      auto it = kDays.find(ToLower(e));
      if (it == kDays.end()) return Bad(spec, "unknown weekday '" + e + "'");
      nums.push_back(it->second);
    }
    out.push_back(Join(nums, "-"));
  }
  return Join(out, ",");
}

}  // namespace

Result<std::string> SystemdCalendarToCron(const std::string& raw) {
  std::string spec = ToLower(std::string(Trim(raw)));
  static const std::map<std::string, std::string> kShort = {
      {"minutely", "* * * * *"},  {"hourly", "0 * * * *"},   {"daily", "0 0 * * *"},
      {"weekly", "0 0 * * 1"},    {"monthly", "0 0 1 * *"},  {"yearly", "0 0 1 1 *"},
      {"annually", "0 0 1 1 *"},  {"quarterly", "0 0 1 1,4,7,10 *"}};
  auto it = kShort.find(spec);
  if (it != kShort.end()) return it->second;
  std::string dow = "*", month = "*", day = "*", hour = "0", minute = "0";
  auto tokens = SplitWhitespace(raw);
  if (tokens.empty()) return Bad(raw, "empty");
  size_t i = 0;
  if (isalpha(static_cast<unsigned char>(tokens[0][0]))) {
    SLAPOS_ASSIGN_OR_RETURN(dow, Weekdays(raw, tokens[0]));
    ++i;
  }
  bool saw_date = false, saw_time = false;
  for (; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t.find(':') != std::string::npos && !saw_time) {
      auto parts = Split(t, ':');
      if (parts.size() > 3) return Bad(raw, "bad time '" + t + "'");
      if (parts.size() == 3 && parts[2] != "0" && parts[2] != "00")
        return Bad(raw, "cron cannot express seconds");
      SLAPOS_ASSIGN_OR_RETURN(hour, Field(raw, parts[0], 23));
      SLAPOS_ASSIGN_OR_RETURN(minute, Field(raw, parts[1], 59));
      saw_time = true;
    } else if (t.find('-') != std::string::npos && !saw_date && !saw_time) {
      auto parts = Split(t, '-');
      if (parts.size() == 3) {
        if (parts[0] != "*") return Bad(raw, "cron cannot express years");
        parts.erase(parts.begin());
      }
      if (parts.size() != 2) return Bad(raw, "bad date '" + t + "'");
      SLAPOS_ASSIGN_OR_RETURN(month, Field(raw, parts[0], 12));
      SLAPOS_ASSIGN_OR_RETURN(day, Field(raw, parts[1], 31));
      saw_date = true;
    } else {
      return Bad(raw, "unexpected '" + t + "'");
    }
  }
  return minute + " " + hour + " " + day + " " + month + " " + dow;
}

}  // namespace slapos::build::recipes
