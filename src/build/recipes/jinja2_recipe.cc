// slapos.recipe.template:jinja2: renders a Jinja2 template (url or inline) into `output` with
// the context the `context` lines build, through the renderer of build/jinja (profiles.md §2.3).
#include <dirent.h>
#include <sys/stat.h>

#include <map>
#include <nlohmann/json.hpp>

#include "build/jinja/jinja.h"
#include "build/recipes/download.h"
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "build/typed_value.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

using nlohmann::json;

// `section:option` -> the option's value, through the build context.
Result<std::string> LookupKey(const std::string& part, const Options& own, const std::string& ref,
                              const BuildContext& ctx) {
  auto colon = ref.find(':');
  if (colon == std::string::npos)
    return InvalidArgument("part [" + part + "]: context key '" + ref +
                           "' is not section:option");
  std::string sec = ref.substr(0, colon), opt = ref.substr(colon + 1);
  Options fetched;
  const Options* source = &own;
  if (!sec.empty() && sec != part) {
    if (!ctx.section) return NotFound("part [" + part + "]: no section lookup available");
    auto got = ctx.section(sec);
    if (!got.ok()) return got.status().WithContext("part [" + part + "]: context key " + ref);
    fetched = std::move(got).value();
    source = &fetched;
  }
  auto it = source->find(opt);
  if (it == source->end())
    return NotFound("part [" + part + "]: context key " + ref + ": section [" +
                    (sec.empty() ? part : sec) + "] has no option '" + opt + "'");
  return it->second;
}

Result<json> ParseJson(const std::string& part, const std::string& what, const std::string& text) {
  auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return InvalidArgument("part [" + part + "]: " + what + " is not valid JSON: " + text);
  return doc;
}

// What a template sees for an option value: the object of a typed value ("!json ...",
// build/typed_value.h), the string itself otherwise.
Result<json> OptionObject(const std::string& part, const std::string& what, const std::string& value) {
  if (!IsTypedValue(value)) return json(value);
  return ParseJson(part, what + " (a typed value)", std::string(TypedValueJson(value)));
}

struct Prepared {
  json context = json::object();
  std::map<std::string, std::string> imports;  // name -> template source
  bool do_extension = false;
};

class Jinja2Recipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    if (Output(options).empty())
      return InvalidArgument("part [" + part + "]: option 'output' is required");
    if (Has(options, "inline") && !Url(options).empty())
      return InvalidArgument("part [" + part + "]: options 'inline' and 'url' exclude each other");
    if (!Has(options, "inline") && Url(options).empty())
      return InvalidArgument("part [" + part + "]: set 'url' or 'inline'");
    // Resolves the context now so the sections it names are initialised before this part.
    return Prepare(part, options, ctx).status();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    std::string output = Output(options);
    std::string once(Trim(Get(options, "once")));
    if (!once.empty() && PathExists(once)) {
      if (ctx.log) ctx.log("part [" + part + "]: " + once + " exists; not rendering again");
      return std::vector<std::string>{};
    }
    SLAPOS_ASSIGN_OR_RETURN(Prepared prep, Prepare(part, options, ctx));
    std::string name = Has(options, "inline") ? part + " (inline)" : Url(options);
    std::string source;
    if (Has(options, "inline")) {
      source = Get(options, "inline");
    } else {
      std::string bare;
      Checksum from_url;
      SplitUrlChecksum(Url(options), &bare, &from_url);
      SLAPOS_ASSIGN_OR_RETURN(Checksum sum, ChecksumFromOptions(part, options, from_url));
      auto text = DownloadText(sum.empty() ? bare : bare + "#" + sum.hex, DownloadOptionsFor(ctx));
      if (!text.ok()) return text.status().WithContext("part [" + part + "]: template");
      source = std::move(text).value();
      name = bare;
    }
    jinja::RenderOptions ro;
    ro.template_name = name;
    ro.do_extension = prep.do_extension;
    auto imports = prep.imports;
    ro.loader = [imports, part](const std::string& n) -> Result<std::string> {
      auto it = imports.find(n);
      if (it == imports.end())
        return NotFound("template '" + n + "' is not in import-list of part [" + part + "]");
      return it->second;
    };
    auto rendered = jinja::Render(source, prep.context, ro);
    if (!rendered.ok()) return rendered.status().WithContext("part [" + part + "]");
    SLAPOS_ASSIGN_OR_RETURN(unsigned mode, GetMode(part, options, "mode", 0644));
    SLAPOS_RETURN_IF_ERROR(WriteFileIfChanged(output, *rendered, mode));
    return std::vector<std::string>{output};
  }

  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Install(part, options, ctx).status();
  }

 private:
  static std::string Output(const Options& o) {
    return std::string(Trim(Get(o, "output", Get(o, "rendered"))));
  }
  static std::string Url(const Options& o) {
    return std::string(Trim(Get(o, "url", Get(o, "template"))));
  }

  static Result<Prepared> Prepare(const std::string& part, const Options& options,
                                  const BuildContext& ctx) {
    Prepared p;
    for (const auto& ext : SplitWhitespace(Get(options, "extensions"))) {
      if (ext == "jinja2.ext.do") {
        p.do_extension = true;
      } else if (ext != "jinja2.ext.loopcontrols") {
        return InvalidArgument("part [" + part + "]: Jinja2 extension '" + ext +
                               "' is not supported; available: jinja2.ext.do, "
                               "jinja2.ext.loopcontrols");
      }
    }
    std::string lines = Get(options, "context") + "\n" + Get(options, "extra-context") + "\n" +
                        Get(options, "context-extra");
    for (const auto& line : Lines(lines)) {
      auto words = SplitWhitespace(line);
      if (words.size() < 2)
        return InvalidArgument("part [" + part + "]: context line '" + line +
                               "' is not 'type name expression'");
      const std::string& type = words[0];
      const std::string& name = words[1];
      // The expression is the rest of the line after the name (raw values keep their spaces).
      std::string rest;
      {
        size_t pos = line.find(name, line.find(type) + type.size()) + name.size();
        rest = std::string(Trim(std::string_view(line).substr(pos)));
      }
      if (type == "raw") {
        p.context[name] = rest;
      } else if (type == "key") {
        SLAPOS_ASSIGN_OR_RETURN(std::string v, LookupKey(part, options, rest, ctx));
        SLAPOS_ASSIGN_OR_RETURN(p.context[name], OptionObject(part, "context key " + rest, v));
      } else if (type == "section") {
        Options sec;
        if (rest == part || rest.empty()) {
          sec = options;
        } else {
          if (!ctx.section) return NotFound("part [" + part + "]: no section lookup available");
          auto got = ctx.section(rest);
          if (!got.ok()) return got.status().WithContext("part [" + part + "]: context section");
          sec = std::move(got).value();
        }
        json obj = json::object();
        for (const auto& [k, v] : sec) {
          SLAPOS_ASSIGN_OR_RETURN(obj[k], OptionObject(part, "context section " + rest + ", option " + k, v));
        }
        p.context[name] = obj;
      } else if (type == "json") {
        SLAPOS_ASSIGN_OR_RETURN(p.context[name], ParseJson(part, "context json " + name, rest));
      } else if (type == "jsonkey") {
        SLAPOS_ASSIGN_OR_RETURN(std::string v, LookupKey(part, options, rest, ctx));
        SLAPOS_ASSIGN_OR_RETURN(p.context[name],
                                ParseJson(part, "context jsonkey " + rest, std::string(TypedValueJson(v))));
      } else if (type == "import") {
        // The renderer turns {"__module__": "json"} into a native json module (dumps, loads);
        // other Python modules stay placeholders and any use of their functions fails at
        // render time with the renderer's error.
        p.context[name] = json{{"__module__", rest}};
        if (rest != "json" && ctx.log)
          ctx.log("part [" + part + "]: context import " + rest +
                  ": only the json module is available natively; uses of '" + name +
                  "' will fail");
      } else {
        return InvalidArgument("part [" + part + "]: unknown context type '" + type + "' in '" +
                               line + "'; use raw, key, section, json, jsonkey or import");
      }
    }
    std::string delimiter(Trim(Get(options, "import-delimiter", "/")));
    for (const auto& line : Lines(Get(options, "import-list"))) {
      auto words = SplitWhitespace(line);
      if (words.size() != 3)
        return InvalidArgument("part [" + part + "]: import-list line '" + line +
                               "' is not 'type name path'");
      const std::string &type = words[0], &name = words[1], &path = words[2];
      auto wrap = [](const std::string& text, bool raw) {
        return raw ? "{% raw %}" + text + "{% endraw %}" : text;
      };
      if (type == "file" || type == "rawfile") {
        auto text = DownloadText(path, DownloadOptionsFor(ctx));
        if (!text.ok()) return text.status().WithContext("part [" + part + "]: import-list " + name);
        p.imports[name] = wrap(*text, type == "rawfile");
      } else if (type == "folder" || type == "rawfolder") {
        SLAPOS_RETURN_IF_ERROR(AddFolder(part, name, path, delimiter, type == "rawfolder", "",
                                         p.imports));
      } else {
        return InvalidArgument("part [" + part + "]: unknown import-list type '" + type +
                               "'; use file, rawfile, folder or rawfolder");
      }
    }
    return p;
  }

  static Status AddFolder(const std::string& part, const std::string& name, const std::string& dir,
                          const std::string& delimiter, bool raw, const std::string& rel,
                          std::map<std::string, std::string>& out);
};

Status Jinja2Recipe::AddFolder(const std::string& part, const std::string& name,
                               const std::string& dir, const std::string& delimiter, bool raw,
                               const std::string& rel, std::map<std::string, std::string>& out) {
  std::string path = rel.empty() ? dir : JoinPath(dir, rel);
  DIR* d = opendir(path.c_str());
  if (!d) return ErrnoError("part [" + part + "]: import-list folder " + path, errno);
  std::vector<std::string> entries;
  while (struct dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") entries.push_back(n);
  }
  closedir(d);
  for (const auto& n : entries) {
    std::string sub = rel.empty() ? n : rel + "/" + n;
    std::string full = JoinPath(dir, sub);
    if (IsDirectory(full)) {
      SLAPOS_RETURN_IF_ERROR(AddFolder(part, name, dir, delimiter, raw, sub, out));
      continue;
    }
    SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(full));
    out[name + delimiter + ReplaceAll(sub, "/", delimiter)] =
        raw ? "{% raw %}" + text + "{% endraw %}" : text;
  }
  return Status::OK();
}

}  // namespace

std::unique_ptr<Recipe> NewJinja2Recipe() { return std::make_unique<Jinja2Recipe>(); }

}  // namespace slapos::build::recipes
