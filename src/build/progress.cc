#include "build/progress.h"

#include <cinttypes>
#include <cstdio>
#include <memory>

namespace slapos::build {

namespace {

const char kEraseLine[] = "\r\x1b[K";

// Printable text only: control characters (and the tabs of compiler output) become spaces.
std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return out;
}

// Cuts `s` to `width` columns, counting UTF-8 sequences as one column.
std::string Cut(const std::string& s, int width) {
  if (width <= 0) return "";
  int cols = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (cols == width) return s.substr(0, i);
    ++cols;
  }
  return s;
}

}  // namespace

Progress::Progress(Options options) : options_(std::move(options)) {
  if (!options_.env) options_.env = Env::Default();
  if (!options_.write) options_.write = [](const std::string&) {};
}

Progress::~Progress() {
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked();
}

int64_t Progress::Now() const { return options_.env->MonotonicMicros(); }

std::string Progress::FormatBytes(uint64_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " B", bytes);
  } else if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1024);
  } else if (bytes < 1024ULL * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  }
  return buf;
}

std::string Progress::FormatDuration(int64_t micros) {
  char buf[32];
  if (micros < 0) micros = 0;
  if (micros < 60 * 1000000LL) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(micros) / 1e6);
  } else {
    int64_t s = micros / 1000000;
    std::snprintf(buf, sizeof buf, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
  }
  return buf;
}

std::string Progress::LiveLineLocked(int64_t now) const {
  std::string line = label_ + "  " + FormatDuration(now - started_);
  if (bytes_seen_) {
    line += "  " + FormatBytes(done_);
    if (total_ > 0) {
      line += "/" + FormatBytes(total_);
      line += " " + std::to_string(done_ * 100 / total_) + "%";
    }
    double seconds = static_cast<double>(now - started_) / 1e6;
    if (seconds > 0)
      line +=
          "  " + FormatBytes(static_cast<uint64_t>(static_cast<double>(done_) / seconds)) + "/s";
  }
  std::string last = partial_.empty() ? last_line_ : partial_;
  if (!last.empty()) line += "  | " + last;
  return Cut(Printable(line), options_.width - 1);
}

void Progress::RedrawLocked(int64_t now, bool force) {
  if (!options_.terminal || !active_) return;
  if (!force && drawn_ && now - last_draw_ < options_.redraw_micros) return;
  last_draw_ = now;
  drawn_ = true;
  options_.write(kEraseLine + LiveLineLocked(now));
}

void Progress::EraseLocked() {
  if (!drawn_) return;
  options_.write(kEraseLine);
  drawn_ = false;
}

void Progress::Log(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!options_.terminal) {
    options_.write(line);
    return;
  }
  EraseLocked();
  options_.write(line + "\n");
  if (active_) RedrawLocked(Now(), /*force=*/true);
}

void Progress::Begin(const std::string& label, const std::string& start_line) {
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked();
  active_ = true;
  label_ = label;
  started_ = Now();
  done_ = total_ = 0;
  bytes_seen_ = false;
  partial_.clear();
  last_line_.clear();
  const std::string first = start_line.empty() ? label : start_line;
  if (options_.terminal) {
    options_.write(first + "\n");
    RedrawLocked(started_, /*force=*/true);
  } else {
    options_.write(first);
  }
}

void Progress::Bytes(uint64_t done, uint64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return;
  done_ = done;
  total_ = total;
  bytes_seen_ = true;
  RedrawLocked(Now(), /*force=*/false);
}

void Progress::Output(std::string_view chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return;
  for (char c : chunk) {
    if (c == '\n' || c == '\r') {
      std::string trimmed = partial_;
      while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t'))
        trimmed.pop_back();
      if (!trimmed.empty()) last_line_ = trimmed;
      partial_.clear();
    } else if (partial_.size() < 4096) {
      partial_ += c;
    }
  }
  RedrawLocked(Now(), /*force=*/false);
}

void Progress::End(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_) return;
  int64_t elapsed = Now() - started_;
  std::string line = label_ + ": ";
  if (ok) {
    line += "done in " + FormatDuration(elapsed);
    if (bytes_seen_) {
      line += " (" + FormatBytes(done_);
      if (elapsed > 0)
        line += ", " +
                FormatBytes(static_cast<uint64_t>(static_cast<double>(done_) * 1e6 /
                                                  static_cast<double>(elapsed))) +
                "/s";
      line += ")";
    }
  } else {
    line += "failed after " + FormatDuration(elapsed);
  }
  active_ = false;
  if (options_.terminal) {
    EraseLocked();
    options_.write(line + "\n");
  } else {
    options_.write(line);
  }
}

ProgressStep::ProgressStep(Progress* progress, const std::function<void(const std::string&)>& log,
                           const std::string& label, const std::string& start_line)
    : progress_(progress) {
  if (!progress_) {
    Progress::Options o;
    o.write = log;
    own_ = std::make_unique<Progress>(std::move(o));
    progress_ = own_.get();
  }
  progress_->Begin(label, start_line);
}

ProgressStep::~ProgressStep() { Done(false); }

void ProgressStep::Done(bool ok) {
  if (ended_) return;
  ended_ = true;
  progress_->End(ok);
}

}  // namespace slapos::build
