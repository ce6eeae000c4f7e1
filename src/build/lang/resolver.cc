#include "build/lang/resolver.h"

#include <algorithm>

#include "build/lang/loader.h"
#include "build/lang/substitution.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::lang {

struct Resolver::State {
  enum Phase { kInitialising, kDone, kFailed } phase = kInitialising;
  std::string name;
  RawSection raw;  // after macro expansion
  Options values;  // substituted (cached per option)
  std::set<std::string> deps;
  std::unique_ptr<Recipe> recipe;
  Status error;  // when kFailed
};

namespace {

std::string Context(const RawValue& raw, const std::string& section, const std::string& option) {
  return raw.origin.ToString() + ": [" + section + "] option '" + option + "'";
}

}  // namespace

Resolver::Resolver(RawConfig config, ResolveOptions options)
    : config_(std::move(config)), options_(std::move(options)) {
  ctx_.log = options_.log ? options_.log : [](const std::string&) {};
  ctx_.progress = options_.progress;
  ctx_.section = [this](const std::string& name) { return Section(name); };
}

Resolver::~Resolver() = default;

Status Resolver::MakeContext(State& b) {
  auto get = [&](const char* k) {
    auto it = b.values.find(k);
    return it == b.values.end() ? std::string() : it->second;
  };
  ctx_.directory = get("directory");
  ctx_.parts_directory = JoinPath(ctx_.directory, get("parts-directory"));
  ctx_.bin_directory = JoinPath(ctx_.directory, get("bin-directory"));
  std::string cache = get("download-cache");
  ctx_.download_cache = cache.empty() ? "" : JoinPath(ctx_.directory, cache);
  for (const char* k : {"offline", "newest"}) {
    bool v = false;
    std::string text = ToLower(Trim(get(k)));
    if (!ParseBool(text, &v))
      return InvalidArgument(b.raw.options[k].origin.ToString() + ": [buildout] option '" + k +
                             "': expected true or false, got '" + get(k) + "'");
    (std::string(k) == "offline" ? ctx_.offline : ctx_.newest) = v;
  }
  if (ctx_.offline) ctx_.newest = false;
  return Status::OK();
}

Result<RawSection> Resolver::ExpandMacros(const std::string& name, const RawSection& raw,
                                          std::vector<std::string>& doing) {
  if (name == "buildout") return raw;
  auto lt = raw.options.find("<");
  if (lt == raw.options.end()) return raw;
  if (std::find(doing.begin(), doing.end(), name) != doing.end())
    return InvalidArgument(Context(lt->second, name, "<") + ": Infinite extending loop: " +
                           Join(doing, " <= ") + " <= " + name);
  doing.push_back(name);
  RawSection result;
  for (const std::string& line : Split(lt->second.value, '\n')) {
    std::string base(Trim(line));
    if (base.empty()) continue;
    auto it = config_.sections.find(base);
    if (it == config_.sections.end()) {
      doing.pop_back();
      return NotFound(Context(lt->second, name, "<") + ": No section named '" + base +
                      "' (macros are listed one per line)");
    }
    Result<RawSection> sub = ExpandMacros(base, it->second, doing);
    if (!sub.ok()) {
      doing.pop_back();
      return sub.status();
    }
    for (auto& [k, v] : sub->options) result.options[k] = v;
  }
  doing.pop_back();
  MergeSection(result, raw);
  result.options.erase("<");
  result.origin = raw.origin;
  return result;
}

Result<Resolver::State*> Resolver::Init(const std::string& name) {
  auto found = states_.find(name);
  if (found != states_.end()) {
    if (found->second->phase == State::kFailed) return found->second->error;
    return found->second.get();
  }
  auto raw = config_.sections.find(name);
  if (raw == config_.sections.end()) return NotFound("section [" + name + "] does not exist");
  // [buildout] is always initialised first: it gives recipes their context.
  if (name != "buildout" && !states_.count("buildout") && config_.sections.count("buildout")) {
    Result<State*> b = Init("buildout");
    if (!b.ok()) return b.status();
  }

  auto owned = std::make_unique<State>();
  State& s = *owned;
  s.name = name;
  states_[name] = std::move(owned);
  auto fail = [&](Status st) -> Status {
    s.phase = State::kFailed;
    s.error = st;
    return st;
  };

  std::vector<std::string> doing;
  Result<RawSection> expanded = ExpandMacros(name, raw->second, doing);
  if (!expanded.ok()) return fail(expanded.status());
  s.raw = std::move(*expanded);

  for (const auto& [key, value] : s.raw.options) {
    std::vector<std::string> seen;
    Result<std::string> v = Get(s, key, seen);
    if (!v.ok()) return fail(v.status());
  }
  if (name == "buildout") {
    Status st = MakeContext(s);
    if (!st.ok()) return fail(st);
    s.phase = State::kDone;
    return &s;
  }
  if (auto pd = s.values.find("<part-dependencies>"); pd != s.values.end()) {
    for (const std::string& dep : SplitWhitespace(pd->second)) {
      Result<State*> d = Init(dep);
      if (!d.ok())
        return fail(Status(d.status().code(), Context(s.raw.options["<part-dependencies>"], name, "=>") +
                                                  ": " + d.status().message()));
      s.deps.insert(dep);
    }
  }
  auto recipe = s.values.find("recipe");
  if (recipe != s.values.end() && !Trim(recipe->second).empty()) {
    if (options_.registry) {
      const RawValue& where = s.raw.options["recipe"];
      Result<std::unique_ptr<Recipe>> r = options_.registry->Create(std::string(Trim(recipe->second)));
      if (!r.ok()) return fail(Status(r.status().code(), Context(where, name, "recipe") + ": " + r.status().message()));
      s.recipe = std::move(*r);
      Status st = s.recipe->Init(name, s.values, ctx_);
      if (!st.ok())
        return fail(Status(st.code(), Context(where, name, "recipe") + ": " + recipe->second +
                                          " could not initialise the part: " + st.message()));
    }
    if (record_parts_) install_order_.push_back(name);
  }
  s.phase = State::kDone;
  return &s;
}

Result<std::string> Resolver::Get(State& s, const std::string& option, std::vector<std::string>& seen) {
  if (auto it = s.values.find(option); it != s.values.end()) return it->second;
  auto raw = s.raw.options.find(option);
  if (raw == s.raw.options.end()) {
    if (option == "_buildout_section_name_") return s.name;
    return NotFound("option '" + option + "' of section [" + s.name + "] does not exist");
  }
  std::string key = s.name + ":" + option;
  if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
    seen.push_back(key);
    return InvalidArgument(Context(raw->second, s.name, option) +
                           ": Circular reference in substitutions: " + Join(seen, " -> "));
  }
  seen.push_back(key);
  Result<std::string> v = Expand(raw->second.value, s, raw->second, option, seen);
  seen.pop_back();
  if (!v.ok()) return v;
  // A reference loop through a section may have cached it meanwhile; first value wins.
  return s.values.emplace(option, std::move(*v)).first->second;
}

Result<std::string> Resolver::Expand(const std::string& text, State& s, const RawValue& raw,
                                     const std::string& option, std::vector<std::string>& seen) {
  SubstitutionOptions so;
  so.where = [&](size_t) { return Context(raw, s.name, option) + ": "; };
  so.lookup = [&](const Reference& ref) -> Result<std::string> {
    std::string section = ref.section.empty() ? s.name : ref.section;
    State* target = &s;
    if (section != s.name) {
      if (!config_.sections.count(section))
        return NotFound(Context(raw, s.name, option) + ": " + ref.text + " refers to section [" + section +
                        "], which does not exist");
      SLAPOS_ASSIGN_OR_RETURN(target, Init(section));
      s.deps.insert(section);
    }
    Result<std::string> v = Get(*target, ref.option, seen);
    if (!v.ok() && v.status().code() == Code::kNotFound && StartsWith(v.status().message(), "option '"))
      return NotFound(Context(raw, s.name, option) + ": " + ref.text + ": Referenced option does not exist: [" +
                      section + "] " + ref.option);
    return v;
  };
  return SubstituteReferences(text, so);
}

Status Resolver::ResolveParts(const std::vector<std::string>& only) {
  SLAPOS_ASSIGN_OR_RETURN(State * b, Init("buildout"));
  std::vector<std::string> names = only;
  if (names.empty()) names = SplitWhitespace(b->values["parts"]);
  const RawValue& where = b->raw.options["parts"];
  for (const std::string& part : names) {
    if (!config_.sections.count(part))
      return NotFound(Context(where, "buildout", "parts") + ": part '" + part +
                      "' has no section [" + part + "]");
    SLAPOS_ASSIGN_OR_RETURN(State * s, Init(part));
    if (!s->values.count("recipe"))
      return InvalidArgument(s->raw.origin.ToString() + ": [" + part +
                             "] is listed in parts but has no 'recipe' option (MissingOption)");
  }
  return Status::OK();
}

Result<Options> Resolver::Section(const std::string& section) {
  SLAPOS_ASSIGN_OR_RETURN(State * s, Init(section));
  return s->values;
}

Result<std::string> Resolver::Substitute(const std::string& text, const std::string& section) {
  SLAPOS_ASSIGN_OR_RETURN(State * s, Init(section));
  std::vector<std::string> seen;
  RawValue raw{text, Origin{"", 0, "template"}};
  return Expand(text, *s, raw, "<template>", seen);
}

std::map<std::string, std::string> Resolver::ResolveRemaining() {
  std::map<std::string, std::string> failed;
  bool saved = record_parts_;
  record_parts_ = false;
  for (const auto& [name, raw] : config_.sections) {
    Result<State*> s = Init(name);
    if (!s.ok()) failed[name] = s.status().message();
  }
  record_parts_ = saved;
  return failed;
}

std::map<std::string, Options> Resolver::sections() const {
  std::map<std::string, Options> out;
  for (const auto& [name, s] : states_)
    if (s->phase == State::kDone) out[name] = s->values;
  return out;
}

Recipe* Resolver::recipe(const std::string& part) const {
  auto it = states_.find(part);
  return it == states_.end() ? nullptr : it->second->recipe.get();
}

std::set<std::string> Resolver::dependencies(const std::string& section) const {
  auto it = states_.find(section);
  return it == states_.end() ? std::set<std::string>{} : it->second->deps;
}

std::map<std::string, Origin> Resolver::origins(const std::string& section) const {
  std::map<std::string, Origin> out;
  auto it = states_.find(section);
  if (it != states_.end()) {
    for (const auto& [k, v] : it->second->raw.options) out[k] = v.origin;
    return out;
  }
  auto raw = config_.sections.find(section);
  if (raw != config_.sections.end())
    for (const auto& [k, v] : raw->second.options) out[k] = v.origin;
  return out;
}

RawSection Resolver::expanded(const std::string& section) const {
  auto it = states_.find(section);
  if (it != states_.end() && it->second->phase != State::kFailed) return it->second->raw;
  auto raw = config_.sections.find(section);
  return raw == config_.sections.end() ? RawSection{} : raw->second;
}

}  // namespace slapos::build::lang
