#include "master/api.h"

#include <malloc.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "master/handlers.h"
#include "util/log.h"

namespace slapos::master {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    default: return "Internal Server Error";
  }
}

net::HttpResponse Error(int status, const std::string& title) {
  net::HttpResponse r;
  r.status = status;
  r.body = json{{"status", status}, {"type", Reason(status)}, {"title", title}}.dump();
  return r;
}

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kInvalidArgument: return 400;
    case Code::kPermissionDenied:
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 403;
    default: return 500;
  }
}

// An Accept header that excludes JSON gets 406 (absent = JSON).
bool AcceptsJson(const std::string& accept) {
  if (accept.empty()) return true;
  return accept.find("application/json") != std::string::npos || accept.find("*/*") != std::string::npos ||
         accept.find("application/*") != std::string::npos;
}

}  // namespace

// Reads (get.*, allDocs.*) are answered from a cache of serialized responses, keyed by path
// and body. Every call of a writing endpoint empties it; a read computed while a write ran is
// not cached (generation check). Valid because this process is the only writer of its store.
class ResponseCache {
 public:
  static constexpr size_t kMaxEntries = 20000;

  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  bool Find(const std::string& key, std::string* out) const {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return false;
    *out = it->second;
    return true;
  }
  void Insert(const std::string& key, const std::string& value, uint64_t seen_generation) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (generation_.load(std::memory_order_relaxed) != seen_generation) return;
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.emplace(key, value);
  }
  void Invalidate() {
    std::unique_lock<std::shared_mutex> lock(mu_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    entries_.clear();
  }

 private:
  mutable std::shared_mutex mu_;
  std::atomic<uint64_t> generation_{0};
  std::unordered_map<std::string, std::string> entries_;
};

// Request bodies above this size are followed by a malloc_trim.
constexpr size_t kTrimAfterBodyBytes = 64 * 1024;

bool Cacheable(const std::string& path) {
  return (path.rfind("/slapos.get.", 0) == 0 || path.rfind("/slapos.allDocs.", 0) == 0) &&
         path != "/slapos.get.v0.hateoas_url";
}

struct MasterApi::Impl {
  Store* store;
  Env* env;
  std::unordered_map<std::string, Endpoint> endpoints;
  std::unordered_map<std::string, AdminEndpoint> admin;
  mutable ResponseCache cache;

  net::HttpResponse HandleAdmin(const net::HttpRequest& request) const;
};

// Admin endpoints read; they never write the API's data, so the response cache is kept.
net::HttpResponse MasterApi::Impl::HandleAdmin(const net::HttpRequest& request) const {
  auto it = admin.find(request.path);
  if (it == admin.end()) {
    return Error(404, "no such admin endpoint: " + request.path + " (see docs/master.md, \"Admin endpoints\")");
  }
  if (request.method != "POST") {
    net::HttpResponse r = Error(405, request.method + " is not allowed on " + request.path + "; use POST");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  if (!request.remote_is_loopback) {
    return Error(403, request.path + " answers only callers on the master's own machine (loopback); run the "
                                     "command there");
  }
  json body = json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  if (body.is_discarded()) return Error(400, "request body is not valid JSON; send a JSON object");
  const AdminEndpoint& e = it->second;
  Status st = CheckObject(body, e.spec);
  if (!st.ok()) return Error(400, st.message());
  Context ctx;
  ctx.store = store;
  ctx.env = env;
  ctx.principal.id = request.principal;
  ctx.principal.loopback = request.remote_is_loopback;
  Result<net::HttpResponse> result = e.handler(ctx, body);
  if (!result.ok()) {
    int status = HttpStatusFor(result.status().code());
    if (status == 500) {
      LOG_ERROR("master: {} failed: {}", request.path, result.status().ToString());
      return Error(500, "Internal server error: " + result.status().message());
    }
    return Error(status, result.status().message());
  }
  return std::move(result).value();
}

MasterApi::MasterApi(Store* store, Env* env) : impl_(std::make_unique<Impl>()) {
  impl_->store = store;
  impl_->env = env;
  std::vector<Endpoint> all;
  AddSoftwareEndpoints(&all);
  AddInstanceEndpoints(&all);
  AddNodeEndpoints(&all);
  for (Endpoint& e : all) {
    std::string path = e.path;
    impl_->endpoints.emplace(std::move(path), std::move(e));
  }
  std::vector<AdminEndpoint> admin;
  AddAdminEndpoints(&admin);
  for (AdminEndpoint& e : admin) {
    std::string path = e.path;
    impl_->admin.emplace(std::move(path), std::move(e));
  }
}

MasterApi::~MasterApi() = default;

net::HttpResponse MasterApi::Handle(const net::HttpRequest& request) const {
  auto it = impl_->endpoints.find(request.path);
  if (it == impl_->endpoints.end() && request.path.rfind(kAdminPrefix, 0) == 0) return impl_->HandleAdmin(request);
  if (it == impl_->endpoints.end()) {
    return Error(404, "no such endpoint: " + request.path + " (the master API is POST /slapos.<verb>.v0.<object>)");
  }
  if (request.method != "POST") {
    net::HttpResponse r = Error(405, request.method + " is not allowed on " + request.path + "; use POST");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  if (!AcceptsJson(request.Header("accept"))) {
    return Error(406, "this endpoint answers application/json only; fix the Accept header");
  }
  const bool cacheable = Cacheable(request.path);
  std::string cache_key;
  uint64_t generation = 0;
  if (cacheable) {
    cache_key = request.path + '\0' + request.body;
    net::HttpResponse hit;
    if (impl_->cache.Find(cache_key, &hit.body)) return hit;
    generation = impl_->cache.generation();
  }
  json body = json::parse(request.body.empty() ? std::string("{}") : request.body, nullptr, false);
  if (body.is_discarded()) {
    return Error(400, "request body is not valid JSON; send a JSON object");
  }
  const Endpoint& e = it->second;
  Status st = CheckObject(body, e.spec);
  if (!st.ok()) return Error(400, st.message());

  Context ctx;
  ctx.store = impl_->store;
  ctx.env = impl_->env;
  ctx.principal.id = request.principal;
  ctx.principal.loopback = request.remote_is_loopback;
  ctx.principal.requester_instance = request.Header("x-slapos-requester-instance");
  ctx.host_header = request.Header("host");
  Result<json> result = e.handler(ctx, body);
  if (!cacheable) impl_->cache.Invalidate();
  if (request.body.size() > kTrimAfterBodyBytes) {
    // A large document (a node format) leaves megabytes of freed parse tree in the thread's
    // malloc arena; give them back to the system (rare: once per format of a big node).
    body = json();
    malloc_trim(0);
  }
  if (!result.ok()) {
    int status = HttpStatusFor(result.status().code());
    if (status == 500) {
      LOG_ERROR("master: {} failed: {}", request.path, result.status().ToString());
      return Error(500, "Internal server error");
    }
    return Error(status, result.status().message());
  }
  net::HttpResponse r;
  r.body = result->dump();
  if (cacheable) impl_->cache.Insert(cache_key, r.body, generation);
  return r;
}

}  // namespace slapos::master
