#include "build/lang/loader.h"

#include <unistd.h>

#include <algorithm>
#include <climits>

#include "build/lang/fetch.h"
#include "build/lang/parser.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::lang {

namespace {

const char kBaseToken[] = "${:_profile_base_location_}";

struct Loader {
  const LoadOptions& options;
  bool offline = false;
  bool newest = true;
  std::string extends_cache;  // absolute, or empty
  std::vector<std::string> stack;

  // Replaces `${:_profile_base_location_}` (not `$${...}`) by `base`.
  static std::string BindBase(const std::string& value, const std::string& base) {
    std::string out;
    size_t pos = 0;
    for (;;) {
      size_t hit = value.find(kBaseToken, pos);
      if (hit == std::string::npos) break;
      size_t dollars = 0;
      for (size_t k = hit; k > 0 && value[k - 1] == '$'; --k) ++dollars;
      out.append(value, pos, hit - pos);
      if (dollars % 2 == 1) {
        out += kBaseToken;  // `$${:...}`: escaped, kept literal
      } else {
        out += base;
      }
      pos = hit + sizeof(kBaseToken) - 1;
    }
    out.append(value, pos, std::string::npos);
    return out;
  }

  Result<std::string> Download(const std::string& url, const Origin& from) {
    std::string cached = extends_cache.empty() ? "" : JoinPath(extends_cache, Md5Hex(url));
    bool have_cache = !cached.empty() && PathExists(cached);
    if (offline) {
      if (have_cache) return ReadFile(cached);
      return Unavailable(from.ToString() + ": extends: Couldn't download '" + url +
                         "' in offline mode" +
                         (extends_cache.empty() ? " (no extends-cache is set)" : " (not in extends-cache " + extends_cache + ")") +
                         "; run without -o / offline = true to fetch it");
    }
    if (!newest && have_cache) return ReadFile(cached);
    Result<std::string> body = options.fetch ? options.fetch(url) : FetchUrl(url);
    if (!body.ok()) {
      if (have_cache) return ReadFile(cached);  // Buildout's fallback to the cache
      return Status(body.status().code(), from.ToString() + ": extends: " + body.status().message());
    }
    if (!cached.empty() && options.write_extends_cache) {
      Status st = MakeDirs(extends_cache);
      if (st.ok()) st = WriteFileAtomic(cached, *body);
      if (!st.ok()) return st.WithContext("extends-cache");
    }
    return body;
  }

  // Buildout's `_open`: one file and, recursively, what it extends.
  Result<RawConfig> Open(const std::string& base, const std::string& name, const Origin& from) {
    std::string location;  // path or URL
    bool remote = false;
    if (IsUrl(name)) {
      location = name;
      remote = true;
    } else if (IsUrl(base) && !StartsWith(name, "/")) {
      location = base + "/" + name;
      remote = true;
    } else {
      location = JoinPath(base, name);
    }
    if (remote && StartsWith(location, "file://")) {
      location = location.substr(7);
      remote = false;
    }
    if (!remote) {
      char buf[PATH_MAX];
      if (::realpath(location.c_str(), buf)) location = buf;
    }
    if (std::find(stack.begin(), stack.end(), location) != stack.end()) {
      std::vector<std::string> chain(stack.begin(), stack.end());
      chain.push_back(location);
      return InvalidArgument(from.ToString() + ": extends: Recursive file include: " + Join(chain, " -> "));
    }
    std::string text;
    if (remote) {
      SLAPOS_ASSIGN_OR_RETURN(text, Download(location, from));
    } else {
      Result<std::string> r = ReadFile(location);
      if (!r.ok()) {
        std::string why = r.status().message();
        const std::string prefix = "cannot open " + location + ": ";
        if (StartsWith(why, prefix)) why = why.substr(prefix.size());
        if (from.file.empty())
          return Status(r.status().code(), "cannot read profile '" + location + "': " + why);
        return Status(r.status().code(), from.ToString() + ": extends: cannot open '" + name + "' (" +
                                             location + "): " + why);
      }
      text = std::move(*r);
    }
    std::string new_base = remote ? location.substr(0, location.rfind('/')) : Dirname(location);
    SLAPOS_ASSIGN_OR_RETURN(RawConfig file, ParseProfile(text, location, options.env));

    for (auto& [sname, section] : file.sections) {
      for (auto& [key, value] : section.options) {
        if (value.value.find(kBaseToken) != std::string::npos) value.value = BindBase(value.value, new_base);
      }
      if (!section.options.count("_profile_base_location_"))
        section.options["_profile_base_location_"] = RawValue{new_base, Origin{location, section.origin.line, ""}};
    }

    std::vector<std::string> extends;
    Origin extends_origin;
    auto bo = file.sections.find("buildout");
    if (bo != file.sections.end()) {
      // Cache and egg directories given relative in a file are relative to that file.
      if (!remote) {
        for (const char* k : {"eggs-directory", "download-cache", "extends-cache"}) {
          auto it = bo->second.options.find(k);
          if (it != bo->second.options.end() && !it->second.value.empty() &&
              it->second.value.find("${") == std::string::npos && it->second.value[0] != '/')
            it->second.value = JoinPath(new_base, it->second.value);
        }
      }
      auto ex = bo->second.options.find("extends");
      if (ex != bo->second.options.end()) {
        extends = SplitWhitespace(ex->second.value);
        extends_origin = ex->second.origin;
        bo->second.options.erase(ex);
      }
    }
    if (extends.empty()) return file;

    stack.push_back(location);
    RawConfig result;
    for (size_t i = 0; i < extends.size(); ++i) {
      Result<RawConfig> sub = Open(new_base, extends[i], extends_origin);
      if (!sub.ok()) {
        stack.pop_back();
        return sub.status();
      }
      if (i == 0) {
        result = std::move(*sub);
      } else {
        MergeConfig(result, std::move(*sub));
      }
    }
    stack.pop_back();
    MergeConfig(result, std::move(file));
    return result;
  }
};

RawSection Defaults(const std::string& directory) {
  RawSection s;
  s.origin = Origin{"", 0, "DEFAULT_VALUE"};
  auto set = [&](const char* k, std::string v) { s.options[k] = RawValue{std::move(v), s.origin}; };
  set("allow-hosts", "*");
  set("allow-picked-versions", "true");
  set("allow-unknown-extras", "false");
  set("bin-directory", "bin");
  set("develop-eggs-directory", "develop-eggs");
  set("directory", directory);
  set("eggs-directory", "eggs");
  set("executable", "python3");
  set("find-links", "");
  set("install-from-cache", "false");
  set("installed", ".installed.cfg");
  set("log-format", "");
  set("log-level", "INFO");
  set("newest", "true");
  set("offline", "false");
  set("parts", "");
  set("parts-directory", "parts");
  set("prefer-final", "true");
  set("python", "buildout");
  set("show-picked-versions", "false");
  set("socket-timeout", "");
  set("update-versions-file", "");
  set("use-dependency-links", "true");
  set("versions", "versions");
  return s;
}

std::string RStripChars(const std::string& s, const char* chars) {
  size_t end = s.find_last_not_of(chars);
  return end == std::string::npos ? "" : s.substr(0, end + 1);
}

std::vector<std::string> Lines(const std::string& v) { return Split(v, '\n'); }

const RawValue* FindRaw(const RawConfig& c, const std::string& section, const std::string& key) {
  auto s = c.sections.find(section);
  if (s == c.sections.end()) return nullptr;
  auto o = s->second.options.find(key);
  return o == s->second.options.end() ? nullptr : &o->second;
}

}  // namespace

void MergeSection(RawSection& base, RawSection top) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : top.options) keys.push_back(k);
  auto sort_key = [](const std::string& k) {
    return std::make_pair(RStripChars(k, " +"), k.empty() ? '\0' : k.back());
  };
  std::sort(keys.begin(), keys.end(),
            [&](const std::string& a, const std::string& b) { return sort_key(a) < sort_key(b); });
  for (const std::string& k : keys) {
    if (k.empty() || (k.back() != '+' && k.back() != '-')) continue;
    bool add = k.back() == '+';
    std::string key = RStripChars(k, add ? " +" : " -");
    RawValue op = top.options[k];
    std::string base_value;
    if (auto it = top.options.find(key); it != top.options.end()) {
      base_value = it->second.value;
    } else if (auto jt = base.options.find(key); jt != base.options.end()) {
      base_value = jt->second.value;
    }
    std::string value;
    if (add) {
      value = base_value + "\n" + op.value;
    } else {
      std::vector<std::string> removed = Lines(op.value), kept;
      for (const std::string& l : Lines(base_value))
        if (std::find(removed.begin(), removed.end(), l) == removed.end()) kept.push_back(l);
      value = Join(kept, "\n");
    }
    top.options[key] = RawValue{std::move(value), op.origin};
    top.options.erase(k);
  }
  for (auto& [k, v] : top.options) base.options[k] = std::move(v);
  base.origin = top.origin;
}

void MergeConfig(RawConfig& base, RawConfig top) {
  for (auto& [name, section] : top.sections) {
    auto it = base.sections.find(name);
    if (it == base.sections.end()) {
      base.sections.emplace(name, std::move(section));
    } else {
      MergeSection(it->second, std::move(section));
    }
  }
}

Result<RawConfig> ParseOverride(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return InvalidArgument("bad option override '" + text + "': expected section:option=value");
  std::string left = text.substr(0, eq);
  std::string value = std::string(Trim(text.substr(eq + 1)));
  std::string op;
  if (left.back() == '+' || left.back() == '-') {
    op = std::string(" ") + left.back();
    left.pop_back();
  }
  std::string section = "buildout", option = std::string(Trim(left));
  size_t colon = left.find(':');
  if (colon != std::string::npos) {
    section = std::string(Trim(left.substr(0, colon)));
    option = std::string(Trim(left.substr(colon + 1)));
  }
  if (section.empty() || option.empty() || option.find_first_of(" \t[]{}:") != std::string::npos)
    return InvalidArgument("bad option override '" + text + "': expected section:option=value");
  RawConfig c;
  RawSection& s = c.sections[section];
  s.origin = Origin{"", 0, "COMMAND_LINE_VALUE"};
  s.options[option + op] = RawValue{value, s.origin};
  return c;
}

Result<RawConfig> LoadProfile(const std::string& path, const LoadOptions& options) {
  Loader loader{options, false, true, "", {}};
  std::string root = path;
  if (!IsUrl(root) && root[0] != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) root = JoinPath(cwd, root);
  }

  // Command-line layer first: it decides offline/newest/extends-cache for the downloads.
  RawConfig cl;
  std::vector<std::string> cl_extends;
  for (const std::string& o : options.overrides) {
    SLAPOS_ASSIGN_OR_RETURN(RawConfig one, ParseOverride(o));
    auto& bo = one.sections.begin()->second;
    if (one.sections.begin()->first == "buildout" && bo.options.count("extends")) {
      for (const std::string& f : SplitWhitespace(bo.options["extends"].value)) cl_extends.push_back(f);
      continue;
    }
    for (auto& [sname, s] : one.sections)
      for (auto& [k, v] : s.options) {
        cl.sections[sname].origin = s.origin;
        cl.sections[sname].options[k] = v;
      }
  }

  // Peek at the root file's [buildout] for the download settings.
  std::string root_dir = IsUrl(root) ? "." : Dirname(root);
  {
    Result<std::string> text = IsUrl(root) ? Result<std::string>(std::string()) : ReadFile(root);
    if (!text.ok()) {
      std::string why = text.status().message();
      const std::string prefix = "cannot open " + root + ": ";
      if (StartsWith(why, prefix)) why = why.substr(prefix.size());
      return Status(text.status().code(), "cannot read profile '" + root + "': " + why +
                                              " (give the profile with -c FILE)");
    }
    SLAPOS_ASSIGN_OR_RETURN(RawConfig head, ParseProfile(*text, root, options.env));
    auto pick = [&](const char* key) -> std::string {
      if (const RawValue* v = FindRaw(cl, "buildout", key)) return v->value;
      if (const RawValue* v = FindRaw(head, "buildout", key)) return v->value;
      return "";
    };
    bool b = false;
    loader.offline = options.offline || (ParseBool(pick("offline"), &b) && b);
    loader.newest = !(ParseBool(pick("newest"), &b) && !b) && !loader.offline;
    std::string cache = pick("extends-cache");
    if (cache.find("${") != std::string::npos)
      return InvalidArgument(root + ": [buildout] extends-cache may not use ${...} substitutions: '" + cache + "'");
    if (!cache.empty()) loader.extends_cache = JoinPath(root_dir, cache);
  }

  RawConfig data;
  data.sections["buildout"] = Defaults(root_dir);
  SLAPOS_ASSIGN_OR_RETURN(RawConfig main, loader.Open("", root, Origin{}));
  MergeConfig(data, std::move(main));

  for (const std::string& f : cl_extends) {
    char cwd[PATH_MAX];
    std::string base = ::getcwd(cwd, sizeof cwd) ? cwd : ".";
    SLAPOS_ASSIGN_OR_RETURN(RawConfig more, loader.Open(base, f, Origin{"", 0, "COMMAND_LINE_VALUE"}));
    MergeConfig(data, std::move(more));
  }
  if (!options.extra_sections.empty()) {
    RawConfig extra;
    for (const auto& [sname, opts] : options.extra_sections) {
      RawSection& s = extra.sections[sname];
      s.origin = Origin{"", 0, "PROGRAMMATIC_VALUE"};
      for (const auto& [k, v] : opts) s.options[k] = RawValue{v, s.origin};
    }
    MergeConfig(data, std::move(extra));
  }
  MergeConfig(data, std::move(cl));

  // bin-, parts-, eggs-, develop-eggs-directory are relative to `directory`.
  RawSection& bo = data.sections["buildout"];
  const std::string directory = bo.options["directory"].value;
  if (directory.find("${") == std::string::npos) {
    for (const char* k : {"bin-directory", "parts-directory", "eggs-directory", "develop-eggs-directory"}) {
      RawValue& v = bo.options[k];
      if (!v.value.empty() && v.value[0] != '/' && v.value.find("${") == std::string::npos)
        v.value = JoinPath(directory, v.value);
    }
  }
  return data;
}

}  // namespace slapos::build::lang
