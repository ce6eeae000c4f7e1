// SHA-1 (FIPS 180-4) as lowercase hex: supervisord's `{SHA}` passwords and the keys of the
// reloadConfig parse cache. Our own so that the supervisor does not load libcrypto (≈1.4 MB of
// resident pages in a daemon that must stay small). Not for new security uses. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace slapos::supervise {

std::string Sha1Hex(std::string_view data);

}  // namespace slapos::supervise
