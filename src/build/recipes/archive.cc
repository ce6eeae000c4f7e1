#include "build/recipes/archive.h"

#include <memory>
#include <set>

#include "build/recipes/archive_library.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

using Reader = std::unique_ptr<struct archive, int (*)(struct archive*)>;

// libarchive's message about the last failure on `a` (it may have none: null).
std::string ErrorOf(const ArchiveApi& la, struct archive* a) {
  const char* text = la.error_string(a);
  return text != nullptr ? text : "unknown error";
}

Result<Reader> OpenArchive(const ArchiveApi& la, const std::string& path) {
  Reader a(la.read_new(), la.read_free);
  if (!a) return Internal("archive_read_new failed (out of memory?) for " + path);
  la.read_support_filter_all(a.get());
  la.read_support_format_all(a.get());
  if (la.read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    return InvalidArgument("cannot open archive " + path + ": " + ErrorOf(la, a.get()));
  return a;
}

// "./a/b" -> "a/b"; "." -> "".
std::string Normalize(std::string name) {
  while (StartsWith(name, "./")) name = name.substr(2);
  if (name == ".") name.clear();
  while (EndsWith(name, "/")) name.pop_back();
  return name;
}

// The single top-level directory every entry lies under, or "" when there is none.
Result<std::string> SingleTopLevel(const ArchiveApi& la, const std::string& path) {
  SLAPOS_ASSIGN_OR_RETURN(Reader a, OpenArchive(la, path));
  std::set<std::string> tops;
  bool top_is_file = false;
  struct archive_entry* entry;
  int rc;
  while ((rc = la.read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const char* raw = la.entry_pathname(entry);
    std::string name = Normalize(raw != nullptr ? raw : "");
    if (name.empty()) continue;
    auto slash = name.find('/');
    tops.insert(name.substr(0, slash));
    if (slash == std::string::npos && la.entry_filetype(entry) != AE_IFDIR) top_is_file = true;
    la.read_data_skip(a.get());
  }
  if (rc != ARCHIVE_EOF)
    return Corruption("cannot read archive " + path + ": " + ErrorOf(la, a.get()));
  if (tops.size() == 1 && !top_is_file) return *tops.begin();
  return std::string();
}

Status CopyData(const ArchiveApi& la, struct archive* in, struct archive* out,
                const std::string& path, const std::string& name) {
  const void* buf;
  size_t size;
  la_int64_t offset;
  int rc;
  while ((rc = la.read_data_block(in, &buf, &size, &offset)) == ARCHIVE_OK) {
    if (la.write_data_block(out, buf, size, offset) != ARCHIVE_OK)
      return IOError("cannot write " + name + " from " + path + ": " + ErrorOf(la, out));
  }
  if (rc != ARCHIVE_EOF)
    return Corruption("cannot read " + name + " in archive " + path + ": " +
                      ErrorOf(la, in));
  return Status::OK();
}

}  // namespace

Status ExtractArchive(const std::string& path, const std::string& dest, StripTopLevel strip) {
  Result<const ArchiveApi*> loaded = Archive();
  if (!loaded.ok()) return loaded.status().WithContext("cannot unpack " + path);
  const ArchiveApi& la = **loaded;
  std::string prefix;
  if (strip != StripTopLevel::kNo) {
    SLAPOS_ASSIGN_OR_RETURN(prefix, SingleTopLevel(la, path));
    if (prefix.empty() && strip == StripTopLevel::kYes)
      return InvalidArgument("archive " + path +
                             " does not hold exactly one top-level directory; set "
                             "strip-top-level-dir = false");
  }
  SLAPOS_RETURN_IF_ERROR(MakeDirs(dest));
  SLAPOS_ASSIGN_OR_RETURN(Reader in, OpenArchive(la, path));
  Reader out(la.write_disk_new(), la.write_free);
  if (!out) return Internal("archive_write_disk_new failed (out of memory?) for " + path);
  la.write_disk_set_options(out.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  // Entry names are checked below before they are joined to `dest` (an absolute path, which
  // ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS would refuse).
  la.write_disk_set_standard_lookup(out.get());
  auto rewrite = [&](const char* raw) -> std::string {
    std::string name = Normalize(raw ? raw : "");
    if (!prefix.empty()) {
      if (name == prefix) return "";
      if (StartsWith(name, prefix + "/")) name = name.substr(prefix.size() + 1);
    }
    return name;
  };
  struct archive_entry* entry;
  int rc;
  while ((rc = la.read_next_header(in.get(), &entry)) == ARCHIVE_OK) {
    std::string raw = la.entry_pathname(entry) ? la.entry_pathname(entry) : "";
    std::string name = rewrite(raw.c_str());
    if (name.empty()) {
      la.read_data_skip(in.get());
      continue;
    }
    if (name[0] == '/' || name == ".." || StartsWith(name, "../") ||
        name.find("/../") != std::string::npos || EndsWith(name, "/.."))
      return PermissionDenied("archive " + path + ": entry '" + raw +
                              "' would be written outside " + dest);
    std::string full = JoinPath(dest, name);
    la.entry_set_pathname(entry, full.c_str());
    if (const char* link = la.entry_hardlink(entry)) {
      std::string target = rewrite(link);
      la.entry_set_hardlink(entry, JoinPath(dest, target).c_str());
    }
    if (la.write_header(out.get(), entry) != ARCHIVE_OK)
      return IOError("archive " + path + ": cannot create '" + raw + "': " +
                     ErrorOf(la, out.get()));
    if (la.entry_size(entry) > 0)
      SLAPOS_RETURN_IF_ERROR(CopyData(la, in.get(), out.get(), path, raw));
    if (la.write_finish_entry(out.get()) != ARCHIVE_OK)
      return IOError("archive " + path + ": cannot finish '" + raw + "': " +
                     ErrorOf(la, out.get()));
  }
  if (rc != ARCHIVE_EOF)
    return Corruption("cannot read archive " + path + ": " + ErrorOf(la, in.get()));
  return Status::OK();
}

}  // namespace slapos::build::recipes
