#include "util/shared_library.h"

#include <dlfcn.h>

namespace slapos {

namespace {

// dlerror()'s message (per thread in glibc), or `fallback` when it has none.
std::string LinkerError(const char* fallback) {
  const char* reason = dlerror();
  return reason != nullptr ? reason : fallback;
}

}  // namespace

Result<SharedLibrary> SharedLibrary::Open(const std::string& soname,
                                          const std::string& install_hint) {
  dlerror();  // clear a stale message
  void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return FailedPrecondition("cannot load the shared library " + soname + ": " +
                              LinkerError("unknown reason") + " (install it: " + install_hint +
                              ")");
  }
  return SharedLibrary(handle, soname, install_hint);
}

Result<void*> SharedLibrary::Symbol(const char* name) const {
  dlerror();
  void* address = dlsym(handle_, name);
  if (address == nullptr) {
    // A null symbol value is legal in principle but never the case for a function we call.
    return FailedPrecondition("the shared library " + soname_ + " has no symbol '" + name +
                              "': " + LinkerError("null address") +
                              " (too old a version? install a current one: " + install_hint_ + ")");
  }
  return address;
}

}  // namespace slapos
