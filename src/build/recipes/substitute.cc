#include "build/recipes/substitute.h"

#include <map>

namespace slapos::build::recipes {

namespace {

bool ValidName(const std::string& s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  for (char c : s)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ' ' || c == '.' || c == '_'))
      return false;
  return true;
}

int LineOf(const std::string& text, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

Result<std::string> SubstituteTemplate(const std::string& text, const std::string& part,
                                       const Options& options, const BuildContext& ctx,
                                       const std::string& what) {
  std::string out;
  std::map<std::string, Options> sections;  // each section fetched once
  auto where = [&](size_t pos) {
    return "part [" + part + "]: " + what + ":" + std::to_string(LineOf(text, pos)) + ": ";
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (c != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += c;
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      return InvalidArgument(where(i) + "unterminated '${' (write $${ for a literal ${)");
    std::string ref = text.substr(i + 2, close - i - 2);
    auto colon = ref.find(':');
    if (colon == std::string::npos)
      return InvalidArgument(where(i) + "${" + ref +
                             "} doesn't contain a colon (write $${ for a literal ${)");
    if (ref.find(':', colon + 1) != std::string::npos)
      return InvalidArgument(where(i) + "${" + ref + "} has too many colons");
    std::string sec = ref.substr(0, colon), opt = ref.substr(colon + 1);
    if (!ValidName(sec, true) || !ValidName(opt, false))
      return InvalidArgument(where(i) + "${" + ref + "} has invalid characters");
    const Options* source = &options;
    if (!sec.empty() && sec != part) {
      auto it = sections.find(sec);
      if (it == sections.end()) {
        if (!ctx.section) return NotFound(where(i) + "${" + ref + "}: no section lookup available");
        auto got = ctx.section(sec);
        if (!got.ok()) return got.status().WithContext(where(i) + "${" + ref + "}");
        it = sections.emplace(sec, std::move(got).value()).first;
      }
      source = &it->second;
    }
    auto v = source->find(opt);
    if (v == source->end()) {
      if (opt == "_buildout_section_name_") {
        out += sec.empty() ? part : sec;
      } else {
        return NotFound(where(i) + "${" + ref + "}: section [" + (sec.empty() ? part : sec) +
                        "] has no option '" + opt + "'");
      }
    } else {
      out += v->second;
    }
    i = close + 1;
  }
  return out;
}

}  // namespace slapos::build::recipes
