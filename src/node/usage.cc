#include "node/usage.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>

#include "util/file.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

Result<std::vector<std::string>> ListDir(const std::string& dir, bool missing_ok) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    if (missing_ok && errno == ENOENT) return names;
    return ErrnoError("listing " + dir, errno);
  }
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<std::map<uid_t, ProcessTotals>> ReadProcessTotals(const std::string& proc_root) {
  SLAPOS_ASSIGN_OR_RETURN(auto entries, ListDir(proc_root, false));
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const int64_t kPage = sysconf(_SC_PAGESIZE);
  std::map<uid_t, ProcessTotals> totals;
  for (const std::string& pid : entries) {
    if (!AllDigits(pid)) continue;
    auto status = ReadFile(proc_root + "/" + pid + "/status");
    auto stat = ReadFile(proc_root + "/" + pid + "/stat");
    if (!status.ok() || !stat.ok()) continue;  // gone meanwhile
    long long uid = -1;
    for (const auto& line : Split(*status, '\n')) {
      if (!StartsWith(line, "Uid:")) continue;
      auto f = SplitWhitespace(line);
      if (f.size() >= 2) ParseInt64(f[1], &uid);
      break;
    }
    size_t paren = stat->rfind(')');
    if (uid < 0 || paren == std::string::npos) continue;
    auto f = SplitWhitespace(std::string_view(*stat).substr(paren + 1));
    // After "(comm)": [0] state, [11] utime, [12] stime, [21] rss (pages).
    long long utime = 0, stime = 0, rss = 0;
    if (f.size() < 22 || !ParseInt64(f[11], &utime) || !ParseInt64(f[12], &stime) || !ParseInt64(f[21], &rss))
      continue;
    if (f[0] == "Z") rss = 0;
    ProcessTotals& t = totals[static_cast<uid_t>(uid)];
    t.processes++;
    t.cpu_seconds += static_cast<double>(utime + stime) / kTicks;
    t.memory_bytes += rss * kPage;
  }
  return totals;
}

namespace {

Status Walk(const std::string& path, dev_t dev, std::set<std::pair<dev_t, ino_t>>& seen, int64_t& total) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::OK();
    return ErrnoError("measuring " + path, errno);
  }
  if (st.st_dev != dev) return Status::OK();
  if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !seen.insert({st.st_dev, st.st_ino}).second) return Status::OK();
  total += static_cast<int64_t>(st.st_blocks) * 512;
  if (!S_ISDIR(st.st_mode)) return Status::OK();
  SLAPOS_ASSIGN_OR_RETURN(auto names, ListDir(path, true));
  for (const auto& n : names) SLAPOS_RETURN_IF_ERROR(Walk(path + "/" + n, dev, seen, total));
  return Status::OK();
}

}  // namespace

Result<int64_t> DiskUsage(const std::string& path) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) return ErrnoError("measuring " + path, errno);
  std::set<std::pair<dev_t, ino_t>> seen;
  int64_t total = 0;
  SLAPOS_RETURN_IF_ERROR(Walk(path, st.st_dev, seen, total));
  return total;
}

Result<std::vector<PartitionUsage>> MeasurePartitions(const std::vector<PartitionToMeasure>& partitions,
                                                      const std::string& proc_root) {
  SLAPOS_ASSIGN_OR_RETURN(auto totals, ReadProcessTotals(proc_root));
  std::vector<PartitionUsage> out;
  for (const auto& p : partitions) {
    PartitionUsage u;
    u.reference = p.reference;
    if (auto it = totals.find(p.uid); it != totals.end() && p.uid != 0) {
      u.processes = it->second.processes;
      u.cpu_seconds = it->second.cpu_seconds;
      u.memory_bytes = it->second.memory_bytes;
    }
    SLAPOS_ASSIGN_OR_RETURN(u.disk_bytes, DiskUsage(p.path));
    out.push_back(u);
  }
  return out;
}

Result<std::vector<UsageFile>> CollectUsageFiles(const std::string& partition_path, const std::string& instance_root,
                                                 const std::string& reference) {
  std::vector<UsageFile> files;
  for (const std::string& dir :
       {partition_path + "/var/xml_report", instance_root + "/var/xml_report/" + reference}) {
    SLAPOS_ASSIGN_OR_RETURN(auto names, ListDir(dir, true));
    for (const auto& n : names) {
      std::string path = dir + "/" + n;
      struct stat st{};
      if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      SLAPOS_ASSIGN_OR_RETURN(std::string content, ReadFile(path));
      files.push_back({path, std::move(content)});
    }
  }
  return files;
}

}  // namespace slapos::node
