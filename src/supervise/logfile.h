// A child's (or the daemon's) log file with size rotation (path, path.1 ... path.N), and the
// read/tail functions behind readLog/readProcessStdoutLog/tailProcessStdoutLog with
// supervisord's offset semantics. Not thread-safe: owned by the event loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace slapos::supervise {

class RotatingLog {
 public:
  // maxbytes 0: never rotate. backups 0: truncate instead of keeping old files.
  RotatingLog(std::string path, long long maxbytes, int backups)
      : path_(std::move(path)), maxbytes_(maxbytes), backups_(backups) {}
  ~RotatingLog();
  RotatingLog(const RotatingLog&) = delete;
  RotatingLog& operator=(const RotatingLog&) = delete;

  // Creates the file if needed (and its mode 0644); idempotent.
  Status Open();
  // Appends (opening, and so creating, the file on first use), rotating first when the file
  // already holds maxbytes.
  Status Write(std::string_view data);
  // Truncates the current file (clearLog / clearProcessLogs) if it exists.
  Status Clear();
  void Close();
  const std::string& path() const { return path_; }
  long long size() const { return size_; }

 private:
  Status Rotate();
  std::string path_;
  long long maxbytes_;
  int backups_;
  int fd_ = -1;
  long long size_ = 0;
};

// readLog(offset, length): offset < 0 reads the last -offset bytes (length must be 0);
// offset >= 0 reads `length` bytes from there (0: to the end). Errors carry the fault name:
// "BAD_ARGUMENTS" or "NO_FILE" as the Status message prefix.
Result<std::string> ReadLogRange(const std::string& path, int64_t offset, int64_t length);

struct TailResult {
  std::string data;
  int64_t offset = 0;  // where the next call should start
  bool overflow = false;
};
// tailProcessStdoutLog(offset, length): at most `length` bytes, from `offset` when the file
// grew by less than `length` since then, else the last `length` bytes (overflow).
TailResult TailLog(const std::string& path, int64_t offset, int64_t length);

}  // namespace slapos::supervise
