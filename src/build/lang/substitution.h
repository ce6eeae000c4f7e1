// Buildout's `${section:option}` syntax (profiles.md §1.5), in one place for the resolver
// (option values) and the template recipes (template text): `$$` gives `$` (SlapOS's fork, so
// `$${x:y}` is a literal `${x:y}`), each reference is checked (colon, characters) and replaced
// by what the caller's lookup returns, never re-scanned. A typed value (build/typed_value.h)
// stays typed only when its reference is the whole text; otherwise its JSON text is inserted.
// Thread-compatible (pure, apart from the callbacks).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace slapos::build::lang {

// One reference as written.
struct Reference {
  std::string section;  // empty for `${:option}`
  std::string option;
  std::string text;    // "${section:option}"
  size_t offset = 0;   // where `text` starts
  bool whole = false;  // the reference is the whole text
};

struct SubstitutionOptions {
  // The value a reference stands for (its errors are returned as they are).
  std::function<Result<std::string>(const Reference&)> lookup;
  // The prefix of a syntax error found at `offset` ("buildout.cfg:3: [a] option 'x': ").
  std::function<std::string(size_t offset)> where;
  // Buildout leaves an unterminated `${` as literal text; templates may prefer an error.
  bool unterminated_is_error = false;
};

// `text` with every reference substituted. Syntax errors use Buildout's words:
// "The substitution, ${HOME}, doesn't contain a colon (write $${HOME} for a literal ${HOME})",
// "..., has too many colons.", "..., has invalid characters.".
Result<std::string> SubstituteReferences(std::string_view text, const SubstitutionOptions& options);

}  // namespace slapos::build::lang
