#include "build/lang/fetch.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

namespace slapos::build::lang {

namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

bool IsUrl(const std::string& name) {
  size_t p = name.find("://");
  if (p == std::string::npos || p == 0) return false;
  for (size_t i = 0; i < p; ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i])) && name[i] != '+' && name[i] != '-' && name[i] != '.')
      return false;
  return true;
}

Result<std::string> FetchUrl(const std::string& url, double timeout_seconds, int attempts) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string last_error;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    CURL* curl = curl_easy_init();
    if (!curl) return Internal("cannot download '" + url + "': curl_easy_init failed");
    std::string body;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_seconds * 1000 / 2));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds * 1000));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(curl);
    long http = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK && (http == 0 || (http >= 200 && http < 300))) return body;
    if (rc != CURLE_OK) {
      last_error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT || rc == CURLE_FILE_COULDNT_READ_FILE)
        break;  // retrying cannot help
    } else {
      last_error = "HTTP status " + std::to_string(http);
      if (http >= 400 && http < 500) break;
    }
  }
  return Unavailable("cannot download '" + url + "': " + last_error);
}

}  // namespace slapos::build::lang
