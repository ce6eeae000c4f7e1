#include "node/request_recipe.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "net/http_client.h"
#include "slap/json_codec.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

using build::BuildContext;
using build::Options;
using nlohmann::json;

std::string Get(const Options& o, const std::string& key) {
  auto it = o.find(key);
  return it == o.end() ? "" : std::string(Trim(it->second));
}

// The option, else the [slap-connection] value under one of its spellings.
std::string Connection(const Options& o, const Options& conn, const std::string& key) {
  std::string v = Get(o, key);
  if (!v.empty()) return v;
  v = Get(conn, key);
  if (!v.empty()) return v;
  std::string underscored = key;
  std::replace(underscored.begin(), underscored.end(), '-', '_');
  return Get(conn, underscored);
}

std::string ScalarText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string RecipeName(RequestFlavour f) {
  return std::string("slapos.cookbook:") + (f.optional ? "requestoptional" : "request") +
         (f.serialised ? ".serialised" : "");
}

}  // namespace

Result<RequestSpec> ParseRequestOptions(const std::string& part, const Options& o, const Options& conn,
                                        RequestFlavour flavour) {
  const std::string where = "part [" + part + "] (" + RecipeName(flavour) + ")";
  RequestSpec spec;
  spec.server_url = Connection(o, conn, "server-url");
  spec.computer_id = Connection(o, conn, "computer-id");
  spec.partition_id = Connection(o, conn, "partition-id");
  spec.key_file = Connection(o, conn, "key-file");
  spec.cert_file = Connection(o, conn, "cert-file");
  std::vector<std::string> lacking;
  if (spec.server_url.empty()) lacking.push_back("server-url");
  if (spec.computer_id.empty()) lacking.push_back("computer-id");
  if (spec.partition_id.empty()) lacking.push_back("partition-id");
  if (Get(o, "name").empty()) lacking.push_back("name");
  if (Get(o, "software-url").empty()) lacking.push_back("software-url");
  if (!lacking.empty())
    return InvalidArgument(where + ": missing option(s) " + Join(lacking, ", ") +
                           "; set them in the section or use '<= slap-connection'");
  slap::InstanceRequest& r = spec.request;
  r.title = Get(o, "name");
  if (r.title.size() > 200) return InvalidArgument(where + ": name is longer than 200 characters");
  r.software_release_uri = Get(o, "software-url");
  if (std::string type = Get(o, "software-type"); !type.empty()) r.software_type = type;
  for (const char* key : {"shared", "slave"}) {
    std::string v = Get(o, key);
    if (v.empty()) continue;
    bool b = false;
    if (!ParseBool(v, &b))
      return InvalidArgument(where + ": " + key + " = '" + v + "' is not a boolean (use true or false)");
    r.shared = r.shared || b;
  }
  std::string state = Get(o, "state");
  if (state.empty()) {
    std::string requested = Get(conn, "requested-state");
    if (requested.empty()) requested = Get(conn, "requested");
    state = (requested == "stopped") ? "stopped" : "started";
  }
  auto parsed_state = slap::ParseInstanceState(state);
  if (!parsed_state.ok())
    return InvalidArgument(where + ": state = '" + state + "': " + parsed_state.status().message());
  r.state = *parsed_state;
  json config = json::object(), sla = json::object();
  for (const auto& [k, v] : o) {
    if (StartsWith(k, "config-") && k.size() > 7) config[k.substr(7)] = v;
    if (StartsWith(k, "sla-") && k.size() > 4) sla[k.substr(4)] = std::string(Trim(v));
  }
  r.parameters = flavour.serialised ? json{{"_", config.dump()}}.dump() : config.dump();
  r.sla_parameters = sla.dump();
  spec.return_names = SplitWhitespace(Get(o, "return"));
  return spec;
}

RequestOutputs OutputsFromAnswer(const RequestSpec& spec, const slap::InstanceAnswer& answer,
                                 RequestFlavour flavour) {
  RequestOutputs out;
  json connection = json::object();
  if (answer.ready) {
    try {
      connection = json::parse(answer.instance.connection_parameters.empty() ? "{}"
                                                                             : answer.instance.connection_parameters);
      if (flavour.serialised) {
        json inner = json::object();
        if (connection.is_object() && connection.contains("_") && connection["_"].is_string())
          inner = json::parse(connection["_"].get<std::string>());
        connection = inner;
      }
    } catch (const std::exception&) {
      connection = json::object();
    }
    if (!connection.is_object()) connection = json::object();
  }
  for (const auto& name : spec.return_names) {
    if (connection.contains(name)) {
      out.options["connection-" + name] = ScalarText(connection[name]);
    } else {
      out.options["connection-" + name] = "";
      out.missing.push_back(name);
    }
  }
  out.options["instance-guid"] = answer.ready ? answer.instance.instance_guid : "";
  out.options["instance-state"] = answer.ready ? slap::ToString(answer.instance.state) : "";
  out.options["instance-status"] = answer.ready ? answer.instance.access_status_message : "";
  out.options["requested-state"] = slap::ToString(spec.request.state);
  return out;
}

Status RecordRequestTransaction(const std::string& instance_root, const std::string& partition_id,
                                const std::string& reference) {
  if (instance_root.empty() || partition_id.empty() || reference.empty()) return Status::OK();
  const std::string dir = JoinPath(instance_root, partition_id);
  if (!PathExists(dir)) return Status::OK();  // not a partition of this node: nothing to record
  const std::string path = JoinPath(dir, ".slapos-request-transaction-" + partition_id);
  if (auto existing = ReadFile(path); existing.ok()) {
    for (const auto& line : Split(*existing, '\n'))
      if (Trim(line) == reference) return Status::OK();
  }
  std::ofstream f(path, std::ios::app);
  f << reference << "\n";
  f.close();
  if (!f) return Internal("cannot append to " + path + "; check that the partition user can write it");
  return Status::OK();
}

namespace {

class RequestRecipe : public build::Recipe {
 public:
  explicit RequestRecipe(RequestFlavour flavour) : flavour_(flavour) {}

  Status Init(const std::string& part, Options& o, const BuildContext& ctx) override {
    Options conn;
    if (ctx.section) {
      if (auto c = ctx.section("slap-connection"); c.ok()) conn = *c;
    }
    SLAPOS_ASSIGN_OR_RETURN(RequestSpec spec, ParseRequestOptions(part, o, conn, flavour_));
    part_ = part;
    title_ = spec.request.title;
    slap::InstanceAnswer answer;
    auto asked = Ask(spec);
    if (asked.ok()) {
      answer = *asked;
      if (!answer.ready) request_error_ = Unavailable("instance " + title_ + " is not allocated yet (" +
                                                      answer.not_ready.message + ")");
    } else {
      answer.ready = false;
      request_error_ = asked.status();
    }
    if (!request_error_.ok() && ctx.log)
      ctx.log("part [" + part + "]: request of " + title_ + " failed: " + request_error_.message() +
              (flavour_.optional ? " (optional: going on with empty values)" : ""));
    RequestOutputs outputs = OutputsFromAnswer(spec, answer, flavour_);
    for (auto& [k, v] : outputs.options) o[k] = v;
    missing_ = outputs.missing;
    if (!missing_.empty() && request_error_.ok() && flavour_.optional && ctx.log)
      ctx.log("part [" + part + "]: " + title_ + " has not published " + Join(missing_, ", ") + " yet (optional)");
    if (request_error_.ok()) {
      const char* root = std::getenv("SLAPGRID_INSTANCE_ROOT");
      Status st = RecordRequestTransaction(root ? root : "", spec.partition_id, title_);
      if (!st.ok() && ctx.log) ctx.log("part [" + part + "]: " + st.message());
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options&, const BuildContext&) override {
    SLAPOS_RETURN_IF_ERROR(Check(part));
    return std::vector<std::string>{};
  }
  Status Update(const std::string& part, const Options&, const BuildContext&) override { return Check(part); }

 private:
  // The master's answer to the request, made as the requesting partition's instance.
  Result<slap::InstanceAnswer> Ask(const RequestSpec& spec) {
    slap::SlapClientOptions co;
    co.master_url = spec.server_url;
    co.http.cert_file = spec.cert_file;
    co.http.key_file = spec.key_file;
    slap::SlapClient client(co);
    auto me = client.GetPartition(spec.computer_id, spec.partition_id);
    if (!me.ok())
      return me.status().WithContext("asking " + spec.server_url + " which instance " + spec.computer_id + "/" +
                                     spec.partition_id + " holds");
    std::string url = spec.server_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/";
    url += slap::api::kRequestInstance;
    net::HttpClient http(co.http);
    auto res = http.Send("POST", url, slap::EncodeInstanceRequest(spec.request),
                         {"Content-Type: application/json", "X-SlapOS-Requester-Instance: " + me->instance_guid});
    if (!res.ok()) return res.status().WithContext("requesting " + spec.request.title);
    if (res->status != 200) return slap::MasterError(slap::api::kRequestInstance, res->status, res->body);
    auto answer = slap::DecodeInstanceAnswer(res->body);
    if (!answer.ok()) return answer.status().WithContext("the master's answer to the request of " + spec.request.title);
    return *answer;
  }

  Status Check(const std::string& part) {
    if (flavour_.optional) return Status::OK();
    if (!request_error_.ok())
      return request_error_.WithContext("part [" + part + "]: requesting instance " + title_ +
                                        " (the next run retries)");
    if (!missing_.empty())
      return FailedPrecondition("part [" + part + "]: instance " + title_ + " has not published " +
                                Join(missing_, ", ") + " yet; the next run retries (use requestoptional to go on)");
    return Status::OK();
  }

  RequestFlavour flavour_;
  std::string part_, title_;
  Status request_error_;
  std::vector<std::string> missing_;
};

}  // namespace

std::unique_ptr<build::Recipe> NewRequestRecipe(RequestFlavour flavour) {
  return std::make_unique<RequestRecipe>(flavour);
}

}  // namespace slapos::node
