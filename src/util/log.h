// Logging: one line per event, with the ids that matter. Backed by spdlog; thread-safe.
// Use LOG_INFO("partition {}: started", id) etc. Lines go to stderr unless SetLogFile is called.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace slapos {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

void LogLine(LogLevel level, std::string_view line);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// Appends to `path` instead of stderr from now on.
void SetLogFile(const std::string& path);
// Parses "debug", "info", "warning", "error".
bool ParseLogLevel(std::string_view name, LogLevel* out);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
  if (LogEnabled(level)) LogLine(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace slapos

#define LOG_DEBUG(...) ::slapos::Log(::slapos::LogLevel::kDebug, __VA_ARGS__)
#define LOG_INFO(...) ::slapos::Log(::slapos::LogLevel::kInfo, __VA_ARGS__)
#define LOG_WARNING(...) ::slapos::Log(::slapos::LogLevel::kWarning, __VA_ARGS__)
#define LOG_ERROR(...) ::slapos::Log(::slapos::LogLevel::kError, __VA_ARGS__)
