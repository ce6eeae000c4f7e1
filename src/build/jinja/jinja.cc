#include "build/jinja/jinja.h"

#include <nlohmann/json.hpp>

#include "build/jinja/evaluator.h"
#include "build/jinja/json_value.h"
#include "build/jinja/parser.h"

namespace slapos::jinja {

Result<std::string> Render(std::string_view source, const nlohmann::json& context, const RenderOptions& options) {
  if (!context.is_object() && !context.is_null()) {
    return InvalidArgument(options.template_name + ": the render context must be a JSON object (name -> value), not " +
                           std::string(context.type_name()));
  }
  try {
    auto tmpl = std::make_shared<const Template>(
        ParseTemplate(source, options.template_name, options.keep_trailing_newline, options.do_extension));
    Evaluator evaluator(options);
    return evaluator.RenderMain(tmpl, context.is_null() ? MakeDict() : FromJson(context));
  } catch (const TemplateError& e) {
    return InvalidArgument(e.located ? e.message : options.template_name + ": " + e.message);
  } catch (const std::bad_alloc&) {
    return InvalidArgument(options.template_name + ": out of memory while rendering");
  }
}

}  // namespace slapos::jinja
