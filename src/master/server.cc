#include "master/server.h"

#include <malloc.h>
#include <signal.h>

#include <cstdio>

#include "master/api.h"
#include "master/store/sqlite_store.h"
#include "net/http_server.h"
#include "util/file.h"
#include "util/log.h"

namespace slapos::master {

Status RunMaster(const MasterOptions& options) {
  if (options.database.empty()) return InvalidArgument("no database file given; pass --db FILE");
  // A small daemon: at most two malloc arenas (the I/O threads serialise on the store anyway).
  mallopt(M_ARENA_MAX, 2);
  // Block the termination signals in every thread; this one waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SLAPOS_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenSqliteStore(options.database));
  MasterApi api(store.get(), Env::Default());
  net::HttpServerOptions http;
  http.host = options.host;
  http.port = options.port;
  http.threads = options.threads;
  http.access_log = options.access_log;
  SLAPOS_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpServer> server,
                          net::HttpServer::Start(http, [&api](const net::HttpRequest& r) { return api.Handle(r); }));
  std::string url = "http://" + (options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host) +
                    ":" + std::to_string(server->port());
  LOG_INFO("master: listening on {} (database {}{}{})", url, options.database,
           options.computer_id.empty() ? "" : ", default computer ", options.computer_id);
  std::printf("slapos master listening on %s\n", url.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  LOG_INFO("master: signal {} received; finishing in-flight requests", sig);
  server->Stop();
  server.reset();
  store.reset();  // closes (and checkpoints) the database
  LOG_INFO("master: stopped cleanly");
  return Status::OK();
}

}  // namespace slapos::master
