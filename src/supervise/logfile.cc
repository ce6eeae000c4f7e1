#include "supervise/logfile.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace slapos::supervise {

RotatingLog::~RotatingLog() { Close(); }

void RotatingLog::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status RotatingLog::Open() {
  if (fd_ >= 0) return Status::OK();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return ErrnoError("opening log file " + path_, errno);
  struct stat st;
  size_ = fstat(fd_, &st) == 0 ? st.st_size : 0;
  return Status::OK();
}

Status RotatingLog::Rotate() {
  Close();
  if (backups_ <= 0) {
    if (::truncate(path_.c_str(), 0) != 0 && errno != ENOENT) return ErrnoError("truncating log " + path_, errno);
  } else {
    for (int i = backups_ - 1; i >= 1; --i) {
      std::string from = path_ + "." + std::to_string(i), to = path_ + "." + std::to_string(i + 1);
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) return ErrnoError("rotating log " + from, errno);
    }
    std::string first = path_ + ".1";
    if (::rename(path_.c_str(), first.c_str()) != 0 && errno != ENOENT) return ErrnoError("rotating log " + path_, errno);
  }
  return Open();
}

Status RotatingLog::Write(std::string_view data) {
  SLAPOS_RETURN_IF_ERROR(Open());
  if (maxbytes_ > 0 && size_ >= maxbytes_) SLAPOS_RETURN_IF_ERROR(Rotate());
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("writing log file " + path_, errno);
    }
    size_ += n;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status RotatingLog::Clear() {
  Close();
  if (::truncate(path_.c_str(), 0) != 0 && errno != ENOENT) return ErrnoError("clearing log " + path_, errno);
  size_ = 0;
  return Status::OK();  // reopened (and created) by the next Write
}

namespace {

Result<std::string> ReadAt(int fd, int64_t pos, int64_t len) {
  std::string out;
  out.resize(static_cast<size_t>(len));
  int64_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, out.data() + got, static_cast<size_t>(len - got), pos + got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += n;
  }
  out.resize(static_cast<size_t>(got));
  return out;
}

}  // namespace

Result<std::string> ReadLogRange(const std::string& path, int64_t offset, int64_t length) {
  if ((offset < 0 && length != 0) || length < 0)
    return InvalidArgument("BAD_ARGUMENTS: offset " + std::to_string(offset) + ", length " + std::to_string(length));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("NO_FILE: " + path);
  struct stat st;
  fstat(fd, &st);
  int64_t size = st.st_size;
  int64_t pos, len;
  if (offset < 0) {
    pos = size + offset < 0 ? 0 : size + offset;
    len = size - pos;
  } else {
    pos = offset > size ? size : offset;
    len = length == 0 ? size - pos : std::min<int64_t>(length, size - pos);
  }
  Result<std::string> r = ReadAt(fd, pos, len);
  ::close(fd);
  return r;
}

TailResult TailLog(const std::string& path, int64_t offset, int64_t length) {
  TailResult r;
  r.offset = offset;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return r;
  struct stat st;
  fstat(fd, &st);
  int64_t sz = st.st_size;
  if (sz > offset + length) {
    r.overflow = true;
    offset = sz - 1;
  }
  if (offset + length > sz) {
    if (offset > sz - 1) length = 0;
    offset = sz - length;
  }
  if (offset < 0) offset = 0;
  if (length < 0) length = 0;
  if (length > 0) {
    Result<std::string> d = ReadAt(fd, offset, length);
    if (d.ok()) r.data = std::move(*d);
  }
  r.offset = sz;
  ::close(fd);
  return r;
}

}  // namespace slapos::supervise
