// slapos.recipe.template and collective.recipe.template: a template (inline text, a file or a
// URL) rendered through Buildout substitution into `output` (profiles.md §2.3).
#include <sys/stat.h>

#include "build/recipes/download.h"
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "build/recipes/substitute.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

struct TemplateSource {
  std::string text;
  std::string name;  // for messages
};

// Reads the template named by the options; `collective` selects collective.recipe.template's
// spelling (`input`, with an `inline:` prefix for inline text).
Result<TemplateSource> LoadTemplate(const std::string& part, const Options& options,
                                    const BuildContext& ctx, bool collective) {
  if (collective) {
    std::string input = Get(options, "input");
    if (StartsWith(Trim(input), "inline:")) {
      std::string_view rest = Trim(input);
      rest.remove_prefix(7);  // "inline:"
      while (!rest.empty() && isspace(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
      return TemplateSource{std::string(rest) + "\n", "inline template"};
    }
    if (!Trim(input).empty()) {
      auto text = DownloadText(std::string(Trim(input)), DownloadOptionsFor(ctx));
      if (!text.ok()) return text.status().WithContext("part [" + part + "]: input");
      return TemplateSource{*text, std::string(Trim(input))};
    }
  }
  bool has_inline = Has(options, "inline");
  std::string url = std::string(Trim(Get(options, "url", Get(options, "template"))));
  if (has_inline && !url.empty())
    return InvalidArgument("part [" + part + "]: options 'inline' and 'url' exclude each other");
  if (has_inline) return TemplateSource{Get(options, "inline"), "inline template"};
  if (url.empty())
    return InvalidArgument("part [" + part + "]: set '" +
                           std::string(collective ? "input" : "url") + "' or 'inline'");
  std::string bare;
  Checksum from_url;
  SplitUrlChecksum(url, &bare, &from_url);
  SLAPOS_ASSIGN_OR_RETURN(Checksum sum, ChecksumFromOptions(part, options, from_url));
  std::string with_sum = sum.empty() ? bare : bare + "#" + sum.hex;
  auto text = DownloadText(with_sum, DownloadOptionsFor(ctx));
  if (!text.ok()) return text.status().WithContext("part [" + part + "]: url");
  return TemplateSource{*text, bare};
}

class SubstitutionTemplateRecipe : public Recipe {
 public:
  explicit SubstitutionTemplateRecipe(bool collective) : collective_(collective) {}

  // Renders once at init, as the Python recipe does, so that the sections the template
  // references are resolved (and ordered) before this part. Network templates wait for Install.
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    if (Output(options).empty())
      return InvalidArgument("part [" + part + "]: option 'output' is required");
    std::string url = Get(options, collective_ ? "input" : "url");
    if (IsNetworkUrl(std::string(Trim(url)))) return Status::OK();
    auto rendered = Render(part, options, ctx);
    return rendered.status();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(std::string text, Render(part, options, ctx));
    SLAPOS_ASSIGN_OR_RETURN(unsigned mode, GetMode(part, options, "mode", 0644));
    std::string output = Output(options);
    SLAPOS_RETURN_IF_ERROR(WriteFileIfChanged(output, text, mode));
    return std::vector<std::string>{output};
  }

  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Install(part, options, ctx).status();
  }

 private:
  std::string Output(const Options& options) const {
    return std::string(Trim(Get(options, "output", Get(options, "rendered"))));
  }

  Result<std::string> Render(const std::string& part, const Options& options,
                             const BuildContext& ctx) {
    SLAPOS_ASSIGN_OR_RETURN(TemplateSource src, LoadTemplate(part, options, ctx, collective_));
    // Inline text was already substituted as an option value; only files and URLs are
    // substituted here.
    if (src.name == "inline template") return src.text;
    return SubstituteTemplate(src.text, part, options, ctx, src.name);
  }

  bool collective_;
};

}  // namespace

std::unique_ptr<Recipe> NewTemplateRecipe() {
  return std::make_unique<SubstitutionTemplateRecipe>(false);
}
std::unique_ptr<Recipe> NewCollectiveTemplateRecipe() {
  return std::make_unique<SubstitutionTemplateRecipe>(true);
}

}  // namespace slapos::build::recipes
