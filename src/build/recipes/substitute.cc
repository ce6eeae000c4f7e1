#include "build/recipes/substitute.h"

#include <map>

#include "build/lang/substitution.h"

namespace slapos::build::recipes {

namespace {

int LineOf(std::string_view text, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

Result<std::string> SubstituteTemplate(const std::string& text, const std::string& part,
                                       const Options& options, const BuildContext& ctx,
                                       const std::string& what) {
  std::map<std::string, Options> sections;  // each section fetched once
  lang::SubstitutionOptions so;
  so.unterminated_is_error = true;
  so.where = [&](size_t pos) {
    return "part [" + part + "]: " + what + ":" + std::to_string(LineOf(text, pos)) + ": ";
  };
  so.lookup = [&](const lang::Reference& ref) -> Result<std::string> {
    const std::string& sec = ref.section;
    const Options* source = &options;
    if (!sec.empty() && sec != part) {
      auto it = sections.find(sec);
      if (it == sections.end()) {
        if (!ctx.section) return NotFound(so.where(ref.offset) + ref.text + ": no section lookup available");
        auto got = ctx.section(sec);
        if (!got.ok()) return got.status().WithContext(so.where(ref.offset) + ref.text);
        it = sections.emplace(sec, std::move(got).value()).first;
      }
      source = &it->second;
    }
    auto v = source->find(ref.option);
    if (v != source->end()) return v->second;
    if (ref.option == "_buildout_section_name_") return sec.empty() ? part : sec;
    return NotFound(so.where(ref.offset) + ref.text + ": section [" + (sec.empty() ? part : sec) +
                    "] has no option '" + ref.option + "'");
  };
  return lang::SubstituteReferences(text, so);
}

}  // namespace slapos::build::recipes
