// slapos.recipe.build:download and :download-unpacked (profiles.md §2.3).
#include <sys/stat.h>
#include <unistd.h>

#include "build/recipes/archive.h"
#include "build/recipes/download.h"
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

// The file name a URL points at ("https://x/a/b.tar.gz?x=1#md5" -> "b.tar.gz").
std::string UrlBasename(const std::string& url) {
  std::string u = url.substr(0, url.find_first_of("?#"));
  while (EndsWith(u, "/")) u.pop_back();
  auto slash = u.rfind('/');
  return slash == std::string::npos ? u : u.substr(slash + 1);
}

struct Source {
  std::string url;
  Checksum sum;
};

Result<Source> ReadSource(const std::string& part, const Options& options) {
  SLAPOS_ASSIGN_OR_RETURN(std::string raw, Require(part, options, "url"));
  Source s;
  Checksum from_url;
  SplitUrlChecksum(raw, &s.url, &from_url);
  SLAPOS_ASSIGN_OR_RETURN(s.sum, ChecksumFromOptions(part, options, from_url));
  return s;
}

// Fills `location` (parts/<part> or the shared directory) when the profile did not set it.
Status InitLocation(const std::string& part, Options& options, const BuildContext& ctx) {
  SLAPOS_ASSIGN_OR_RETURN(bool shared, GetBool(part, options, "shared", false));
  if (shared) {
    SLAPOS_ASSIGN_OR_RETURN(SharedPlace place, SharedLocation(part, options, ctx));
    options["location"] = place.location;
  } else if (Get(options, "location").empty()) {
    options["location"] = DefaultLocation(part, ctx);
  }
  return Status::OK();
}

class DownloadRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(Source src, ReadSource(part, options));
    if (Has(options, "filename") && Has(options, "destination"))
      return InvalidArgument("part [" + part +
                             "]: options 'filename' and 'destination' exclude each other");
    SLAPOS_RETURN_IF_ERROR(InitLocation(part, options, ctx));
    std::string dest = Get(options, "destination");
    if (!dest.empty()) {
      options["target"] = dest;
    } else {
      std::string name = Get(options, "filename", UrlBasename(src.url));
      if (name.empty())
        return InvalidArgument("part [" + part + "]: cannot tell a file name from url " +
                               src.url + "; set 'filename'");
      options["target"] = JoinPath(options["location"], name);
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(Source src, ReadSource(part, options));
    SLAPOS_ASSIGN_OR_RETURN(bool shared, GetBool(part, options, "shared", false));
    SLAPOS_ASSIGN_OR_RETURN(unsigned mode, GetMode(part, options, "mode", 0));
    std::string location = Get(options, "location", DefaultLocation(part, ctx));
    std::string target = Get(options, "target");
    if (shared && PathExists(SharedSignaturePath(location))) return std::vector<std::string>{};
    bool has_destination = !Get(options, "destination").empty();
    bool existed = PathExists(location);
    Status st = Fetch(part, src, options, ctx, target, mode);
    if (!st.ok()) {
      if (!has_destination && !existed) RemoveAll(location);
      return st;
    }
    if (shared) {
      SLAPOS_RETURN_IF_ERROR(WriteSharedSignature(location, options));
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{has_destination ? target : location};
  }

  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(Source src, ReadSource(part, options));
    // A checksummed file cannot have changed; without one, fetch it again (when online).
    if (!src.sum.empty() || ctx.offline) return Status::OK();
    SLAPOS_ASSIGN_OR_RETURN(unsigned mode, GetMode(part, options, "mode", 0));
    return Fetch(part, src, options, ctx, Get(options, "target"), mode);
  }

 private:
  static Status Fetch(const std::string& part, const Source& src, const Options& options,
                      const BuildContext& ctx, const std::string& target, unsigned mode) {
    DownloadOptions dl = DownloadOptionsFor(ctx);
    if (GetBool(part, options, "offline", false).value()) dl.offline = true;
    Status st = DownloadToFile(src.url, src.sum, dl, target);
    if (!st.ok()) {
      std::string alt = Get(options, "alternate-url");
      if (alt.empty() || st.code() == Code::kCorruption) return st.WithContext("part [" + part + "]");
      std::string alt_url;
      Checksum ignored;
      SplitUrlChecksum(alt, &alt_url, &ignored);
      Status st2 = DownloadToFile(alt_url, src.sum, dl, target);
      if (!st2.ok())
        return st2.WithContext("part [" + part + "] (url failed: " + st.message() +
                               "; alternate-url)");
    }
    if (mode && chmod(target.c_str(), mode) != 0)
      return ErrnoError("part [" + part + "]: chmod " + target, errno);
    return Status::OK();
  }
};

class DownloadUnpackedRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(Source src, ReadSource(part, options));
    (void)src;
    std::string dest = Get(options, "destination");
    if (!dest.empty()) options["location"] = dest;
    return InitLocation(part, options, ctx);
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(Source src, ReadSource(part, options));
    SLAPOS_ASSIGN_OR_RETURN(bool shared, GetBool(part, options, "shared", false));
    StripTopLevel strip = StripTopLevel::kAuto;
    if (!Trim(Get(options, "strip-top-level-dir")).empty()) {
      SLAPOS_ASSIGN_OR_RETURN(bool s, GetBool(part, options, "strip-top-level-dir", false));
      strip = s ? StripTopLevel::kYes : StripTopLevel::kNo;
    }
    std::string location = Get(options, "location", DefaultLocation(part, ctx));
    if (shared && PathExists(SharedSignaturePath(location))) return std::vector<std::string>{};
    std::string archive =
        location + ".download-" + Get(options, "filename", UrlBasename(src.url));
    DownloadOptions dl = DownloadOptionsFor(ctx);
    bool existed = PathExists(location);
    Status st = DownloadToFile(src.url, src.sum, dl, archive);
    if (st.ok()) {
      if (ctx.log) ctx.log("part [" + part + "]: unpacking " + src.url + " into " + location);
      st = ExtractArchive(archive, location, strip);
    }
    unlink(archive.c_str());
    if (!st.ok()) {
      if (!existed) RemoveAll(location);
      return st.WithContext("part [" + part + "]");
    }
    if (shared) {
      SLAPOS_RETURN_IF_ERROR(WriteSharedSignature(location, options));
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{location};
  }
};

}  // namespace

std::unique_ptr<Recipe> NewDownloadRecipe() { return std::make_unique<DownloadRecipe>(); }
std::unique_ptr<Recipe> NewDownloadUnpackedRecipe() {
  return std::make_unique<DownloadUnpackedRecipe>();
}

}  // namespace slapos::build::recipes
