// INI reader for SlapOS-style configuration files (slapos.cfg, supervisord.conf):
// [sections], `key = value` or `key: value`, indented continuation lines, comment lines
// starting with '#' or ';'. Keys keep their order and are matched case-insensitively
// (stored lower-case, as Python's ConfigParser does). Pure data; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace slapos {

struct IniEntry {
  std::string key;    // lower-case
  std::string value;  // trimmed; continuation lines joined with '\n'
  int line = 0;       // 1-based line of the key
};

struct IniSection {
  std::string name;  // as written between the brackets, trimmed
  int line = 0;
  std::vector<IniEntry> entries;

  // The value of `key` (any case), or nullptr.
  const IniEntry* Find(std::string_view key) const;
  // The value of `key`, or `fallback` when absent.
  std::string Get(std::string_view key, std::string_view fallback = "") const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
};

struct IniFile {
  std::string path;  // for error messages; may be empty
  std::vector<IniSection> sections;

  const IniSection* Find(std::string_view section) const;
  IniSection* Find(std::string_view section);
  // Value of [section] key, or `fallback`.
  std::string Get(std::string_view section, std::string_view key,
                  std::string_view fallback = "") const;
};

struct IniOptions {
  // supervisord's dialect: " ;" (a semicolon after white space) starts an inline comment.
  bool inline_semicolon_comments = false;
  // A section or key given twice is an error (Python 3's strict mode); otherwise merged/last wins.
  bool strict = true;
};

// Parses `text`. Errors name `path`, the line and what is wrong.
Result<IniFile> ParseIni(std::string_view text, const std::string& path,
                         const IniOptions& options = {});
Result<IniFile> ReadIniFile(const std::string& path, const IniOptions& options = {});

}  // namespace slapos
