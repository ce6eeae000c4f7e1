#include "cli/parse.h"

#include <CLI/CLI.hpp>

namespace slapos::cli {

int ParseArgs(CLI::App& app, const std::vector<std::string>& args) {
  // CLI11 takes a vector in reverse order (it pops from the back).
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return -1;
}

}  // namespace slapos::cli
