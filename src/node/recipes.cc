#include "node/recipes.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "node/request_recipe.h"
#include "node/switch_softwaretype_recipe.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

using build::BuildContext;
using build::Options;
using nlohmann::json;

std::string Opt(const Options& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (auto it = o.find(k); it != o.end() && !Trim(it->second).empty()) return std::string(Trim(it->second));
  return "";
}

std::string ScalarText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The instance parameters as a JSON object; .serialised unwraps {"_": "<json>"}.
Result<json> Parameters(const std::string& text, bool serialised, const std::string& part) {
  try {
    json p = json::parse(text.empty() ? "{}" : text);
    if (serialised) {
      if (p.is_object() && p.contains("_") && p["_"].is_string()) {
        json inner = json::parse(p["_"].get<std::string>());
        return inner.is_object() ? inner : json::object();
      }
      return json::object();
    }
    return p.is_object() ? p : json::object();
  } catch (const std::exception& e) {
    return InvalidArgument("part [" + part + "]: the instance parameters are not JSON: " + e.what());
  }
}

class SlapConfigurationRecipe : public build::Recipe {
 public:
  explicit SlapConfigurationRecipe(bool serialised) : serialised_(serialised) {}

  Status Init(const std::string& part, Options& o, const BuildContext& ctx) override {
    std::string url = Opt(o, {"url", "server-url"});
    std::string computer = Opt(o, {"computer", "computer-id"});
    std::string partition = Opt(o, {"partition", "partition-id"});
    if (url.empty() || computer.empty() || partition.empty())
      return InvalidArgument("part [" + part + "]: slapconfiguration needs url, computer and partition");
    slap::SlapClientOptions co;
    co.master_url = url;
    co.http.cert_file = Opt(o, {"cert", "cert-file"});
    co.http.key_file = Opt(o, {"key", "key-file"});
    slap::SlapClient client(co);
    auto inst = client.GetPartition(computer, partition);
    if (!inst.ok()) return inst.status().WithContext("part [" + part + "]: asking " + url + " for " + partition);
    SLAPOS_ASSIGN_OR_RETURN(json params, Parameters(inst->parameters, serialised_, part));
    o["instance-state"] = slap::ToString(inst->state);
    o["slap-software-type"] = inst->software_type;
    o["slap-computer-id"] = computer;
    o["slap-computer-partition-id"] = partition;
    o["slap-software-release-url"] = inst->software_release_uri;
    o["instance-guid"] = inst->instance_guid;
    o["instance-title"] = inst->title.empty() ? "UNKNOWN Instance" : inst->title;
    o["root-instance-title"] = inst->root_instance_title.empty() ? "UNKNOWN" : inst->root_instance_title;
    o["timestamp"] = std::to_string(inst->processing_timestamp);
    std::vector<std::string> v4, v6, taps;
    for (const auto& entry : inst->ip_list) {
      if (entry.size() < 2) continue;
      (entry[1].find(':') == std::string::npos ? v4 : v6).push_back(entry[1]);
      if (!entry[0].empty() && std::find(taps.begin(), taps.end(), entry[0]) == taps.end()) taps.push_back(entry[0]);
    }
    std::sort(v4.begin(), v4.end());
    std::sort(v6.begin(), v6.end());
    o["ipv4"] = Join(v4, "\n");
    o["ipv6"] = Join(v6, "\n");
    o["ipv4-random"] = v4.empty() ? "" : v4.front();
    o["ipv6-random"] = v6.empty() ? "" : v6.front();
    o["tap"] = Join(taps, "\n");
    o["configuration"] = params.dump();
    // Defaults written in the profile as configuration.<key> are overwritten by the parameters.
    for (const auto& [k, v] : params.items())
      if (k.find('=') == std::string::npos && k.find(':') == std::string::npos) o["configuration." + k] = ScalarText(v);
    o["slave-instance-list"] = "[]";
    if (auto hosted = client.HostedInstanceList(inst->instance_guid); hosted.ok()) {
      json list = json::array();
      for (const auto& s : *hosted) {
        auto sp = Parameters(s.parameters, serialised_, part);
        json item = sp.ok() ? *sp : json::object();
        item["slave_reference"] = s.instance_guid;
        item["slave_title"] = s.title;
        list.push_back(item);
      }
      o["slave-instance-list"] = list.dump();
    }
    // The partition's resource file from `slapos node format`, flattened, when not already set.
    auto resource = ReadFile(JoinPath(ctx.directory, ".slapos-resource"));
    if (resource.ok()) {
      try {
        json r = json::parse(*resource);
        auto set = [&](const std::string& k, const std::string& v) {
          if (!o.count(k)) o[k] = v;
        };
        set("tap-name", r.value("tap", ""));
        set("user-name", r.value("user", ""));
        std::string range = r.value("ipv6_range", "");
        set("ipv6-range-network", range);
        set("ipv6-range-addr", range.substr(0, range.find('/')));
      } catch (const std::exception&) {
        // A broken resource file only loses these optional keys.
      }
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string&, const Options&, const BuildContext&) override {
    return std::vector<std::string>{};
  }

 private:
  bool serialised_;
};

class PublishRecipe : public build::Recipe {
 public:
  explicit PublishRecipe(bool serialised) : serialised_(serialised) {}

  Result<std::vector<std::string>> Install(const std::string& part, const Options& o,
                                           const BuildContext& ctx) override {
    SLAPOS_RETURN_IF_ERROR(Publish(part, o, ctx));
    return std::vector<std::string>{};
  }
  Status Update(const std::string& part, const Options& o, const BuildContext& ctx) override {
    return Publish(part, o, ctx);
  }

 private:
  Status Publish(const std::string& part, const Options& o, const BuildContext& ctx) {
    if (!ctx.section) return Internal("part [" + part + "]: publish needs the [slap-connection] section");
    auto conn = ctx.section("slap-connection");
    if (!conn.ok()) return conn.status().WithContext("part [" + part + "]: publish");
    std::string url = Opt(*conn, {"server-url"}), computer = Opt(*conn, {"computer-id"}),
                partition = Opt(*conn, {"partition-id"});
    json values = json::object();
    for (const auto& [k, v] : o) {
      if (k == "recipe" || k.empty() || k[0] == '_' || k == "-extends" || k == "<") continue;
      values[k] = v;
    }
    if (serialised_) values = json{{"_", values.dump()}};
    slap::SlapClientOptions co;
    co.master_url = url;
    co.http.cert_file = Opt(*conn, {"cert-file"});
    co.http.key_file = Opt(*conn, {"key-file"});
    slap::SlapClient client(co);
    auto inst = client.GetPartition(computer, partition);
    if (!inst.ok()) return inst.status().WithContext("part [" + part + "]: asking " + url + " for " + partition);
    Status s = client.PublishConnectionParameters(inst->instance_guid, values.dump());
    return s.ok() ? s : s.WithContext("part [" + part + "]: publishing to " + url);
  }

  bool serialised_;
};

}  // namespace

void RegisterNodeRecipes(build::RecipeRegistry& registry) {
  registry.Register("slapos.cookbook:slapconfiguration", [] { return std::make_unique<SlapConfigurationRecipe>(false); });
  registry.Register("slapos.cookbook:slapconfiguration.serialised",
                    [] { return std::make_unique<SlapConfigurationRecipe>(true); });
  registry.Register("slapos.cookbook:publish", [] { return std::make_unique<PublishRecipe>(false); });
  registry.Register("slapos.cookbook:publish.serialised", [] { return std::make_unique<PublishRecipe>(true); });
  for (bool optional : {false, true})
    for (bool serialised : {false, true}) {
      std::string name = std::string("slapos.cookbook:") + (optional ? "requestoptional" : "request") +
                         (serialised ? ".serialised" : "");
      RequestFlavour flavour{optional, serialised};
      registry.Register(name, [flavour] { return NewRequestRecipe(flavour); });
    }
  registry.Register("slapos.cookbook:switch-softwaretype", NewSwitchSoftwareTypeRecipe);
}

}  // namespace slapos::node
