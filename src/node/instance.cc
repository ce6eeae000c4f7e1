#include "node/instance.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>

#include "node/offline.h"
#include "node/partition.h"
#include "util/file.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

using Kind = PartitionOutcome::Kind;

int64_t NowSeconds(Env& env) { return env.NowMicros() / 1000000; }

// SR/<md5>/periodicity: an integer overrides maximum_periodicity; anything else is deleted.
int64_t Periodicity(const InstanceOptions& o, const std::string& url) {
  if (url.empty()) return o.maximum_periodicity;
  std::string path = o.software_root + "/" + Md5Hex(url) + "/periodicity";
  auto text = ReadFile(path);
  if (!text.ok()) return o.maximum_periodicity;
  long long v = 0;
  if (ParseInt64(Trim(*text), &v)) return v;
  LOG_WARNING("{}: not an integer; removing it", path);
  unlink(path.c_str());
  return o.maximum_periodicity;
}

std::optional<std::string> ReadOptional(const std::string& path) {
  auto r = ReadFile(path);
  if (!r.ok()) return std::nullopt;
  return *r;
}

// The last state this node reported for the partition: the master's access status when it
// gives one, else what we recorded after our last report (our master does not keep it).
std::string LastReported(const PartitionSlot& slot, const InstanceTarget& t) {
  if (!t.access_status.empty()) return StartsWith(t.access_status, "#error") ? "error" : "started";
  auto local = ReadOptional(slot.path + "/.slapos-reported-status");
  return local ? std::string(Trim(*local)) : std::string();
}

void RecordReported(const PartitionSlot& slot, const std::string& state) {
  std::string path = slot.path + "/.slapos-reported-status";
  auto old = ReadOptional(path);
  if (old && *old == state + "\n") return;
  Status s = WriteFileUnsynced(path, state + "\n", 0644);
  if (!s.ok()) LOG_WARNING("partition {}: {}", slot.reference, s.message());
}

// The last promise check (anomaly mode reuses it while younger than the periodicity).
struct PromiseCheck {
  int64_t when = 0;
  bool failed = false;
  std::string message;
};

std::string PromiseCheckPath(const PartitionSlot& slot) { return slot.path + "/.slapgrid/promise/last-check"; }

std::optional<PromiseCheck> ReadPromiseCheck(const PartitionSlot& slot) {
  auto text = ReadOptional(PromiseCheckPath(slot));
  if (!text) return std::nullopt;
  size_t nl = text->find('\n');
  std::vector<std::string> head = SplitWhitespace(text->substr(0, nl));
  long long when = 0, failed = 0;
  if (head.size() != 2 || !ParseInt64(head[0], &when) || !ParseInt64(head[1], &failed)) return std::nullopt;
  return PromiseCheck{when, failed != 0, nl == std::string::npos ? "" : text->substr(nl + 1)};
}

void WritePromiseCheck(const PartitionSlot& slot, const PromiseCheck& c) {
  std::string dir = slot.path + "/.slapgrid/promise";
  Status s = MakeDirs(dir, 0755);
  if (s.ok())
    s = WriteFileUnsynced(PromiseCheckPath(slot),
                        std::to_string(c.when) + " " + (c.failed ? "1" : "0") + "\n" + c.message, 0644);
  if (!s.ok()) LOG_WARNING("partition {}: saving the promise result: {}", slot.reference, s.message());
}

class PartitionRun {
 public:
  PartitionRun(const InstanceOptions& o, const PartitionSlot& slot, const InstanceTarget& t, InstanceMaster& master,
               PartitionDeployer& deployer, Env& env)
      : o_(o), slot_(slot), t_(t), master_(master), deployer_(deployer), env_(env) {}

  PartitionOutcome Run() {
    PartitionOutcome out{slot_.reference, t_.software_type.empty() ? "(not ready)" : t_.software_type,
                         Kind::kUpToDate, ""};
    const bool started = t_.state == "started";
    const bool keep_timestamp_rule = !(o_.force_stop && started) && !o_.force;
    const std::string ts_path = slot_.path + "/.timestamp";
    if (keep_timestamp_rule) {
      TimestampCheck check;
      check.master = t_.timestamp;
      check.stored = ReadOptional(ts_path);
      struct stat st{};
      if (check.stored && stat(ts_path.c_str(), &st) == 0) check.stored_mtime = st.st_mtime;
      check.now = NowSeconds(env_);
      check.periodicity = Periodicity(o_, t_.software_release_uri);
      if (PartitionUpToDate(check)) {
        if (started && !o_.force_stop) AnomalyCheck(&out);
        return out;
      }
    }
    unlink(ts_path.c_str());
    unlink(ErrorLogPath().c_str());
    LOG_INFO("partition {}: processing ({} {}, timestamp {})", slot_.reference, t_.state,
             t_.software_release_uri, t_.timestamp.empty() ? "none" : t_.timestamp);
    Status s = Process(&out);
    if (out.kind == Kind::kPromiseError) return out;
    if (!s.ok()) {
      out.kind = Kind::kError;
      out.message = s.message();
      Status w = WriteFileUnsynced(ErrorLogPath(), s.message() + "\n", 0644);
      if (!w.ok()) LOG_WARNING("partition {}: {}", slot_.reference, w.message());
      if (started && !o_.force_stop) (void)RunPromises();  // refresh their state only
      if (!o_.force_stop) PostError(s.message());
      LOG_ERROR("partition {}: {}", slot_.reference, s.message());
      return out;
    }
    out.kind = Kind::kDeployed;
    if (!t_.timestamp.empty() && !o_.force_stop) {
      // What the deployment wrote (buildout, supervisor group, marks) is written unsynced; one
      // sync makes it durable before the timestamp says the partition is up to date. The
      // timestamp itself may be lost in a crash: the partition is then deployed again.
      Status w = SyncUnsyncedWrites();
      if (w.ok()) w = WriteFileUnsynced(ts_path, t_.timestamp, 0644);
      if (!w.ok()) LOG_WARNING("partition {}: writing .timestamp: {}", slot_.reference, w.message());
    }
    return out;
  }

 private:
  std::string ErrorLogPath() const { return slot_.path + "/.slapgrid-" + slot_.reference + "-error.log"; }

  void PostError(const std::string& message) {
    Status p = master_.Error(t_, message);
    if (!p.ok()) LOG_WARNING("partition {}: reporting the error to the master: {}", slot_.reference, p.message());
    RecordReported(slot_, "error");
  }

  // Runs the promises; returns the first failure ("" when all are kept) and saves the result.
  Result<std::string> RunPromises() {
    SLAPOS_ASSIGN_OR_RETURN(auto results, deployer_.Promises(slot_));
    auto failure = FirstPromiseFailure(results);
    WritePromiseCheck(slot_, PromiseCheck{NowSeconds(env_), failure.has_value(), failure.value_or("")});
    return failure.value_or("");
  }

  // RunPromises, again while they fail and the start grace lasts (InstanceOptions).
  Result<std::string> RunPromisesAfterStart() {
    const int64_t deadline = env_.MonotonicMicros() + static_cast<int64_t>(o_.promise_start_grace * 1e6);
    int64_t pause = 50000;
    while (true) {
      SLAPOS_ASSIGN_OR_RETURN(std::string failure, RunPromises());
      if (failure.empty() || env_.MonotonicMicros() + pause > deadline) return failure;
      env_.SleepMicros(pause);
      pause = std::min<int64_t>(pause * 2, 1000000);
    }
  }

  Status Process(PartitionOutcome* out) {
    const std::string& state = t_.state;
    if (state == "started") {
      SLAPOS_RETURN_IF_ERROR(deployer_.Install(slot_, t_));
      if (o_.force_stop) return deployer_.Stop(slot_);
      SLAPOS_RETURN_IF_ERROR(deployer_.Start(slot_));
      SLAPOS_ASSIGN_OR_RETURN(std::string failure, RunPromisesAfterStart());
      if (!failure.empty()) {
        out->kind = Kind::kPromiseError;
        out->message = failure;
        PostError(failure);
        LOG_ERROR("partition {}: {}", slot_.reference, failure);
        return Status::OK();
      }
      SLAPOS_RETURN_IF_ERROR(master_.Started(t_));
      RecordReported(slot_, "started");
      return Status::OK();
    }
    if (state == "stopped") {
      Status installed = deployer_.Install(slot_, t_);
      // The services stop even when the buildout failed (node.md §4.2 step 10).
      SLAPOS_RETURN_IF_ERROR(deployer_.Stop(slot_));
      SLAPOS_RETURN_IF_ERROR(installed);
      if (o_.force_stop) return Status::OK();
      Status p = master_.Stopped(t_);
      if (!p.ok()) LOG_WARNING("partition {}: reporting stopped: {}", slot_.reference, p.message());
      else RecordReported(slot_, "stopped");
      return Status::OK();
    }
    if (state == "destroyed") {
      SLAPOS_RETURN_IF_ERROR(deployer_.Stop(slot_));
      if (o_.force_stop) return Status::OK();
      Status p = master_.Stopped(t_);
      if (!p.ok()) LOG_WARNING("partition {}: reporting stopped: {}", slot_.reference, p.message());
      else RecordReported(slot_, "stopped");
      return Status::OK();
    }
    return InvalidArgument("partition " + slot_.reference + ": unsupported requested state '" + state +
                           "' (started, stopped or destroyed)");
  }

  // node.md §4.7 for an up-to-date started partition: errors are posted once, and started is
  // posted when the last report was not a success.
  void AnomalyCheck(PartitionOutcome* out) {
    std::string failure;
    auto last = ReadPromiseCheck(slot_);
    int64_t now = NowSeconds(env_);
    if (last && o_.promise_periodicity > 0 && now >= last->when && now < last->when + o_.promise_periodicity) {
      failure = last->failed ? (last->message.empty() ? "promise failed" : last->message) : "";
    } else {
      auto r = RunPromises();
      if (!r.ok()) failure = r.status().message();
      else failure = *r;
    }
    std::string reported = LastReported(slot_, t_);
    if (!failure.empty()) {
      out->kind = Kind::kPromiseError;
      out->message = failure;
      if (reported != "error") PostError(failure);
      return;
    }
    if (reported != "started") {
      Status p = master_.Started(t_);
      if (!p.ok()) LOG_WARNING("partition {}: reporting started: {}", slot_.reference, p.message());
      else RecordReported(slot_, "started");
    }
  }

  const InstanceOptions& o_;
  const PartitionSlot& slot_;
  const InstanceTarget& t_;
  InstanceMaster& master_;
  PartitionDeployer& deployer_;
  Env& env_;
};

// Passes calls through, remembering when reporting "started" found the master unreachable:
// the online pass then stops (node.md §4.1 step 4) and the caller goes offline (§4.9).
// Errors and "stopped" are best-effort reports (§4.2) and do not stop the pass.
class WatchedMaster : public InstanceMaster {
 public:
  explicit WatchedMaster(InstanceMaster& m) : m_(m) {}
  Result<std::vector<InstanceTarget>> List() override { return m_.List(); }
  Status Started(const InstanceTarget& t) override {
    Status s = m_.Started(t);
    if (!s.ok() && MasterUnreachable(s)) down = s;
    return s;
  }
  Status Stopped(const InstanceTarget& t) override { return m_.Stopped(t); }
  Status Error(const InstanceTarget& t, const std::string& message) override { return m_.Error(t, message); }
  Status down;

 private:
  InstanceMaster& m_;
};

// A free partition (not busy on the master): stray deployment marks go (node.md §4.1 step 3).
void CleanFree(const PartitionSlot& slot) {
  std::string ts = slot.path + "/.timestamp";
  if (unlink(ts.c_str()) == 0) LOG_INFO("partition {}: free; removed its .timestamp", slot.reference);
  std::string sg = slot.path + "/.slapgrid";
  if (IsDirectory(sg)) (void)RemoveAll(sg);
}

}  // namespace

std::string InstanceRunResult::Summary() const {
  std::string out;
  std::string errs, proms;
  for (const auto& p : partitions) {
    std::string line = "  " + p.reference + "[" + p.software_type + "]: ";
    if (p.kind == Kind::kError) errs += line + p.message + "\n";
    if (p.kind == Kind::kPromiseError) proms += line + p.message + "\n";
  }
  if (!errs.empty()) out += "Error while processing the following partitions:\n" + errs;
  if (!proms.empty()) out += "Error with promises for the following partitions:\n" + proms;
  return out;
}

Result<InstanceRunResult> ProcessPartitions(const InstanceOptions& options, const std::vector<PartitionSlot>& slots,
                                            InstanceMaster& master, PartitionDeployer& deployer, Env& env) {
  std::map<std::string, const PartitionSlot*> by_ref;
  for (const auto& s : slots) by_ref[s.reference] = &s;
  SLAPOS_ASSIGN_OR_RETURN(std::vector<InstanceTarget> targets, master.List());
  std::set<std::string> known;
  for (const auto& s : slots) known.insert(s.reference);
  for (const auto& t : targets) known.insert(t.reference);
  std::vector<std::string> unknown;
  for (const auto& o : options.only)
    if (!known.count(o)) unknown.push_back(o);
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    return InvalidArgument("Unknown partition(s): " + Join(unknown, ", ") +
                           "; run 'slapos node format' or check --only-cp");
  }
  auto selected = [&](const std::string& ref) {
    return options.only.empty() || std::find(options.only.begin(), options.only.end(), ref) != options.only.end();
  };

  InstanceRunResult result;
  WatchedMaster watched(master);
  std::set<std::string> busy;
  for (const auto& t : targets) {
    busy.insert(t.reference);
    if (!selected(t.reference)) continue;
    auto it = by_ref.find(t.reference);
    if (it == by_ref.end() || !IsDirectory(it->second->path)) {
      std::string msg = "partition " + t.reference + " is allocated by the master but " +
                        (it == by_ref.end() ? std::string("is not formatted on this node")
                                            : "its directory " + it->second->path + " does not exist") +
                        "; run 'slapos node format'";
      Status p = master.Error(t, msg);
      if (!p.ok()) LOG_WARNING("partition {}: reporting the error to the master: {}", t.reference, p.message());
      result.partitions.push_back({t.reference, t.software_type, Kind::kError, msg});
      ++result.errors;
      continue;
    }
    PartitionOutcome out = PartitionRun(options, *it->second, t, watched, deployer, env).Run();
    if (!watched.down.ok())
      return watched.down.WithContext("the master went away while partition " + t.reference + " was processed");
    switch (out.kind) {
      case Kind::kUpToDate: ++result.up_to_date; break;
      case Kind::kDeployed: ++result.deployed; break;
      case Kind::kError: ++result.errors; break;
      case Kind::kPromiseError: ++result.promise_errors; break;
    }
    result.partitions.push_back(std::move(out));
  }
  for (const auto& s : slots)
    if (!busy.count(s.reference) && selected(s.reference) && IsDirectory(s.path)) CleanFree(s);
  return result;
}

}  // namespace slapos::node
