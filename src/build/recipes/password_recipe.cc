// slapos.cookbook:generate.password: a random password, generated once and kept in
// `storage-path` (JSON {"": password}; a plain-text file from older versions is read too) so
// that every run sees the same value in option `passwd` (profiles.md §2.3).
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

Result<std::string> RandomPassword(size_t length) {
  static const std::string kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  while (out.size() < length) {
    unsigned char buf[64];
    if (RAND_bytes(buf, sizeof buf) != 1) return Internal("the system random generator failed");
    for (unsigned char b : buf) {
      // 62 * 4 = 248: rejecting 248..255 keeps every character equally likely.
      if (b < 248 && out.size() < length) out += kAlphabet[b % 62];
    }
  }
  return out;
}

// The password stored at `path`, or "" when the file does not exist.
Result<std::string> ReadStored(const std::string& path) {
  if (!PathExists(path)) return std::string();
  SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("") && doc[""].is_string())
    return doc[""].get<std::string>();
  return std::string(Trim(text));
}

class GeneratePasswordRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    if (Trim(Get(options, "storage-path")).empty())
      options["storage-path"] = DefaultLocation(part, ctx);
    std::string path = options["storage-path"];
    auto stored = ReadStored(path);
    if (!stored.ok()) return stored.status().WithContext("part [" + part + "]: storage-path");
    if (!stored->empty()) {
      options["passwd"] = *stored;
      return Status::OK();
    }
    if (!Trim(Get(options, "passwd")).empty()) return Status::OK();  // given by the profile
    long long length = 16;
    std::string bytes(Trim(Get(options, "bytes")));
    if (!bytes.empty() && (!ParseInt64(bytes, &length) || length <= 0 || length > 4096))
      return InvalidArgument("part [" + part + "]: bytes = '" + bytes +
                             "' is not a length between 1 and 4096");
    SLAPOS_ASSIGN_OR_RETURN(options["passwd"], RandomPassword(static_cast<size_t>(length)));
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    std::string path = Get(options, "storage-path", DefaultLocation(part, ctx));
    std::string passwd = Get(options, "passwd");
    if (passwd.empty()) return Internal("part [" + part + "]: no password was generated at init");
    SLAPOS_ASSIGN_OR_RETURN(std::string stored, ReadStored(path));
    if (stored != passwd) {
      SLAPOS_RETURN_IF_ERROR(MakeDirs(Dirname(path)));
      nlohmann::json doc = {{"", passwd}};
      SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(path, doc.dump(), 0600));
    }
    SLAPOS_ASSIGN_OR_RETURN(bool once, GetBool(part, options, "create-once", true));
    if (once) return std::vector<std::string>{};  // kept across reinstalls
    return std::vector<std::string>{path};
  }
};

}  // namespace

std::unique_ptr<Recipe> NewGeneratePasswordRecipe() {
  return std::make_unique<GeneratePasswordRecipe>();
}

}  // namespace slapos::build::recipes
