#include "build/lang/parser.h"

#include <optional>
#include <vector>

#include "util/strings.h"

namespace slapos::build::lang {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n'; }

bool IsSectionNameChar(char c) {
  return !IsSpace(c) && c != '#' && c != '[' && c != ']' && c != ':' && c != ';' && c != '{' &&
         c != '}';
}

bool IsOptionNameChar(char c) {
  return !IsSpace(c) && c != '{' && c != '}' && c != '[' && c != ']' && c != '=' && c != ':';
}

struct Header {
  std::string name;
  std::optional<std::string> expression;
};

// `[name]`, `[name:expr]`, optionally followed by `# comment` / `; comment`.
std::optional<Header> ParseHeader(std::string_view line) {
  if (line.empty() || line[0] != '[') return std::nullopt;
  size_t cut = line.find_first_of("#;");
  std::string_view head = TrimRight(line.substr(0, cut));
  if (head.size() < 2 || head.back() != ']') return std::nullopt;
  std::string_view inner = head.substr(1, head.size() - 2);
  Header h;
  size_t colon = inner.find(':');
  std::string_view name = Trim(inner.substr(0, colon));
  if (name.empty()) return std::nullopt;
  for (char c : name)
    if (!IsSectionNameChar(c)) return std::nullopt;
  h.name = std::string(name);
  if (colon != std::string_view::npos) h.expression = std::string(inner.substr(colon + 1));
  return h;
}

struct OptionStart {
  std::string key;
  std::string value;
};

// `name = value`, `name += value`, `name -= value`; `=> a b` is `<part-dependencies>`.
std::optional<OptionStart> ParseOptionStart(std::string_view line) {
  if (StartsWith(line, "=>")) return OptionStart{"<part-dependencies>", std::string(Trim(line.substr(2)))};
  size_t i = 0;
  while (i < line.size() && IsOptionNameChar(line[i])) ++i;
  if (i == 0) return std::nullopt;
  size_t name_end = i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t key_end = name_end;
  if (i < line.size() && (line[i] == '+' || line[i] == '-') && i + 1 < line.size() &&
      line[i + 1] == '=') {
    ++i;
    key_end = i;
  }
  if (i >= line.size() || line[i] != '=') return std::nullopt;
  OptionStart o;
  o.key = std::string(TrimRight(line.substr(0, key_end)));
  o.value = std::string(Trim(line.substr(i + 1)));
  return o;
}

}  // namespace

std::string DedentBlock(std::string_view text) {
  std::vector<std::string> lines = Split(TrimRight(text), '\n');
  std::optional<std::string> margin;
  for (std::string& l : lines) {
    std::string_view t = TrimRight(l);
    if (t.empty()) {
      l.clear();
      continue;
    }
    size_t n = 0;
    while (n < l.size() && (l[n] == ' ' || l[n] == '\t')) ++n;
    std::string lead = l.substr(0, n);
    if (!margin) {
      margin = lead;
    } else {
      size_t k = 0;
      while (k < margin->size() && k < lead.size() && (*margin)[k] == lead[k]) ++k;
      margin->resize(k);
    }
  }
  std::string out;
  bool started = false;
  for (const std::string& l : lines) {
    if (!started && l.empty()) continue;
    if (started) out += '\n';
    started = true;
    out += l.empty() ? l : l.substr(margin ? margin->size() : 0);
  }
  return out;
}

Result<RawConfig> ParseProfile(std::string_view text, const std::string& filename,
                               const ConditionEnv& env) {
  RawConfig config;
  RawSection discard;             // options of a header whose condition is false
  RawSection* section = nullptr;  // where options go; &discard when skipping
  std::vector<std::string> errors;

  // The option being read.
  std::string key;
  int key_line = 0;
  std::string first;
  std::vector<std::string> more;
  bool open = false;

  auto finish = [&]() {
    if (!open) return;
    std::string value;
    if (!first.empty()) {
      value = first;
      for (const std::string& m : more) {
        std::string_view t = Trim(m);
        if (t.empty()) continue;
        value += '\n';
        value += t;
      }
    } else {
      std::string block;
      for (const std::string& m : more) {
        block += '\n';
        block += TrimRight(m);
      }
      value = DedentBlock(block);
    }
    section->options[key] = RawValue{std::move(value), Origin{filename, key_line, ""}};
    open = false;
    more.clear();
  };

  int lineno = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (nl == std::string_view::npos && line.empty()) break;

    if (Trim(line).empty()) {
      if (open) more.emplace_back();
      continue;
    }
    if (line[0] == '#' || line[0] == ';') continue;
    if (IsSpace(line[0])) {
      if (open) {
        more.emplace_back(line);
        continue;
      }
      if (section == &discard) continue;
      errors.push_back(filename + ":" + std::to_string(lineno) +
                       ": indented line outside of an option: '" + std::string(Trim(line)) +
                       "' (continuation lines must follow an option)");
      continue;
    }
    if (std::optional<Header> h = ParseHeader(line)) {
      finish();
      bool keep = true;
      if (h->expression) {
        Result<bool> r = EvaluateCondition(*h->expression, env);
        if (!r.ok()) {
          errors.push_back(filename + ":" + std::to_string(lineno) + ": section [" + h->name +
                           "]: cannot evaluate condition '" + std::string(Trim(*h->expression)) +
                           "': " + r.status().message());
          keep = false;
        } else {
          keep = *r;
        }
      }
      if (keep) {
        section = &config.sections[h->name];
        section->origin = Origin{filename, lineno, ""};
      } else {
        discard.options.clear();
        section = &discard;
      }
      continue;
    }
    if (line[0] == '[') {
      finish();
      errors.push_back(filename + ":" + std::to_string(lineno) + ": bad section header '" +
                       std::string(line) +
                       "' (expected [name] or [name:condition]; names may not contain spaces, "
                       "'#', ';', ':', '[', ']', '{', '}')");
      section = &discard;  // its options would land in the wrong section
      continue;
    }
    if (std::optional<OptionStart> o = ParseOptionStart(line)) {
      finish();
      if (!section) {
        errors.push_back(filename + ":" + std::to_string(lineno) + ": option '" + o->key +
                         "' comes before any [section] header");
        continue;
      }
      key = o->key;
      key_line = lineno;
      first = o->value;
      open = true;
      continue;
    }
    finish();
    errors.push_back(filename + ":" + std::to_string(lineno) + ": cannot parse line '" +
                     std::string(line) + "' (expected [section], 'name = value', 'name += value'"
                     " or 'name -= value')");
  }
  finish();
  if (!errors.empty()) return InvalidArgument(Join(errors, "\n"));
  return config;
}

}  // namespace slapos::build::lang
