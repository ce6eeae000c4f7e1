// `slapos supervisord -c FILE [-n]`: loads the configuration (refusing to start on an error),
// daemonizes unless -n or nodaemon=true (the parent returns once the control socket listens),
// and runs the Supervisor, restarting it in place on `reload`. Returns the exit code.
#pragma once

#include <string>

namespace slapos::supervise {

int SupervisordMain(const std::string& config_path, bool nodaemon);

}  // namespace slapos::supervise
