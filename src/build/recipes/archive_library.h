// libarchive, opened at first use (dlopen) instead of linked: a `slapos` process that never
// unpacks an archive starts without libarchive and what it pulls in (libxml2, ICU, lzma, zstd,
// lz4, bz2, acl, nettle). Used by archive.cc (ExtractArchive). The types and constants come
// from archive.h / archive_entry.h; the functions are called through ArchiveApi. Thread-safe.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>

#include "util/status.h"

namespace slapos::build::recipes {

inline constexpr char kArchiveSoname[] = "libarchive.so.13";
inline constexpr char kArchiveInstallHint[] = "apt-get install libarchive13";

// The libarchive functions slapos calls, typed from libarchive's own declarations.
struct ArchiveApi {
  // Reading.
  decltype(&::archive_read_new) read_new = nullptr;
  decltype(&::archive_read_free) read_free = nullptr;
  decltype(&::archive_read_support_filter_all) read_support_filter_all = nullptr;
  decltype(&::archive_read_support_format_all) read_support_format_all = nullptr;
  decltype(&::archive_read_open_filename) read_open_filename = nullptr;
  decltype(&::archive_read_next_header) read_next_header = nullptr;
  decltype(&::archive_read_data_block) read_data_block = nullptr;
  decltype(&::archive_read_data_skip) read_data_skip = nullptr;
  // Writing to disk.
  decltype(&::archive_write_disk_new) write_disk_new = nullptr;
  decltype(&::archive_write_disk_set_options) write_disk_set_options = nullptr;
  decltype(&::archive_write_disk_set_standard_lookup) write_disk_set_standard_lookup = nullptr;
  decltype(&::archive_write_header) write_header = nullptr;
  decltype(&::archive_write_data_block) write_data_block = nullptr;
  decltype(&::archive_write_finish_entry) write_finish_entry = nullptr;
  decltype(&::archive_write_free) write_free = nullptr;
  decltype(&::archive_error_string) error_string = nullptr;
  // Entries.
  decltype(&::archive_entry_pathname) entry_pathname = nullptr;
  decltype(&::archive_entry_set_pathname) entry_set_pathname = nullptr;
  decltype(&::archive_entry_hardlink) entry_hardlink = nullptr;
  decltype(&::archive_entry_set_hardlink) entry_set_hardlink = nullptr;
  decltype(&::archive_entry_filetype) entry_filetype = nullptr;
  decltype(&::archive_entry_size) entry_size = nullptr;
};

// Opens `soname` and resolves every ArchiveApi function, without caching: for tests and
// diagnostics. Errors are FailedPrecondition naming the library or the missing function and
// the package to install.
Result<ArchiveApi> LoadArchiveApi(const std::string& soname = kArchiveSoname);

// The process's libarchive, loaded from kArchiveSoname on the first call (exactly once,
// whichever thread comes first); every later call returns the same table, or the same error.
Result<const ArchiveApi*> Archive();

}  // namespace slapos::build::recipes
