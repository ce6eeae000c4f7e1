#include "node/watchdog.h"

#include <cctype>
#include <cstdlib>

#include "util/file.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

std::optional<std::string> ReadOptional(const std::string& path) {
  auto r = ReadFile(path);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// The integer part of a timestamp file ("1700000000", "1700000000.25"); 0 when unreadable.
long long TimestampValue(const std::string& text) {
  std::string t(Trim(text));
  size_t dot = t.find('.');
  if (dot != std::string::npos) t = t.substr(0, dot);
  long long v = 0;
  return ParseInt64(t, &v) ? v : 0;
}

// One argument for supervisord's shlex-like command splitting.
std::string Quote(const std::string& arg) {
  bool plain = !arg.empty();
  for (char c : arg)
    if (!(isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_/.:@%+=,-").find(c) != std::string_view::npos))
      plain = false;
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

// A line from `in` without its '\n'; nullopt at end of input.
std::optional<std::string> ReadLine(std::FILE* in) {
  std::string line;
  int c;
  while ((c = std::fgetc(in)) != EOF) {
    if (c == '\n') return line;
    line += static_cast<char>(c);
  }
  if (line.empty()) return std::nullopt;
  return line;
}

Status Write(std::FILE* out, std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fflush(out) != 0)
    return Unavailable("event listener: writing to the supervisor failed (it went away?)");
  return Status::OK();
}

}  // namespace

std::map<std::string, std::string> ParseListenerTokens(std::string_view line) {
  std::map<std::string, std::string> out;
  for (const auto& token : SplitWhitespace(line)) {
    size_t colon = token.find(':');
    if (colon == std::string::npos) continue;
    out[token.substr(0, colon)] = token.substr(colon + 1);
  }
  return out;
}

std::optional<WatchedFailure> WatchedFailureOf(const std::map<std::string, std::string>& header,
                                               std::string_view payload) {
  auto ev = header.find("eventname");
  if (ev == header.end() ||
      (ev->second != "PROCESS_STATE_EXITED" && ev->second != "PROCESS_STATE_FATAL"))
    return std::nullopt;
  // The payload's first line holds the tokens (PROCESS_LOG events carry data after it).
  size_t nl = payload.find('\n');
  auto fields = ParseListenerTokens(payload.substr(0, nl));
  auto name = fields.find("processname");
  auto group = fields.find("groupname");
  if (name == fields.end() || group == fields.end() || group->second.empty()) return std::nullopt;
  if (name->second.find("-on-watch") == std::string::npos) return std::nullopt;
  // A group name is a partition reference: never a path.
  if (group->second.find('/') != std::string::npos || group->second == "." || group->second == "..")
    return std::nullopt;
  return WatchedFailure{ev->second, name->second, group->second};
}

bool ShouldBang(const std::optional<std::string>& latest_bang,
                const std::optional<std::string>& timestamp) {
  if (!latest_bang) return true;
  if (!timestamp) return false;
  return TimestampValue(*timestamp) > TimestampValue(*latest_bang);
}

Result<bool> HandleWatchdogEvent(const std::string& instance_root,
                                 const std::map<std::string, std::string>& header,
                                 std::string_view payload, BangSender& sender) {
  auto failure = WatchedFailureOf(header, payload);
  if (!failure) return false;
  const std::string home = instance_root + "/" + failure->partition;
  if (!IsDirectory(home))
    return NotFound("watchdog: " + failure->processname + " went down in group " +
                    failure->partition + " but " + home +
                    " is not a partition directory; nothing banged");
  const std::string bang_path = home + "/" + kLatestBangFile;
  const std::string ts_path = home + "/.timestamp";
  if (!ShouldBang(ReadOptional(bang_path), ReadOptional(ts_path))) {
    LOG_INFO(
        "watchdog: {} went down ({}) in partition {}; already banged since its last deployment",
        failure->processname, failure->eventname, failure->partition);
    return false;
  }
  std::string message = failure->processname + " process in partition " + failure->partition +
                        " encountered a problem";
  Status s = sender.Bang(failure->partition, message);
  if (!s.ok()) return s.WithContext("watchdog: banging partition " + failure->partition);
  LOG_INFO("watchdog: banged partition {}: {}", failure->partition, message);
  std::string ts = ReadOptional(ts_path).value_or("0");
  SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(bang_path, ts, 0644));
  return true;
}

Status RunEventListener(std::FILE* in, std::FILE* out, const ListenerHandler& handle) {
  while (true) {
    SLAPOS_RETURN_IF_ERROR(Write(out, "READY\n"));
    auto line = ReadLine(in);
    if (!line) return Status::OK();
    auto header = ParseListenerTokens(*line);
    long long len = -1;
    auto it = header.find("len");
    if (it == header.end() || !ParseInt64(it->second, &len) || len < 0 || len > (64 << 20))
      return InvalidArgument("event listener: header without a valid len: '" + *line +
                             "' (is this run by supervisord as an [eventlistener]?)");
    std::string payload(static_cast<size_t>(len), '\0');
    if (len > 0 && std::fread(payload.data(), 1, payload.size(), in) != payload.size())
      return InvalidArgument("event listener: input ended inside a " + std::to_string(len) +
                             "-byte payload");
    handle(header, payload);
    SLAPOS_RETURN_IF_ERROR(Write(out, "RESULT 2\nOK"));
  }
}

std::string WatchdogSection(const NodeConfig& config, const std::string& slapos_binary) {
  if (config.master_url.empty() || config.computer_id.empty()) return "";
  std::string cmd = Quote(slapos_binary) + " node watchdog --master-url " +
                    Quote(config.master_url) + " --computer-id " + Quote(config.computer_id) +
                    " --instance-root " + Quote(config.instance_root);
  if (!config.certificate_repository_path.empty())
    cmd += " --certificate-repository-path " + Quote(config.certificate_repository_path);
  if (!config.key_file.empty()) cmd += " --key-file " + Quote(config.key_file);
  if (!config.cert_file.empty()) cmd += " --cert-file " + Quote(config.cert_file);
  if (!config.master_ca_file.empty()) cmd += " --master-ca-file " + Quote(config.master_ca_file);
  return "\n# node.md §8.4: bangs a partition on the master when one of its etc/service programs "
         "goes down.\n"
         "[eventlistener:watchdog]\ncommand = " +
         cmd +
         "\nevents = PROCESS_STATE_EXITED,PROCESS_STATE_FATAL\nautostart = true\nautorestart = "
         "true\n";
}

}  // namespace slapos::node
