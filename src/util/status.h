// Status and Result<T>: how every fallible call in slapos-cpp reports failure.
// A Status is a code plus a message naming what failed, on which input, and what to do.
// Cheap on success (no allocation). Thread-compatible value types.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace slapos {

enum class Code {
  kOk = 0,
  kInvalidArgument,   // bad input from a caller (HTTP 400)
  kNotFound,          // the named thing does not exist (HTTP 404)
  kAlreadyExists,     // it exists and may not be created again
  kPermissionDenied,  // refused by a business or security rule (HTTP 403)
  kFailedPrecondition,
  kUnavailable,       // a peer or resource is not reachable now; retry later
  kIOError,           // the operating system refused (disk, socket, process)
  kCorruption,        // stored data is not what it should be
  kInternal,          // a broken invariant
};

const char* CodeName(Code code);

class Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "context: message" (keeps the code).
  Status WithContext(const std::string& context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {Code::kFailedPrecondition, std::move(m)};
}
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
inline Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

// IOError built from errno: "what: strerror(errno)".
Status ErrnoError(const std::string& what, int err);

// Result<T>: either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace slapos

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define SLAPOS_RETURN_IF_ERROR(expr)        \
  do {                                      \
    ::slapos::Status _st = (expr);          \
    if (!_st.ok()) return _st;              \
  } while (0)

#define SLAPOS_CONCAT_INNER(a, b) a##b
#define SLAPOS_CONCAT(a, b) SLAPOS_CONCAT_INNER(a, b)
// SLAPOS_ASSIGN_OR_RETURN(auto x, Foo()); returns Foo()'s Status when it failed.
#define SLAPOS_ASSIGN_OR_RETURN(lhs, expr) \
  SLAPOS_ASSIGN_OR_RETURN_IMPL(SLAPOS_CONCAT(_res_, __LINE__), lhs, expr)
#define SLAPOS_ASSIGN_OR_RETURN_IMPL(res, lhs, expr) \
  auto res = (expr);                                 \
  if (!res.ok()) return res.status();                \
  lhs = std::move(res).value()
