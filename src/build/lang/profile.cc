#include "build/lang/profile.h"

namespace slapos::build::lang {

std::string Origin::ToString() const {
  if (file.empty()) return what.empty() ? "<unknown>" : what;
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

}  // namespace slapos::build::lang
