// The Buildout line parser (profiles.md §1.1-1.2): one file's text into sections of raw
// options, with conditional headers evaluated. No extends, no +=/-= merging, no substitution:
// those are the loader's and the resolver's. Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "build/lang/condition.h"
#include "build/lang/profile.h"
#include "util/status.h"

namespace slapos::build::lang {

// Parses `text`, read from `filename` (named in errors). Every bad line is reported, in one
// InvalidArgument error, one "file:line: ..." entry per line.
Result<RawConfig> ParseProfile(std::string_view text, const std::string& filename,
                               const ConditionEnv& env = ConditionEnv::Host());

// Buildout's handling of a block value (first line empty): trailing white space removed,
// common margin removed (textwrap.dedent), leading blank lines removed.
std::string DedentBlock(std::string_view text);

}  // namespace slapos::build::lang
