#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <system_error>

namespace slapos {

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open " + path, errno);
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoError("cannot read " + path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {

std::mutex g_unsynced_mu;
std::set<std::string> g_unsynced;  // WriteFileUnsynced's paths not yet synced

// Writes `data` with `mode` to a temporary file beside `path` (fsynced when `sync`); returns its name.
Result<std::string> WriteTemp(const std::string& path, std::string_view data, mode_t mode, bool sync) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoError("cannot create " + tmp, errno);
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return ErrnoError("cannot write " + tmp, err);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || (sync && ::fsync(fd) != 0)) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoError("cannot sync " + tmp, err);
  }
  ::close(fd);
  return tmp;
}

Status RenameTemp(const std::string& tmp, const std::string& path) {
  if (::rename(tmp.c_str(), path.c_str()) == 0) return Status::OK();
  int err = errno;
  ::unlink(tmp.c_str());
  return ErrnoError("cannot rename " + tmp + " to " + path, err);
}

// Puts the written temporary `tmp` in place of `path`. True when `tmp` now names the old file
// (swapped), false when it is gone (renamed over nothing, or over something not a regular file).
Result<bool> SwapIn(const std::string& tmp, const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(g_unsynced_mu);
    g_unsynced.insert(path);
  }
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    SLAPOS_RETURN_IF_ERROR(RenameTemp(tmp, path));
    return false;
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) != 0) {
    // A filesystem without RENAME_EXCHANGE (EINVAL), or an old kernel (ENOSYS): rename over.
    if (errno == EINVAL || errno == ENOSYS) {
      SLAPOS_RETURN_IF_ERROR(RenameTemp(tmp, path));
      return false;
    }
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoError("cannot swap " + tmp + " with " + path, err);
  }
  return true;
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  SLAPOS_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(path, data, mode, true));
  SLAPOS_RETURN_IF_ERROR(RenameTemp(tmp, path));
  int dfd = ::open(Dirname(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

Status WriteFileUnsynced(const std::string& path, std::string_view data, mode_t mode) {
  SLAPOS_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(path, data, mode, false));
  SLAPOS_ASSIGN_OR_RETURN(bool swapped, SwapIn(tmp, path));
  // `tmp` now names the old file.
  if (swapped && ::unlink(tmp.c_str()) != 0) return ErrnoError("cannot remove the replaced " + tmp, errno);
  return Status::OK();
}

FileRewriter::FileRewriter(std::string path, mode_t mode)
    : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())), mode_(mode) {}

FileRewriter::~FileRewriter() {
  if (kept_) ::unlink(tmp_.c_str());
}

Status FileRewriter::Write(std::string_view data) {
  int fd = kept_ ? ::open(tmp_.c_str(), O_WRONLY | O_CLOEXEC) : -1;
  if (fd < 0) {  // the first write (or the kept temporary went away): a new file
    kept_ = false;
    SLAPOS_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(path_, data, mode_, false));
    (void)tmp;
  } else {
    // Rewritten in place: no new inode. (No O_TRUNC: on ext4 a truncation to zero makes close()
    // flush the file, ~1 ms.)
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = errno;
        ::close(fd);
        return ErrnoError("cannot write " + tmp_, err);
      }
      done += static_cast<size_t>(n);
    }
    if (::ftruncate(fd, static_cast<off_t>(data.size())) != 0 || ::fchmod(fd, mode_) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoError("cannot write " + tmp_, err);
    }
    ::close(fd);
  }
  SLAPOS_ASSIGN_OR_RETURN(kept_, SwapIn(tmp_, path_));
  return Status::OK();
}

Status SyncUnsyncedWrites() {
  std::set<std::string> files;
  {
    std::lock_guard<std::mutex> lock(g_unsynced_mu);
    files.swap(g_unsynced);
  }
  Status first;
  auto sync = [&](const std::string& path, int flags) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0) {
      if (errno != ENOENT && first.ok()) first = ErrnoError("cannot open " + path + " to sync it", errno);
      return;
    }
    if (::fsync(fd) != 0 && first.ok()) first = ErrnoError("cannot sync " + path, errno);
    ::close(fd);
  };
  std::set<std::string> dirs;
  for (const std::string& f : files) {
    sync(f, 0);
    dirs.insert(Dirname(f));
  }
  for (const std::string& d : dirs) sync(d, O_DIRECTORY);
  return first;
}

Status MakeDirs(const std::string& path, mode_t mode) {
  if (path.empty()) return Status::OK();
  std::string cur;
  size_t i = 0;
  while (i <= path.size()) {
    size_t next = path.find('/', i);
    if (next == std::string::npos) next = path.size();
    cur = path.substr(0, next);
    i = next + 1;
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST) return ErrnoError("cannot create directory " + cur, errno);
  }
  if (!IsDirectory(path)) return IOError(path + " exists and is not a directory");
  return Status::OK();
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status RemoveAll(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return IOError("cannot remove " + path + ": " + ec.message());
  return Status::OK();
}

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string JoinPath(const std::string& base, const std::string& rel) {
  if (rel.empty()) return base;
  if (rel[0] == '/' || base.empty()) return rel;
  if (base.back() == '/') return base + rel;
  return base + "/" + rel;
}

}  // namespace slapos
