#include "build/recipes/archive_library.h"

#include "util/shared_library.h"

namespace slapos::build::recipes {

Result<ArchiveApi> LoadArchiveApi(const std::string& soname) {
  SLAPOS_ASSIGN_OR_RETURN(SharedLibrary lib, SharedLibrary::Open(soname, kArchiveInstallHint));
  ArchiveApi api;
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_read_new", api.read_new));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_read_free", api.read_free));
  SLAPOS_RETURN_IF_ERROR(
      lib.Resolve("archive_read_support_filter_all", api.read_support_filter_all));
  SLAPOS_RETURN_IF_ERROR(
      lib.Resolve("archive_read_support_format_all", api.read_support_format_all));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_read_open_filename", api.read_open_filename));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_read_next_header", api.read_next_header));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_read_data_block", api.read_data_block));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_read_data_skip", api.read_data_skip));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_write_disk_new", api.write_disk_new));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_write_disk_set_options", api.write_disk_set_options));
  SLAPOS_RETURN_IF_ERROR(
      lib.Resolve("archive_write_disk_set_standard_lookup", api.write_disk_set_standard_lookup));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_write_header", api.write_header));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_write_data_block", api.write_data_block));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_write_finish_entry", api.write_finish_entry));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_write_free", api.write_free));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_error_string", api.error_string));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_entry_pathname", api.entry_pathname));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_entry_set_pathname", api.entry_set_pathname));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_entry_hardlink", api.entry_hardlink));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_entry_set_hardlink", api.entry_set_hardlink));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_entry_filetype", api.entry_filetype));
  SLAPOS_RETURN_IF_ERROR(lib.Resolve("archive_entry_size", api.entry_size));
  return api;
}

Result<const ArchiveApi*> Archive() {
  // Initialised exactly once, by the first caller, while the others wait (a magic static).
  static const Result<ArchiveApi> loaded = LoadArchiveApi(kArchiveSoname);
  if (!loaded.ok()) return loaded.status();
  return &loaded.value();
}

}  // namespace slapos::build::recipes
