// A shared library opened at run time (dlopen) instead of linked at build time: the program
// starts without it, and without the dozens of libraries it pulls in, and only the operations
// that need it fail (with a clear Status) when it is missing. An opened library stays loaded for
// the life of the process (it is never dlclose'd: callers keep pointers into it).
// Thread-safe: dlopen/dlsym are, and a SharedLibrary is immutable once opened.
#pragma once

#include <string>
#include <type_traits>

#include "util/status.h"

namespace slapos {

class SharedLibrary {
 public:
  // Opens `soname` (e.g. "libcurl.so.4") with the dynamic linker's usual search rules, binding
  // every symbol now (RTLD_NOW) and privately (RTLD_LOCAL). `install_hint` tells the user what
  // to do when it is missing, e.g. "apt-get install libcurl4". A failure is FailedPrecondition
  // naming the library, the linker's reason and the hint.
  static Result<SharedLibrary> Open(const std::string& soname, const std::string& install_hint);

  // The address of the function or variable `name`, or FailedPrecondition naming the symbol,
  // the library (probably too old) and the hint.
  Result<void*> Symbol(const char* name) const;

  // Points `fn` at the function `name` of this library. `Fn` is the function's type, usually
  // taken from the library's own header: decltype(&curl_easy_init).
  template <typename Fn>
  Status Resolve(const char* name, Fn*& fn) const {
    static_assert(std::is_function_v<Fn>, "Resolve() fills a function pointer");
    SLAPOS_ASSIGN_OR_RETURN(void* address, Symbol(name));
    fn = reinterpret_cast<Fn*>(address);
    return Status::OK();
  }

  const std::string& soname() const { return soname_; }

 private:
  SharedLibrary(void* handle, std::string soname, std::string install_hint)
      : handle_(handle), soname_(std::move(soname)), install_hint_(std::move(install_hint)) {}

  void* handle_;
  std::string soname_;
  std::string install_hint_;
};

}  // namespace slapos
