#include "net/curl_library.h"

#include "util/shared_library.h"

namespace slapos::net {

Result<CurlApi> LoadCurlApi(const std::string& soname) {
  SLAPOS_ASSIGN_OR_RETURN(SharedLibrary lib, SharedLibrary::Open(soname, kCurlInstallHint));
  CurlApi api;
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_global_init", api.global_init));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_init", api.easy_init));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_cleanup", api.easy_cleanup));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_reset", api.easy_reset));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_setopt", api.easy_setopt));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_perform", api.easy_perform));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_getinfo", api.easy_getinfo));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_easy_strerror", api.easy_strerror));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_slist_append", api.slist_append));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("curl_slist_free_all", api.slist_free_all));
  return api;
}

Result<const CurlApi*> Curl() {
  // A function-local static is initialised exactly once, by the first caller, while the
  // others wait (C++11 "magic statics"); curl_global_init is not thread-safe before 7.84.
  static const Result<CurlApi> loaded = []() -> Result<CurlApi> {
    SLAPOS_ASSIGN_OR_RETURN(CurlApi api, LoadCurlApi(kCurlSoname));
    CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
      return FailedPrecondition(std::string("curl_global_init failed in ") + kCurlSoname + ": " +
                                api.easy_strerror(code) + " (reinstall it: " + kCurlInstallHint +
                                ")");
    }
    return api;
  }();
  if (!loaded.ok()) return loaded.status();
  return &loaded.value();
}

}  // namespace slapos::net
