// The SlapOS master API v0 (POST /slapos.<verb>.v0.<object>, JSON bodies) over a Store:
// routing, content negotiation, request checking, one transaction per request, the error
// shape {status, type, title}. Thread-safe (the Store serialises transactions).
#pragma once

#include <memory>
#include <string>

#include "master/store.h"
#include "net/http_server.h"
#include "util/env.h"

namespace slapos::master {

class MasterApi {
 public:
  // `store` and `env` must outlive the API object.
  MasterApi(Store* store, Env* env);
  ~MasterApi();
  MasterApi(const MasterApi&) = delete;
  MasterApi& operator=(const MasterApi&) = delete;

  net::HttpResponse Handle(const net::HttpRequest& request) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slapos::master
