// Benchmark of `slapos master` (issue §4): starts the real binary on a fresh SQLite file,
// formats a node with 100 partitions and fills them, then measures req/s and p50/p99 of
// allDocs.v0.compute_node_instance_list and get.v0.compute_partition at concurrency 1, 4, 16
// over keep-alive connections; times 1000 sequential post.v0.software_instance on a node with
// 1000 free partitions; reports the master's RSS idle and after load.
//
//   master_bench [--slapos PATH] [--seconds S]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends one POST on a keep-alive connection and reads the answer; returns the status.
int Post(int fd, std::string& buf, const std::string& path, const std::string& body) {
  std::string req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return -1;
  while (true) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t len = 0;
      auto cl = buf.find("Content-Length: ");
      if (cl != std::string::npos && cl < end) len = std::strtoul(buf.c_str() + cl + 16, nullptr, 10);
      if (buf.size() >= end + 4 + len) {
        int status = std::atoi(buf.c_str() + 9);
        buf.erase(0, end + 4 + len);
        return status;
      }
    }
    char tmp[65536];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return -1;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

// RSS split from /proc/<pid>/smaps_rollup: anonymous pages (heap, stacks: what the master
// itself allocates) and the rest (file-backed: the binary and its shared libraries).
std::string RssSplit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  long rss = -1, anon = -1;
  while (std::getline(in, line)) {
    if (line.rfind("Rss:", 0) == 0) rss = std::atol(line.c_str() + 4);
    if (line.rfind("Anonymous:", 0) == 0) anon = std::atol(line.c_str() + 10);
  }
  char out[160];
  std::snprintf(out, sizeof out, "%.1f MB (anonymous %.1f MB, file-backed %.1f MB)", rss / 1024.0, anon / 1024.0,
                (rss - anon) / 1024.0);
  return out;
}

// CPU seconds (user + system) the process used so far.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields;
  std::string cur;
  for (size_t i = close + 2; i < stat.size(); ++i) {
    if (stat[i] == ' ') {
      fields.push_back(cur);
      cur.clear();
    } else {
      cur += stat[i];
    }
  }
  // After ")": state is field 3, utime 14, stime 15 -> indexes 11 and 12 here.
  if (fields.size() < 13) return -1;
  return (std::atof(fields[11].c_str()) + std::atof(fields[12].c_str())) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Master {
  pid_t pid = -1;
  int port = 0;
};

Master StartMaster(const std::string& slapos, const std::string& db, int port) {
  Master m;
  m.port = port;
  m.pid = ::fork();
  if (m.pid == 0) {
    std::string p = std::to_string(port);
    std::string log = db + ".log";
    FILE* devnull = std::fopen("/dev/null", "w");
    if (devnull) ::dup2(fileno(devnull), 1);  // keep the "listening on" line out of the report
    execl(slapos.c_str(), slapos.c_str(), "master", "--port", p.c_str(), "--db", db.c_str(), "--log-file",
          log.c_str(), "--no-access-log", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {
    int fd = Connect(port);
    if (fd >= 0) {
      ::close(fd);
      return m;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr, "master did not start\n");
  std::exit(1);
}

void StopMaster(const Master& m) {
  ::kill(m.pid, SIGTERM);
  int st;
  ::waitpid(m.pid, &st, 0);
}

void Format(int port, const std::string& node, int partitions) {
  std::string list;
  for (int i = 0; i < partitions; ++i) {
    if (i) list += ",";
    list += "{\"partition_id\":\"slappart" + std::to_string(i) + "\",\"ip_list\":[{\"ip-address\":\"10.0." +
            std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) +
            "\",\"network-interface\":\"slaptap" + std::to_string(i) + "\",\"netmask\":\"255.255.0.0\"}]}";
  }
  int fd = Connect(port);
  std::string buf;
  int s = Post(fd, buf, "/slapos.put.v0.compute_node_format",
               "{\"computer_guid\":\"" + node + "\",\"compute_partition_list\":[" + list + "]}");
  ::close(fd);
  if (s != 200) {
    std::fprintf(stderr, "format failed: %d\n", s);
    std::exit(1);
  }
}

std::string InstanceBody(const std::string& title) {
  return "{\"title\":\"" + title +
         "\",\"software_release_uri\":\"https://lab.example/software/kvm/software.cfg\",\"software_type\":\"default\","
         "\"parameters\":{\"ram-size\":\"4096\",\"cpu-count\":\"2\",\"frontend\":\"on\"}}";
}

struct LoadResult {
  double rps = 0, p50_ms = 0, p99_ms = 0, cpu_us = 0;
  long errors = 0;
};

LoadResult Load(int port, int concurrency, double seconds, const std::string& path,
                const std::vector<std::string>& bodies) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> lat(concurrency);
  std::vector<long> errors(concurrency, 0);
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      int fd = Connect(port);
      std::string buf;
      size_t i = static_cast<size_t>(t);
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        int s = Post(fd, buf, path, bodies[i++ % bodies.size()]);
        lat[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (s != 200) ++errors[t];
      }
      ::close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  LoadResult r;
  for (int t = 0; t < concurrency; ++t) {
    all.insert(all.end(), lat[t].begin(), lat[t].end());
    r.errors += errors[t];
  }
  std::sort(all.begin(), all.end());
  r.rps = static_cast<double>(all.size()) / elapsed;
  r.p50_ms = all[all.size() / 2];
  r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return r;
}

struct WriteRun {
  double seconds = 0, cpu = 0;
  int failures = 0;
  std::string rss;
};

// 1000 sequential requests on a node with 1000 free partitions, one keep-alive connection, on
// a fresh master and database.
WriteRun TimeWrites(const std::string& slapos, const std::string& db, int port) {
  Master w = StartMaster(slapos, db, port);
  Format(w.port, "COMP-0", 1000);
  int fd = Connect(w.port);
  std::string buf;
  WriteRun run;
  double wcpu0 = CpuSeconds(w.pid);
  auto t0 = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    if (Post(fd, buf, "/slapos.post.v0.software_instance", InstanceBody("w" + std::to_string(i))) != 200) {
      ++run.failures;
    }
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  run.cpu = CpuSeconds(w.pid) - wcpu0;
  ::close(fd);
  run.rss = RssSplit(w.pid);
  StopMaster(w);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::string slapos = SLAPOS_BIN_PATH;
  std::string only;
  double seconds = 5;
  int write_runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--slapos") == 0) slapos = argv[i + 1];
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];  // reads | writes
    if (std::strcmp(argv[i], "--write-runs") == 0) write_runs = std::max(1, std::atoi(argv[i + 1]));
  }
  char tmpl[] = "/tmp/slapos-master-bench-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  int port = 20000 + (::getpid() % 20000);
  std::printf("slapos master benchmark (%u hardware threads)\n\n", std::thread::hardware_concurrency());

  if (only != "writes") {
    // --- reads on a node with 100 busy partitions ---
    Master m = StartMaster(slapos, dir + "/read.db", port++);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::string rss_idle = RssSplit(m.pid);
    Format(m.port, "COMP-0", 100);
    {
      int fd = Connect(m.port);
      std::string buf;
      for (int i = 0; i < 100; ++i) {
        Post(fd, buf, "/slapos.post.v0.software_instance", InstanceBody("inst" + std::to_string(i)));
      }
      ::close(fd);
    }
    std::printf("RSS idle (fresh master): %s\n\n", rss_idle.c_str());
    std::vector<std::string> list_body = {"{\"computer_guid\":\"COMP-0\"}"};
    std::vector<std::string> part_bodies;
    for (int i = 0; i < 100; ++i) {
      part_bodies.push_back("{\"computer_guid\":\"COMP-0\",\"compute_partition_id\":\"slappart" + std::to_string(i) +
                            "\"}");
    }
    std::printf("%.0f s per run; cpu us/req = the master's own CPU time per request, independent of machine "
                "load\n\n", seconds);
    std::printf("| endpoint | concurrency | req/s | p50 ms | p99 ms | cpu us/req | errors |\n"
                "|---|---|---|---|---|---|---|\n");
    for (int c : {1, 4, 16}) {
      double cpu0 = CpuSeconds(m.pid);
      LoadResult r = Load(m.port, c, seconds, "/slapos.allDocs.v0.compute_node_instance_list", list_body);
      r.cpu_us = (CpuSeconds(m.pid) - cpu0) * 1e6 / (r.rps * seconds);
      std::printf("| allDocs.v0.compute_node_instance_list (100 instances) | %d | %.0f | %.2f | %.2f | %.0f | %ld |\n",
                  c, r.rps, r.p50_ms, r.p99_ms, r.cpu_us, r.errors);
      std::fflush(stdout);
    }
    for (int c : {1, 4, 16}) {
      double cpu0 = CpuSeconds(m.pid);
      LoadResult r = Load(m.port, c, seconds, "/slapos.get.v0.compute_partition", part_bodies);
      r.cpu_us = (CpuSeconds(m.pid) - cpu0) * 1e6 / (r.rps * seconds);
      std::printf("| get.v0.compute_partition | %d | %.0f | %.2f | %.2f | %.0f | %ld |\n", c, r.rps, r.p50_ms,
                  r.p99_ms, r.cpu_us, r.errors);
      std::fflush(stdout);
    }
    std::printf("\nRSS after read load: %s\n", RssSplit(m.pid).c_str());
    StopMaster(m);
  }

  int failures = 0;
  if (only != "reads") {
    std::vector<WriteRun> runs;
    std::printf("\n1000 sequential post.v0.software_instance (1000 free partitions), %d runs on fresh masters:\n",
                write_runs);
    for (int r = 0; r < write_runs; ++r) {
      runs.push_back(TimeWrites(slapos, dir + "/write" + std::to_string(r) + ".db", port++));
      const WriteRun& w = runs.back();
      failures += w.failures;
      std::printf("  run %d: %.3f s (%.0f req/s), master CPU %.3f s, %d failures\n", r + 1, w.seconds,
                  1000 / w.seconds, w.cpu, w.failures);
      std::fflush(stdout);
    }
    std::vector<WriteRun> sorted = runs;
    std::sort(sorted.begin(), sorted.end(), [](const WriteRun& a, const WriteRun& b) { return a.seconds < b.seconds; });
    const WriteRun& median = sorted[sorted.size() / 2];
    std::printf("  median %.3f s (best %.3f s), master CPU of the median run %.3f s\n", median.seconds,
                sorted.front().seconds, median.cpu);
    std::printf("RSS after 1000 writes: %s\n", runs.back().rss.c_str());
  }
  std::string cleanup = "rm -rf " + dir;
  if (std::system(cleanup.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir.c_str());
  return failures == 0 ? 0 : 1;
}
