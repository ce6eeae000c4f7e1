#include "supervise/config_files.h"

#include <glob.h>

#include <algorithm>

#include "supervise/sha1.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::supervise::config_files {

namespace {

ConfigCache::Impl::FileId IdOf(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
          st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec};
}

}  // namespace

std::string AbsPath(const std::string& here, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return JoinPath(here, p);
}

Result<IniFile> ParseText(const std::string& text, const std::string& path) {
  IniOptions io;
  io.inline_semicolon_comments = true;
  io.strict = false;
  return ParseIni(text, path, io);
}

Status Collect(const std::string& path, std::string text, int depth, ConfigCache::Impl* cache,
               std::vector<LoadedFile>* files, const ConfigCache::Impl::FileId& id) {
  if (depth > 10) return InvalidArgument(path + ": [include] nested more than 10 levels");
  LoadedFile f;
  f.path = path;
  f.text = std::move(text);
  f.included = depth > 0;
  f.id = id;
  if (f.included && cache) {
    f.digest = Sha1Hex(f.text);
    auto it = cache->files.find(path);
    // The same text as when the entry was made: no [include] in it (such files are not cached).
    if (it != cache->files.end() && it->second.digest == f.digest) {
      files->push_back(std::move(f));
      return Status::OK();
    }
  }
  SLAPOS_ASSIGN_OR_RETURN(IniFile ini, ParseText(f.text, path));
  f.ini = std::move(ini);
  const IniSection* inc = f.ini->Find("include");
  std::vector<std::string> patterns;
  int line = 0;
  if (inc) {
    const IniEntry* e = inc->Find("files");
    if (!e) return InvalidArgument(path + ":" + std::to_string(inc->line) + ": [include] needs 'files = glob ...'");
    patterns = SplitWhitespace(e->value);
    line = e->line;
  }
  files->push_back(std::move(f));
  if (!inc) return Status::OK();
  std::string here = Dirname(path);
  std::vector<std::string> found;
  for (const std::string& pattern : patterns) {
    std::string p = AbsPath(here, pattern);
    glob_t g{};
    int rc = glob(p.c_str(), GLOB_MARK, nullptr, &g);  // directories end with '/'; no stat each
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) found.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  std::sort(found.begin(), found.end());
  for (const std::string& name : found) {
    if (name.ends_with('/')) continue;
    ConfigCache::Impl::FileId id;
    if (struct stat st{}; cache && stat(name.c_str(), &st) == 0) {  // before reading: a later change shows
      id = IdOf(st);
      auto it = cache->files.find(name);
      if (it != cache->files.end() && it->second.id_trusted && it->second.id == id) {
        LoadedFile f;
        f.path = name;
        f.included = true;
        f.digest = it->second.digest;
        f.id = id;
        f.unread = true;
        files->push_back(std::move(f));
        continue;
      }
    }
    auto content = ReadFile(name);
    if (cache) ++cache->reads;
    Status st = content.ok() ? Collect(name, std::move(*content), depth + 1, cache, files, id)
                             : content.status().WithContext("reading supervisor config");
    if (!st.ok()) return st.WithContext("included from " + path + ":" + std::to_string(line));
  }
  return Status::OK();
}

}  // namespace slapos::supervise::config_files
