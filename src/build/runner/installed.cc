#include "build/runner/installed.h"

#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::runner {

namespace {

const char kInstalledKey[] = "__buildout_installed__";

void Emit(std::string& out, const std::string& key, const std::string& value) {
  std::vector<std::string> lines = Split(value, '\n');
  out += key;
  out += " = ";
  out += lines[0];
  out += '\n';
  for (size_t i = 1; i < lines.size(); ++i) {
    out += '\t';
    out += lines[i];
    out += '\n';
  }
}

}  // namespace

std::string FormatInstalled(const InstalledState& state) {
  std::string out = "[buildout]\n";
  Emit(out, "installed_develop_eggs", "");
  Emit(out, "parts", Join(state.parts, " "));
  for (const std::string& part : state.parts) {
    auto it = state.installed.find(part);
    if (it == state.installed.end()) continue;
    out += "\n[" + part + "]\n";
    Options opts = it->second.options;
    opts[kInstalledKey] = Join(it->second.paths, "\n");
    for (const auto& [k, v] : opts) Emit(out, k, v);
  }
  return out;
}

Result<InstalledState> ReadInstalled(const std::string& path) {
  InstalledState state;
  if (!PathExists(path)) return state;
  SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::map<std::string, Options> sections;
  Options* section = nullptr;
  std::string* value = nullptr;
  int lineno = 0;
  for (const std::string& line : Split(text, '\n')) {
    ++lineno;
    if (line.empty()) {
      value = nullptr;
      continue;
    }
    if (line[0] == '\t') {
      if (!value) return Corruption(path + ":" + std::to_string(lineno) + ": continuation line without an option");
      *value += '\n';
      value->append(line, 1, std::string::npos);
      continue;
    }
    if (line[0] == '[' && line.back() == ']') {
      section = &sections[line.substr(1, line.size() - 2)];
      value = nullptr;
      continue;
    }
    size_t eq = line.find(" = ");
    if (eq == std::string::npos || !section)
      return Corruption(path + ":" + std::to_string(lineno) + ": cannot parse line '" + line +
                        "'; delete the file to reinstall every part");
    value = &(*section)[line.substr(0, eq)];
    *value = line.substr(eq + 3);
  }
  state.parts = SplitWhitespace(sections["buildout"]["parts"]);
  for (const std::string& part : state.parts) {
    auto it = sections.find(part);
    if (it == sections.end())
      return Corruption(path + ": part '" + part + "' is listed but has no section; delete the file to reinstall every part");
    InstalledPart p;
    p.options = it->second;
    std::string paths = p.options[kInstalledKey];
    p.options.erase(kInstalledKey);
    for (const std::string& l : Split(paths, '\n'))
      if (!l.empty()) p.paths.push_back(l);
    state.installed[part] = std::move(p);
  }
  return state;
}

}  // namespace slapos::build::runner
