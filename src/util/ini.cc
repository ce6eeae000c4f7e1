#include "util/ini.h"

#include "util/file.h"
#include "util/strings.h"

namespace slapos {

const IniEntry* IniSection::Find(std::string_view key) const {
  std::string k = ToLower(key);
  for (const IniEntry& e : entries)
    if (e.key == k) return &e;
  return nullptr;
}

std::string IniSection::Get(std::string_view key, std::string_view fallback) const {
  const IniEntry* e = Find(key);
  return e ? e->value : std::string(fallback);
}

const IniSection* IniFile::Find(std::string_view section) const {
  for (const IniSection& s : sections)
    if (s.name == section) return &s;
  return nullptr;
}

IniSection* IniFile::Find(std::string_view section) {
  for (IniSection& s : sections)
    if (s.name == section) return &s;
  return nullptr;
}

std::string IniFile::Get(std::string_view section, std::string_view key,
                         std::string_view fallback) const {
  const IniSection* s = Find(section);
  return s ? s->Get(key, fallback) : std::string(fallback);
}

namespace {

std::string StripInlineComment(std::string_view v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] == ';' && (v[i - 1] == ' ' || v[i - 1] == '\t')) return std::string(TrimRight(v.substr(0, i)));
  }
  return std::string(v);
}

}  // namespace

Result<IniFile> ParseIni(std::string_view text, const std::string& path, const IniOptions& options) {
  IniFile file;
  file.path = path;
  IniSection* section = nullptr;
  IniEntry* last = nullptr;  // entry that continuation lines extend
  auto where = [&](int line) { return (path.empty() ? std::string("<string>") : path) + ":" + std::to_string(line); };

  int lineno = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineno;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view t = Trim(raw);

    bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    if (t.empty()) {
      // A blank line inside a multi-line value ends nothing in ConfigParser, but it adds nothing either.
      if (end == text.size()) break;
      continue;
    }
    if (t[0] == '#' || t[0] == ';') {
      if (end == text.size()) break;
      continue;
    }
    if (indented && last != nullptr) {
      std::string piece = options.inline_semicolon_comments ? StripInlineComment(t) : std::string(t);
      if (!last->value.empty()) last->value += '\n';
      last->value += piece;
      if (end == text.size()) break;
      continue;
    }
    if (t[0] == '[') {
      size_t close = t.find(']');
      if (close == std::string_view::npos)
        return InvalidArgument(where(lineno) + ": section header '" + std::string(t) + "' has no closing ']'");
      std::string name(Trim(t.substr(1, close - 1)));
      if (name.empty()) return InvalidArgument(where(lineno) + ": empty section name");
      IniSection* existing = file.Find(name);
      if (existing != nullptr) {
        if (options.strict)
          return InvalidArgument(where(lineno) + ": section [" + name + "] already defined at line " +
                                 std::to_string(existing->line));
        section = existing;
      } else {
        file.sections.push_back(IniSection{name, lineno, {}});
        section = &file.sections.back();
      }
      last = nullptr;
      if (end == text.size()) break;
      continue;
    }
    size_t sep = t.find_first_of("=:");
    if (sep == std::string_view::npos)
      return InvalidArgument(where(lineno) + ": expected 'key = value', got '" + std::string(t) + "'");
    if (section == nullptr)
      return InvalidArgument(where(lineno) + ": option '" + std::string(Trim(t.substr(0, sep))) +
                             "' appears before any [section]");
    std::string key = ToLower(Trim(t.substr(0, sep)));
    if (key.empty()) return InvalidArgument(where(lineno) + ": empty option name");
    std::string_view v = Trim(t.substr(sep + 1));
    std::string value = options.inline_semicolon_comments ? StripInlineComment(v) : std::string(v);
    IniEntry* existing = nullptr;
    for (IniEntry& e : section->entries)
      if (e.key == key) existing = &e;
    if (existing != nullptr) {
      if (options.strict)
        return InvalidArgument(where(lineno) + ": option '" + key + "' in section [" + section->name +
                               "] already set at line " + std::to_string(existing->line));
      existing->value = value;
      existing->line = lineno;
      last = existing;
    } else {
      section->entries.push_back(IniEntry{key, value, lineno});
      last = &section->entries.back();
    }
    if (end == text.size()) break;
  }
  return file;
}

Result<IniFile> ReadIniFile(const std::string& path, const IniOptions& options) {
  SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseIni(text, path, options);
}

}  // namespace slapos
