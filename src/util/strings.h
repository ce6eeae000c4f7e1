// Small string helpers shared by every layer. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slapos {

std::string_view Trim(std::string_view s);
std::string_view TrimRight(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
// Splits on every occurrence of `sep`; keeps empty pieces.
std::vector<std::string> Split(std::string_view s, char sep);
// Splits on runs of ASCII whitespace; no empty pieces.
std::vector<std::string> SplitWhitespace(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string ToLower(std::string_view s);
// Replaces every occurrence of `from` (non-empty) with `to`.
std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to);
// Lower-case hex of the MD5 digest of `data` (SlapOS names software directories this way).
std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);
// Parses a whole decimal integer; false on anything else (sign allowed, no spaces).
bool ParseInt64(std::string_view s, long long* out);
// true/false, yes/no, on/off, 1/0 (case-insensitive), as INI files spell booleans.
bool ParseBool(std::string_view s, bool* out);

}  // namespace slapos
