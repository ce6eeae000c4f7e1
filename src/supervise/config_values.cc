// The value syntaxes of supervisord's dialect (%(name)s expansion, environment lists, byte
// sizes, signal names) and the configs' fingerprints; declared in config.h.
#include <csignal>
#include <cstdlib>
#include <string_view>

#include "supervise/config.h"
#include "util/strings.h"

namespace slapos::supervise {

namespace {

struct SignalEntry { const char* name; int sig; };
const SignalEntry kSignals[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"ALRM", SIGALRM}, {"STOP", SIGSTOP}, {"CONT", SIGCONT},
    {"ABRT", SIGABRT}, {"PIPE", SIGPIPE}, {"WINCH", SIGWINCH}, {"CHLD", SIGCHLD}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"SEGV", SIGSEGV}, {"BUS", SIGBUS}, {"FPE", SIGFPE},
    {"ILL", SIGILL}, {"TRAP", SIGTRAP}, {"URG", SIGURG}, {"IO", SIGIO}, {"SYS", SIGSYS},
    {"PWR", SIGPWR}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
};

}  // namespace

Result<std::string> ExpandPercent(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '%') { out += c; continue; }
    if (i + 1 < text.size() && text[i + 1] == '%') { out += '%'; ++i; continue; }
    if (i + 1 >= text.size() || text[i + 1] != '(')
      return InvalidArgument("'%' in '" + text + "' must be written '%%' or start '%(name)s'");
    size_t close = text.find(')', i + 2);
    if (close == std::string::npos) return InvalidArgument("unterminated '%(' in '" + text + "'");
    std::string key = text.substr(i + 2, close - i - 2);
    size_t j = close + 1;
    std::string flags;
    while (j < text.size() && std::string_view("0123456789-+ #.").find(text[j]) != std::string_view::npos) flags += text[j++];
    if (j >= text.size() || (text[j] != 's' && text[j] != 'd' && text[j] != 'r'))
      return InvalidArgument("format '%(" + key + ")' in '" + text + "' must end with s or d");
    char conv = text[j];
    auto it = vars.find(key);
    if (it == vars.end())
      return InvalidArgument("'" + text + "' uses %(" + key + ")" + conv + " which cannot be expanded (known: here, program_name, group_name, process_num, numprocs, host_node_name, ENV_*)");
    std::string val = it->second;
    if (!flags.empty()) {
      bool zero = flags[0] == '0';
      bool left = flags[0] == '-';
      long long width = std::atoll(flags.c_str() + ((zero || left) ? 1 : 0));
      if (static_cast<long long>(val.size()) < width) {
        std::string pad(width - val.size(), zero && conv == 'd' ? '0' : ' ');
        val = left ? val + pad : pad + val;
      }
    }
    out += val;
    i = j;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseEnvironment(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0, n = text.size();
  auto skip = [&] { while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i; };
  while (true) {
    skip();
    if (i >= n) break;
    size_t eq = text.find('=', i);
    if (eq == std::string::npos) return InvalidArgument("environment '" + text + "': expected KEY=value at '" + text.substr(i) + "'");
    std::string key(Trim(std::string_view(text).substr(i, eq - i)));
    if (key.empty() || key.find_first_of(",\"'") != std::string::npos)
      return InvalidArgument("environment '" + text + "': bad variable name '" + key + "'");
    i = eq + 1;
    skip();
    std::string val;
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      char q = text[i++];
      size_t end = text.find(q, i);
      if (end == std::string::npos) return InvalidArgument("environment '" + text + "': unterminated quote for " + key);
      val = text.substr(i, end - i);
      i = end + 1;
    } else {
      size_t end = text.find(',', i);
      if (end == std::string::npos) end = n;
      val = std::string(Trim(std::string_view(text).substr(i, end - i)));
      i = end;
    }
    out.emplace_back(key, val);
    skip();
    if (i < n) {
      if (text[i] != ',') return InvalidArgument("environment '" + text + "': expected ',' after " + key);
      ++i;
    }
  }
  return out;
}

Result<long long> ParseByteSize(const std::string& text) {
  std::string t = ToLower(Trim(text));
  long long mult = 1;
  if (EndsWith(t, "kb")) mult = 1024;
  else if (EndsWith(t, "mb")) mult = 1024 * 1024;
  else if (EndsWith(t, "gb")) mult = 1024LL * 1024 * 1024;
  if (mult != 1) t = t.substr(0, t.size() - 2);
  long long n;
  if (!ParseInt64(Trim(t), &n) || n < 0) return InvalidArgument("'" + text + "' is not a byte size like 50MB, 100KB or 1024");
  return n * mult;
}

Result<int> ParseSignal(const std::string& text) {
  std::string t(Trim(text));
  long long n;
  if (ParseInt64(t, &n) && n > 0 && n < 65) return static_cast<int>(n);
  std::string u = t;
  for (char& c : u) c = static_cast<char>(toupper(c));
  if (StartsWith(u, "SIG")) u = u.substr(3);
  for (const SignalEntry& s : kSignals)
    if (u == s.name) return s.sig;
  return InvalidArgument("'" + text + "' is not a signal name (TERM, HUP, INT, QUIT, KILL, USR1, USR2...)");
}

const char* SignalName(int sig) {
  for (const SignalEntry& s : kSignals)
    if (s.sig == sig) return s.name;
  return "UNKNOWN";
}

const GroupConfig* Config::FindGroup(const std::string& name) const {
  for (const GroupConfig& g : groups)
    if (g.name == name) return &g;
  return nullptr;
}

std::string ProcessConfig::Fingerprint() const {
  std::string f = name + '\x1f' + group + '\x1f' + command + '\x1f' + directory + '\x1f' + user + '\x1f' +
                  std::to_string(umask) + '\x1f';
  for (const auto& [k, v] : environment) f += k + '=' + v + '\x1e';
  f += '\x1f' + std::to_string(priority) + std::to_string(autostart) + std::to_string(static_cast<int>(autorestart));
  for (int c : exitcodes) f += "," + std::to_string(c);
  f += '\x1f' + std::to_string(startsecs) + '/' + std::to_string(startretries) + '/' + std::to_string(stopsignal) +
       '/' + std::to_string(stopwaitsecs) + '/' + std::to_string(stopasgroup) + std::to_string(killasgroup) +
       std::to_string(redirect_stderr) + '\x1f' + stdout_log.path + '/' + std::to_string(stdout_log.maxbytes) + '/' +
       std::to_string(stdout_log.backups) + '\x1f' + stderr_log.path + '/' + std::to_string(stderr_log.maxbytes) +
       '/' + std::to_string(stderr_log.backups) + '\x1f' + std::to_string(backoff_initial_secs) + '/' +
       std::to_string(backoff_max_secs) + '\x1f' + std::to_string(is_listener) + Join(events, ",") + '/' +
       std::to_string(buffer_size) + '/' + std::to_string(stdout_events_enabled) + std::to_string(stderr_events_enabled);
  return f;
}

std::string GroupConfig::Fingerprint() const {
  std::string f = name + '\x1d' + std::to_string(priority) + '\x1d';
  for (const ProcessConfig& p : processes) f += p.Fingerprint() + '\x1d';
  return f;
}

}  // namespace slapos::supervise
