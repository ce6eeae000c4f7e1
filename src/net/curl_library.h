// libcurl, opened at first use (dlopen) instead of linked: a `slapos` process that never
// downloads anything starts without libcurl and the ~30 libraries it pulls in (GnuTLS,
// Kerberos, LDAP, ssh2...). Used by the HTTP client (net/http_client.cc) and the build engine's
// transfers (build/lang/fetch.cc). The types and constants come from curl/curl.h; the functions
// are called through CurlApi. Thread-safe.
#pragma once

#include <curl/curl.h>

#include <string>

#include "util/status.h"

namespace slapos::net {

inline constexpr char kCurlSoname[] = "libcurl.so.4";
inline constexpr char kCurlInstallHint[] = "apt-get install libcurl4";

// The libcurl functions slapos calls, typed from curl/curl.h's own declarations.
// easy_setopt/easy_getinfo are the variadic C functions: pass exactly the argument types the
// libcurl manual gives for each option (long, char*, curl_off_t, a pointer), as the linked calls
// did; gcc's curl typecheck macros do not apply to these pointers.
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

// Opens `soname` and resolves every CurlApi function, without curl_global_init and without
// caching: for tests and diagnostics. Errors are FailedPrecondition naming the library or the
// missing function and the package to install.
Result<CurlApi> LoadCurlApi(const std::string& soname = kCurlSoname);

// The process's libcurl: loaded from kCurlSoname and curl_global_init'ed on the first call
// (exactly once, whichever thread comes first); every later call returns the same table, or
// the same error when it could not be loaded.
Result<const CurlApi*> Curl();

}  // namespace slapos::net
