// NodeSystem on Linux: getpwnam/getgrnam for lookups, useradd/groupadd/usermod/passwd/userdel
// for changes, POSIX calls for files, `ip` (iproute2, JSON output) for addresses, routes and
// taps. Needs root for every change. Not thread-safe.
#pragma once

#include <memory>

#include "node/system.h"

namespace slapos::node {

std::unique_ptr<NodeSystem> NewLinuxSystem();

}  // namespace slapos::node
