#include "build/recipes/options.h"

#include <sys/stat.h>

#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

std::string Get(const Options& options, const std::string& key, const std::string& fallback) {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

bool Has(const Options& options, const std::string& key) { return options.count(key) > 0; }

Result<std::string> Require(const std::string& part, const Options& options, const std::string& key) {
  auto it = options.find(key);
  if (it == options.end() || Trim(it->second).empty())
    return InvalidArgument("part [" + part + "]: option '" + key +
                           "' is required; add it to the section");
  return std::string(Trim(it->second));
}

Result<bool> GetBool(const std::string& part, const Options& options, const std::string& key,
                     bool fallback) {
  auto it = options.find(key);
  if (it == options.end() || Trim(it->second).empty()) return fallback;
  bool out = false;
  if (!ParseBool(Trim(it->second), &out))
    return InvalidArgument("part [" + part + "]: option '" + key + "' = '" + it->second +
                           "' is not a boolean; use true or false");
  return out;
}

std::vector<std::string> Lines(const std::string& value) {
  std::vector<std::string> out;
  for (const auto& line : Split(value, '\n')) {
    auto t = Trim(line);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

Result<unsigned> GetMode(const std::string& part, const Options& options, const std::string& key,
                         unsigned fallback) {
  std::string v(Trim(Get(options, key)));
  if (v.empty()) return fallback;
  std::string digits = v;
  if (StartsWith(digits, "0o") || StartsWith(digits, "0O")) digits = digits.substr(2);
  bool ok = !digits.empty() && digits.size() <= 5;
  unsigned mode = 0;
  for (char c : digits) {
    if (c < '0' || c > '7') ok = false;
    mode = mode * 8 + unsigned(c - '0');
  }
  if (!ok || mode > 07777)
    return InvalidArgument("part [" + part + "]: option '" + key + "' = '" + v +
                           "' is not an octal file mode; write e.g. 0755");
  return mode;
}

Status WriteFileIfChanged(const std::string& path, const std::string& content, unsigned mode) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & 07777) == mode) {
    auto old = ReadFile(path);
    if (old.ok() && *old == content) return Status::OK();
  }
  SLAPOS_RETURN_IF_ERROR(MakeDirs(Dirname(path)));
  SLAPOS_RETURN_IF_ERROR(WriteFileUnsynced(path, content, mode));  // the runner syncs once at the end
  if (chmod(path.c_str(), mode) != 0) return ErrnoError("chmod " + path, errno);
  return Status::OK();
}

std::string DefaultLocation(const std::string& part, const BuildContext& ctx) {
  return JoinPath(ctx.parts_directory, part);
}

std::string ShellQuote(const std::string& word) {
  if (word.empty()) return "''";
  bool safe = true;
  for (char c : word) {
    if (!(isalnum(static_cast<unsigned char>(c)) || std::string_view("@%+=:,./-_").find(c) !=
                                                        std::string_view::npos))
      safe = false;
  }
  if (safe) return word;
  return "'" + ReplaceAll(word, "'", "'\"'\"'") + "'";
}

Result<std::vector<std::string>> ShellSplit(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0; else cur += c;
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < text.size() &&
                 std::string_view("\\\"$`\n").find(text[i + 1]) != std::string_view::npos) {
        cur += text[++i];
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      if (text[i + 1] != '\n') cur += text[i + 1];
      ++i;
      in_word = true;
    } else if (isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return InvalidArgument("unterminated " + std::string(1, quote) + " quote in: " + text);
  if (in_word) out.push_back(cur);
  return out;
}

namespace {
std::string SignatureText(const Options& options) {
  std::string base = Get(options, "_profile_base_location_");
  std::string text;
  for (const auto& [k, v] : options) {
    if (k == "location" || StartsWith(k, "__")) continue;
    std::string value = v;
    if (k != "_profile_base_location_" && !base.empty())
      value = ReplaceAll(value, base, "${:_profile_base_location_}");
    text += k + " = " + ReplaceAll(value, "\n", "\n\t") + "\n";
  }
  return text;
}
}  // namespace

std::string SharedSignaturePath(const std::string& location) {
  return JoinPath(location, ".buildout-shared.signature");
}

Result<SharedPlace> SharedLocation(const std::string& part, const Options& options,
                                   const BuildContext& ctx) {
  if (!ctx.section)
    return FailedPrecondition("part [" + part + "]: shared = true needs [buildout] shared-part-list");
  auto buildout = ctx.section("buildout");
  if (!buildout.ok()) return buildout.status().WithContext("part [" + part + "]");
  auto dirs = SplitWhitespace(Get(*buildout, "shared-part-list"));
  if (dirs.empty())
    return FailedPrecondition("part [" + part +
                              "]: shared = true but [buildout] shared-part-list is empty; set it "
                              "to the directories shared parts live in");
  std::string hash = Md5Hex(SignatureText(options));
  for (const auto& dir : dirs) {
    std::string loc = JoinPath(JoinPath(dir, part), hash);
    if (PathExists(SharedSignaturePath(loc))) return SharedPlace{loc, true};
  }
  return SharedPlace{JoinPath(JoinPath(dirs.back(), part), hash), false};
}

Status WriteSharedSignature(const std::string& location, const Options& options) {
  return WriteFileAtomic(SharedSignaturePath(location), SignatureText(options), 0444);
}

}  // namespace slapos::build::recipes
