#include "util/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace slapos {

namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mu;

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("slapos", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
    l->set_level(spdlog::level::trace);
    return l;
  }();
  return logger;
}

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarning: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void LogLine(LogLevel level, std::string_view line) {
  std::shared_ptr<spdlog::logger> l;
  {
    std::lock_guard<std::mutex> g(g_mu);
    l = Logger();
  }
  l->log(ToSpd(level), "{}", line);
  if (level >= LogLevel::kWarning) l->flush();
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void SetLogFile(const std::string& path) {
  auto l = std::make_shared<spdlog::logger>("slapos", std::make_shared<spdlog::sinks::basic_file_sink_mt>(path));
  l->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  l->set_level(spdlog::level::trace);
  l->flush_on(spdlog::level::info);
  std::lock_guard<std::mutex> g(g_mu);
  Logger() = l;
}

bool ParseLogLevel(std::string_view name, LogLevel* out) {
  if (name == "debug") *out = LogLevel::kDebug;
  else if (name == "info") *out = LogLevel::kInfo;
  else if (name == "warning" || name == "warn") *out = LogLevel::kWarning;
  else if (name == "error") *out = LogLevel::kError;
  else return false;
  return true;
}

}  // namespace slapos
