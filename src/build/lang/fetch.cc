#include "build/lang/fetch.h"

#include <cctype>
#include <cstdint>
#include <memory>

#include "build/progress.h"
#include "net/curl_library.h"

namespace slapos::build::lang {

namespace {

using Sink = std::function<bool(const char*, size_t)>;

size_t OnData(char* data, size_t size, size_t n, void* sink) {
  return (*static_cast<const Sink*>(sink))(data, size * n) ? size * n : 0;
}

int OnProgress(void* progress, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  static_cast<Progress*>(progress)->Bytes(static_cast<uint64_t>(now), static_cast<uint64_t>(total));
  return 0;
}

}  // namespace

bool IsUrl(const std::string& name) {
  size_t p = name.find("://");
  if (p == std::string::npos || p == 0) return false;
  for (size_t i = 0; i < p; ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i])) && name[i] != '+' && name[i] != '-' &&
        name[i] != '.')
      return false;
  return true;
}

TransferResult CurlTransfer(const std::string& url, const TransferOptions& options,
                            const Sink& sink) {
  TransferResult result;
  Result<const net::CurlApi*> loaded = net::Curl();
  if (!loaded.ok()) {
    result.error = loaded.status().message();
    result.retry_useless = true;  // the library will not appear between two attempts
    return result;
  }
  const net::CurlApi& api = **loaded;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(api.easy_init(), api.easy_cleanup);
  if (!curl) {
    result.error = "curl_easy_init failed";
    return result;
  }
  bool sink_ok = true;
  Sink guarded = [&](const char* data, size_t size) { return sink_ok = sink(data, size); };
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  api.easy_setopt(h, CURLOPT_URL, url.c_str());
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, OnData);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &guarded);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_USERAGENT, "slapos-cpp-buildout/0.1");
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  if (options.total_timeout_ms > 0)
    api.easy_setopt(h, CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
  if (options.stall_timeout_seconds > 0) {
    api.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_seconds);
  }
  if (options.progress) {
    api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    api.easy_setopt(h, CURLOPT_XFERINFODATA, options.progress);
    api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  }
  CURLcode rc = api.easy_perform(h);
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.http_status);
  result.sink_failed = !sink_ok;
  if (rc == CURLE_OK) {
    result.ok = true;
    return result;
  }
  result.error = errbuf[0] ? errbuf : api.easy_strerror(rc);
  result.retry_useless = rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
                         rc == CURLE_FILE_COULDNT_READ_FILE || !sink_ok;
  result.transient = rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
                     rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_PARTIAL_FILE ||
                     rc == CURLE_GOT_NOTHING || rc == CURLE_COULDNT_RESOLVE_HOST;
  return result;
}

Result<std::string> FetchUrl(const std::string& url, double timeout_seconds, int attempts) {
  TransferOptions options;
  options.connect_timeout_ms = static_cast<long>(timeout_seconds * 1000 / 2);
  options.total_timeout_ms = static_cast<long>(timeout_seconds * 1000);
  std::string last_error;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::string body;
    TransferResult r = CurlTransfer(url, options, [&](const char* data, size_t size) {
      body.append(data, size);
      return true;
    });
    long http = r.http_status;
    if (r.ok && (http == 0 || (http >= 200 && http < 300))) return body;
    if (!r.ok) {
      last_error = r.error;
      if (r.retry_useless) break;  // retrying cannot help
    } else {
      last_error = "HTTP status " + std::to_string(http);
      if (http >= 400 && http < 500) break;
    }
  }
  return Unavailable("cannot download '" + url + "': " + last_error);
}

}  // namespace slapos::build::lang
