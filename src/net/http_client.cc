// HttpClient over one libcurl easy handle: libcurl keeps the connection of the previous
// request open and reuses it when the next one goes to the same scheme/host/port. libcurl is
// opened on the first request (net/curl_library.h).
#include "net/http_client.h"

#include "net/curl_library.h"
#include "util/file.h"

namespace slapos::net {

namespace {

size_t AppendToString(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// The libcurl failure, as a Status that names the URL and says what to check.
Status CurlError(const CurlApi& curl, CURLcode code, const char* detail_buffer,
                 const std::string& method, const std::string& url,
                 const HttpClientOptions& options) {
  std::string detail = detail_buffer[0] != '\0' ? detail_buffer : curl.easy_strerror(code);
  std::string what = method + " " + url;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return Unavailable("cannot connect to " + url + ": " + detail +
                         " (is the server running and listening on that address?)");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Unavailable("cannot resolve the host of " + url + ": " + detail +
                         " (check the URL)");
    case CURLE_OPERATION_TIMEDOUT:
      return Unavailable(what + " timed out (connect limit " +
                         std::to_string(options.connect_timeout_seconds) + " s, total limit " +
                         std::to_string(options.timeout_seconds) + " s): " + detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument("bad URL '" + url + "': " + detail +
                             " (expected http://HOST:PORT/... or https://...)");
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return InvalidArgument("TLS setup for " + url + " failed: " + detail +
                             " (check cert_file='" + options.cert_file + "', key_file='" +
                             options.key_file + "', ca_file='" + options.ca_file + "')");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
      return PermissionDenied("TLS handshake with " + url + " failed: " + detail +
                              " (is it an https server, and do the CA file and the client "
                              "certificate match it?)");
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return Unavailable(what + " failed: " + detail + " (the server closed the connection)");
    default:
      return Unavailable(what + " failed: " + detail);
  }
}

long Millis(double seconds) { return seconds <= 0 ? 0 : static_cast<long>(seconds * 1000 + 0.5); }

}  // namespace

struct HttpClient::Impl {
  const CurlApi* api = nullptr;  // set with `curl`
  CURL* curl = nullptr;
  ~Impl() {
    if (curl != nullptr) api->easy_cleanup(curl);
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Get(const std::string& url) { return Send("GET", url, "", {}); }

Result<HttpResponse> HttpClient::Post(const std::string& url, std::string_view body,
                                      std::string_view content_type) {
  return Send("POST", url, body, {"Content-Type: " + std::string(content_type)});
}

Result<HttpResponse> HttpClient::Send(std::string_view method_view, const std::string& url,
                                      std::string_view body,
                                      const std::vector<std::string>& headers) {
  const std::string method(method_view);
  if (options_.cert_file.empty() != options_.key_file.empty()) {
    return InvalidArgument("TLS client identity for " + url +
                           " needs both a certificate and a key file (got cert_file='" +
                           options_.cert_file + "', key_file='" + options_.key_file + "')");
  }
  for (const std::string* file : {&options_.cert_file, &options_.key_file, &options_.ca_file}) {
    if (!file->empty() && !PathExists(*file)) {
      return InvalidArgument("TLS file '" + *file + "' for " + url + " does not exist");
    }
  }
  Result<const CurlApi*> loaded = Curl();
  if (!loaded.ok()) return loaded.status().WithContext(method + " " + url);
  const CurlApi& curl = **loaded;
  if (impl_->curl == nullptr) {
    impl_->curl = curl.easy_init();
    if (impl_->curl == nullptr) return Internal("curl_easy_init failed");
    impl_->api = &curl;
  } else {
    curl.easy_reset(impl_->curl);  // keeps the open connection and the TLS session cache
  }
  CURL* c = impl_->curl;
  char error_buffer[CURL_ERROR_SIZE];
  error_buffer[0] = '\0';
  HttpResponse response;

  curl.easy_setopt(c, CURLOPT_URL, url.c_str());
  curl.easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, Millis(options_.connect_timeout_seconds));
  curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, Millis(options_.timeout_seconds));
  curl.easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendToString);
  curl.easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl.easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_peer ? 1L : 0L);
  curl.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_peer ? 2L : 0L);
  if (!options_.ca_file.empty()) curl.easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.cert_file.empty()) {
    curl.easy_setopt(c, CURLOPT_SSLCERT, options_.cert_file.c_str());
    curl.easy_setopt(c, CURLOPT_SSLKEY, options_.key_file.c_str());
  }

  if (method == "GET") {
    curl.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl.easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl.easy_setopt(c, CURLOPT_POST, 1L);
    curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl.easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    if (method != "POST") curl.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  struct curl_slist* header_list = nullptr;
  header_list = curl.slist_append(header_list, "Expect:");  // no 100-continue round trip
  for (const std::string& h : headers) header_list = curl.slist_append(header_list, h.c_str());
  curl.easy_setopt(c, CURLOPT_HTTPHEADER, header_list);

  CURLcode code = curl.easy_perform(c);
  curl.easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl.slist_free_all(header_list);
  if (code != CURLE_OK) {
    Status st = CurlError(curl, code, error_buffer, method, url, options_);
    curl.easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    return st;
  }
  curl.easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* content_type = nullptr;
  if (curl.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK &&
      content_type != nullptr) {
    response.content_type = content_type;
  }
  return response;
}

}  // namespace slapos::net
