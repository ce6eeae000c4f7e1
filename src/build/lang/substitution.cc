#include "build/lang/substitution.h"

#include <cctype>

#include "build/typed_value.h"

namespace slapos::build::lang {

namespace {

bool ValidRefChars(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ' ' || c == '.' ||
          c == '_'))
      return false;
  return true;
}

}  // namespace

Result<std::string> SubstituteReferences(std::string_view text,
                                         const SubstitutionOptions& options) {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  auto where = [&](size_t offset) { return options.where ? options.where(offset) : std::string(); };
  std::string out;
  out.reserve(text.size());
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
    if (close == std::string_view::npos) {
      if (options.unterminated_is_error)
        return InvalidArgument(where(i) + "unterminated '${' (write $${ for a literal ${)");
      out.append(text.substr(i));  // no match for the reference pattern: literal text
      break;
    }
    Reference ref;
    ref.offset = i;
    ref.text = std::string(text.substr(i, close + 1 - i));
    ref.whole = i == 0 && close + 1 == text.size();
    std::string_view body = text.substr(i + 2, close - i - 2);
    size_t colon = body.find(':');
    if (colon == std::string_view::npos)
      return InvalidArgument(where(i) + "The substitution, " + ref.text +
                             ", doesn't contain a colon (write $" + ref.text + " for a literal " +
                             ref.text + ")");
    if (body.find(':', colon + 1) != std::string_view::npos)
      return InvalidArgument(where(i) + "The substitution, " + ref.text + ", has too many colons.");
    ref.section = std::string(body.substr(0, colon));
    ref.option = std::string(body.substr(colon + 1));
    if (!ValidRefChars(ref.section, true) || !ValidRefChars(ref.option, false))
      return InvalidArgument(where(i) + "The substitution, " + ref.text +
                             ", has invalid characters.");
    SLAPOS_ASSIGN_OR_RETURN(std::string value, options.lookup(ref));
    out += IsTypedValue(value) && !ref.whole ? std::string(TypedValueJson(value)) : value;
    i = close + 1;
  }
  return out;
}

}  // namespace slapos::build::lang
