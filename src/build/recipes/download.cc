#include "build/recipes/download.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include "build/lang/fetch.h"
#include "build/recipes/options.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

bool IsHex(const std::string& s) {
  for (char c : s)
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

const char* AlgorithmForLength(size_t n) {
  switch (n) {
    case 32: return "md5";
    case 64: return "sha256";
    case 128: return "sha512";
    default: return nullptr;
  }
}

std::string LocalPath(const std::string& url) {
  if (StartsWith(url, "file://")) return url.substr(7);
  return url;
}

// Copies `src` to a temporary file beside `dest`; returns the temporary path.
Status CopyFile(const std::string& src, const std::string& tmp) {
  FILE* in = fopen(src.c_str(), "rb");
  if (!in) return ErrnoError("cannot read " + src, errno);
  FILE* out = fopen(tmp.c_str(), "wb");
  if (!out) {
    int err = errno;
    fclose(in);
    return ErrnoError("cannot write " + tmp, err);
  }
  char buf[1 << 16];
  size_t n;
  bool ok = true;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) ok = false;
  if (ferror(in)) ok = false;
  fclose(in);
  if (fclose(out) != 0) ok = false;
  if (!ok) {
    unlink(tmp.c_str());
    return IOError("copying " + src + " to " + tmp + " failed");
  }
  return Status::OK();
}

struct Attempt {
  Status status;
  bool transient = false;
};

Attempt CurlOnce(const std::string& url, const DownloadOptions& options, const std::string& tmp,
                 Progress* progress) {
  FILE* out = fopen(tmp.c_str(), "wb");
  if (!out) return {ErrnoError("cannot write " + tmp, errno), false};
  lang::TransferOptions to;
  to.connect_timeout_ms = options.connect_timeout_seconds * 1000;
  to.stall_timeout_seconds = options.stall_timeout_seconds;
  to.progress = progress;
  lang::TransferResult r = lang::CurlTransfer(url, to, [out](const char* data, size_t size) {
    return fwrite(data, 1, size, out) == size;
  });
  bool write_failed = fclose(out) != 0 || r.sink_failed;
  if (write_failed) return {IOError("writing " + tmp + " failed (disk full?)"), false};
  if (!r.ok) return {Unavailable("download of " + url + " failed: " + r.error), r.transient};
  long http = r.http_status;
  bool is_http = StartsWith(url, "http://") || StartsWith(url, "https://");
  if (is_http && (http < 200 || http >= 300)) {
    bool transient = http >= 500 || http == 429 || http == 408;
    Status st = http == 404 ? NotFound("download of " + url + " failed: HTTP 404 Not Found")
                            : Unavailable("download of " + url + " failed: HTTP " +
                                          std::to_string(http));
    return {st, transient};
  }
  return {Status::OK(), false};
}

Status CommitFile(const std::string& tmp, const std::string& dest) {
  if (rename(tmp.c_str(), dest.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("cannot move download into " + dest, err);
  }
  return Status::OK();
}

std::string TempBeside(const std::string& dest) {
  return dest + ".part-" + std::to_string(getpid());
}

// Network fetch with retries into `dest`, verified; reported as one progress step.
Status Fetch(const std::string& url, const Checksum& expected, const DownloadOptions& options,
             const std::string& dest) {
  ProgressStep step(options.progress, options.log, "download " + url, "downloading " + url);
  std::string tmp = TempBeside(dest);
  double delay = options.retry_delay_seconds;
  Status last;
  for (int i = 1; i <= std::max(1, options.attempts); ++i) {
    Attempt a = CurlOnce(url, options, tmp, &step.progress());
    if (a.status.ok()) {
      Status st = VerifyChecksum(tmp, expected, url);
      if (!st.ok()) {
        unlink(tmp.c_str());
        return st;
      }
      st = CommitFile(tmp, dest);
      step.Done(st.ok());
      return st;
    }
    unlink(tmp.c_str());
    last = a.status;
    if (!a.transient || i == options.attempts) break;
    step.progress().Log("download " + url + ": attempt " + std::to_string(i) + " failed (" +
                        a.status.message() + "), retrying");
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    delay *= 2;
  }
  return last;
}

}  // namespace

void SplitUrlChecksum(const std::string& url_with_fragment, std::string* url, Checksum* sum) {
  *url = url_with_fragment;
  *sum = Checksum{};
  auto hash = url_with_fragment.rfind('#');
  if (hash == std::string::npos) return;
  std::string frag = url_with_fragment.substr(hash + 1);
  const char* algo = AlgorithmForLength(frag.size());
  if (!algo || !IsHex(frag)) return;
  *url = url_with_fragment.substr(0, hash);
  *sum = Checksum{algo, ToLower(frag)};
}

Result<Checksum> ChecksumFromOptions(const std::string& part, const Options& options,
                                     const Checksum& from_url) {
  Checksum out = from_url;
  for (const char* algo : {"md5", "sha256", "sha512"}) {
    std::string key = std::string(algo) + "sum";
    std::string v(Trim(Get(options, key)));
    if (v.empty()) continue;
    const char* by_length = AlgorithmForLength(v.size());
    if (!IsHex(v) || by_length == nullptr || std::string(by_length) != algo)
      return InvalidArgument("part [" + part + "]: option '" + key + "' = '" + v +
                             "' is not a " + algo + " hex digest");
    Checksum c{algo, ToLower(v)};
    if (!out.empty() && out.algorithm == c.algorithm && out.hex != c.hex)
      return InvalidArgument("part [" + part + "]: the URL carries " + out.algorithm + " " +
                             out.hex + " but option '" + key + "' says " + c.hex +
                             "; keep only one");
    out = c;
  }
  return out;
}

Result<std::string> FileDigestHex(const std::string& path, const std::string& algorithm) {
  const EVP_MD* md = algorithm == "md5"      ? EVP_md5()
                     : algorithm == "sha256" ? EVP_sha256()
                     : algorithm == "sha512" ? EVP_sha512()
                                             : nullptr;
  if (!md) return InvalidArgument("unknown checksum algorithm '" + algorithm + "'");
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return ErrnoError("cannot read " + path, errno);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) EVP_DigestUpdate(ctx.get(), buf, n);
  bool err = ferror(f);
  fclose(f);
  if (err) return IOError("error reading " + path);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), out, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

Status VerifyChecksum(const std::string& path, const Checksum& expected, const std::string& what) {
  if (expected.empty()) return Status::OK();
  SLAPOS_ASSIGN_OR_RETURN(std::string got, FileDigestHex(path, expected.algorithm));
  if (got != expected.hex)
    return Corruption("checksum mismatch for " + what + ": expected " + expected.algorithm + " " +
                      expected.hex + ", got " + got + "; fix the checksum in the profile or the file");
  return Status::OK();
}

DownloadOptions DownloadOptionsFor(const BuildContext& ctx) {
  DownloadOptions o;
  o.cache_dir = ctx.download_cache;
  o.offline = ctx.offline;
  o.log = ctx.log;
  o.progress = ctx.progress;
  return o;
}

bool IsNetworkUrl(const std::string& url) {
  return StartsWith(url, "http://") || StartsWith(url, "https://") || StartsWith(url, "ftp://");
}

Status DownloadToFile(const std::string& url, const Checksum& expected,
                      const DownloadOptions& options, const std::string& dest) {
  SLAPOS_RETURN_IF_ERROR(MakeDirs(Dirname(dest)));
  if (!IsNetworkUrl(url)) {
    std::string src = LocalPath(url);
    if (!PathExists(src)) return NotFound("cannot download " + url + ": no such file");
    std::string tmp = TempBeside(dest);
    SLAPOS_RETURN_IF_ERROR(CopyFile(src, tmp));
    Status st = VerifyChecksum(tmp, expected, url);
    if (!st.ok()) {
      unlink(tmp.c_str());
      return st;
    }
    return CommitFile(tmp, dest);
  }
  if (!options.cache_dir.empty()) {
    std::string cached = JoinPath(options.cache_dir, Md5Hex(url));
    bool usable = PathExists(cached) && VerifyChecksum(cached, expected, url).ok();
    if (!usable) {
      if (options.offline)
        return Unavailable("offline mode: " + url + " is not in the download cache " +
                           options.cache_dir + "; run without -o to download it");
      SLAPOS_RETURN_IF_ERROR(MakeDirs(options.cache_dir));
      SLAPOS_RETURN_IF_ERROR(Fetch(url, expected, options, cached));
    } else if (options.log) {
      options.log("using cached " + url);
    }
    std::string tmp = TempBeside(dest);
    SLAPOS_RETURN_IF_ERROR(CopyFile(cached, tmp));
    return CommitFile(tmp, dest);
  }
  if (options.offline)
    return Unavailable("offline mode: cannot download " + url +
                       " (no download cache); run without -o or set [buildout] download-cache");
  return Fetch(url, expected, options, dest);
}

Result<std::string> DownloadText(const std::string& url_with_fragment,
                                 const DownloadOptions& options) {
  std::string url;
  Checksum sum;
  SplitUrlChecksum(url_with_fragment, &url, &sum);
  if (!IsNetworkUrl(url)) {
    SLAPOS_RETURN_IF_ERROR(VerifyChecksum(LocalPath(url), sum, url));
    return ReadFile(LocalPath(url));
  }
  char tmpl[] = "/tmp/slapos-download-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return ErrnoError("cannot create a temporary file", errno);
  close(fd);
  std::string tmp = tmpl;
  Status st = DownloadToFile(url, sum, options, tmp);
  Result<std::string> text = st.ok() ? ReadFile(tmp) : Result<std::string>(st);
  unlink(tmp.c_str());
  return text;
}

}  // namespace slapos::build::recipes
