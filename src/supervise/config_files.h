// The files of a supervisor configuration (internal to src/supervise/config*.cc): the main
// file and its [include]s read in order, and what a ConfigCache keeps of each between loads.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "supervise/config.h"
#include "util/ini.h"

namespace slapos::supervise {

// What a ConfigCache keeps of an included file: its [program:x]/[eventlistener:x] sections,
// parsed, and its [group:x] sections, read but not yet joined to their programs.
struct ConfigCache::Impl {
  struct ProgramItem {
    std::string name;
    std::string where;  // "file:line" of the section
    std::string error;  // "file:line: [program:x] ", to prefix errors found when joining
    std::vector<ProcessConfig> procs;
  };
  struct GroupItem {
    std::string name;
    int priority = 999;
    std::vector<std::string> members;
    std::string error;           // "file:line: [group:x] "
    std::string programs_error;  // "file:line: [group:x] option 'programs': "
  };
  struct Items {
    std::vector<ProgramItem> programs;
    std::vector<GroupItem> groups;
  };
  // A file's identity on disk: when it is unchanged, the file is not even read again.
  struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileId&) const = default;
  };
  struct Entry {
    std::string digest;   // SHA-1 of the file's text (supervise/sha1.h)
    std::string context;  // ContextKey() when parsed
    Items items;
    FileId id;                // stat() before the text was read
    bool id_trusted = false;  // `id` alone may answer for the text (TrustId)
  };
  std::unordered_map<std::string, Entry> files;  // by path
  size_t hits = 0, parses = 0, reads = 0;
  int64_t load_start_ns = 0;  // CLOCK_REALTIME when the current load began
  int64_t trust_margin_ns = 1000000000;

  // A file's ctime comes from a coarse clock (a few ms): two writes of the same size in one tick
  // look the same. An identity is trusted only when the file had not changed for
  // `trust_margin_ns` when it was read; a later write then moves its ctime for sure. (Git's
  // "racily clean" rule.) Other files are read and their SHA-1 compared.
  bool TrustId(const FileId& id) const { return id.ctime_ns + trust_margin_ns < load_start_ns; }
};

namespace config_files {

// One file of the configuration: its text, and its sections unless a cache entry with the same
// text may answer for it (then `ini` stays empty until the entry is known to fit).
struct LoadedFile {
  std::string path;
  std::string text;
  bool included = false;
  std::string digest;  // of `text`, for included files when a cache is used
  std::optional<IniFile> ini;
  ConfigCache::Impl::FileId id;  // with a cache
  bool unread = false;           // same FileId as the cache entry: `text` was not read
};

// supervisord's INI dialect (inline "; comments", lenient).
Result<IniFile> ParseText(const std::string& text, const std::string& path);
// `p` relative to `here` unless absolute.
std::string AbsPath(const std::string& here, const std::string& p);
// Appends `path` (whose `text` is given; `depth` 0 for the main file) and, recursively, the
// files its [include] names, in order, to `files`. With a `cache`, an included file whose
// trusted identity is unchanged is not read (LoadedFile::unread), and one whose text is
// unchanged is not parsed (LoadedFile::ini stays empty).
Status Collect(const std::string& path, std::string text, int depth, ConfigCache::Impl* cache,
               std::vector<LoadedFile>* files, const ConfigCache::Impl::FileId& id = {});

}  // namespace config_files
}  // namespace slapos::supervise
