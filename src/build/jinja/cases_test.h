// Template cases whose expected output comes from the real Jinja2 (oracle/make_cases.py).
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace slapos::jinja {

struct OracleCase {
  std::string name;
  std::string source;
  std::string context_json;
  std::string expected;
  std::vector<std::pair<std::string, std::string>> templates;  // for import/include
  bool keep_trailing_newline = false;
};

const std::vector<OracleCase>& OracleCases();

// For GoogleTest's messages: the case's name and template, not its bytes.
inline void PrintTo(const OracleCase& c, std::ostream* os) { *os << c.name << ": " << c.source; }

}  // namespace slapos::jinja
