// The client commands of `slapos` (spec node.md §10, "client commands"): supply, remove,
// request, service list|info, computer list|info|register. They talk to the master's JSON
// API v0 through slap::SlapClient. Normal output goes to stdout; warnings and errors are one
// line on stderr. Exit codes: 0 done, 1 error, 2 "not there yet" (instance not allocated,
// unknown instance or node).
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/parse.h"
#include "slap/client_config.h"
#include "slap/instance_xml.h"
#include "slap/json_codec.h"
#include "slap/request_parameters.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kNotYet = 2;

int Fail(const std::string& command, const Status& st) {
  std::fprintf(stderr, "slapos %s: %s\n", command.c_str(), st.message().c_str());
  return 1;
}

void AddConnectionOptions(CLI::App& app, slap::ClientConfigFlags* f) {
  app.add_option("--cfg", f->cfg,
                 "client configuration file (default: $SLAPOS_CLIENT_CONFIGURATION, else "
                 "~/.slapos/slapos-client.cfg if it exists)");
  app.add_option("--master-url", f->master_url, "URL of the SlapOS master (overrides [slapos] master_url)");
  app.add_option("--cert-file", f->cert_file, "client certificate (PEM) for an https master");
  app.add_option("--key-file", f->key_file, "client key (PEM) for an https master");
  app.add_option("--master-ca-file", f->ca_file, "CA certificate (PEM) the master's certificate must chain to");
}

Result<std::unique_ptr<slap::SlapClient>> Connect(const slap::ClientConfigFlags& flags) {
  const char* home = std::getenv("HOME");
  SLAPOS_ASSIGN_OR_RETURN(slap::ClientConfig config,
                          slap::ResolveClientConfig(flags, std::getenv(slap::kClientConfigEnv),
                                                    home != nullptr ? home : ""));
  return std::make_unique<slap::SlapClient>(slap::ToSlapClientOptions(config));
}

// --- supply / remove ------------------------------------------------------------------------

int RunSupply(const std::string& name, const std::vector<std::string>& args) {
  bool remove = name == "remove";
  CLI::App app(remove ? "Ask a compute node to remove a software release (supply with state destroyed)."
                      : "Ask a compute node to install a software release.",
               "slapos " + name);
  slap::ClientConfigFlags flags;
  std::string url, node;
  app.add_option("SOFTWARE_URL", url, "URL of the software release (software.cfg)")->required();
  app.add_option("NODE", node, "reference of the compute node, e.g. COMP-0")->required();
  AddConnectionOptions(app, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  auto client = Connect(flags);
  if (!client.ok()) return Fail(name, client.status());
  Result<std::string> r = (*client)->Supply(url, node, remove ? slap::SoftwareState::kDestroyed
                                                                 : slap::SoftwareState::kAvailable);
  if (!r.ok()) return Fail(name, r.status());
  std::printf("Done.\n");
  return 0;
}

// --- request --------------------------------------------------------------------------------

// The serialisation the software release declares in SOFTWARE_URL.json, or xml when it has
// no readable schema (SlapOS does the same: no schema, plain parameters).
slap::Serialisation DetectSerialisation(const std::string& url, const std::string& software_type) {
  std::string schema_url = url + ".json";
  std::string text;
  if (StartsWith(schema_url, "http://") || StartsWith(schema_url, "https://")) {
    net::HttpClientOptions o;
    o.timeout_seconds = 10;
    net::HttpClient http(o);
    Result<net::HttpResponse> r = http.Get(schema_url);
    if (!r.ok() || r->status != 200) return slap::Serialisation::kXml;
    text = r->body;
  } else {
    std::string path = StartsWith(schema_url, "file://") ? schema_url.substr(7) : schema_url;
    Result<std::string> r = ReadFile(path);
    if (!r.ok()) return slap::Serialisation::kXml;
    text = *r;
  }
  Result<slap::Serialisation> s = slap::SerialisationFromSchema(text, software_type);
  if (!s.ok()) {
    std::fprintf(stderr, "slapos request: warning: ignoring the schema %s: %s\n", schema_url.c_str(),
                 s.status().message().c_str());
    return slap::Serialisation::kXml;
  }
  return *s;
}

bool IsAllocationPending(const Status& st) {
  return st.code() == Code::kPermissionDenied &&
         (StartsWith(st.message(), "No free computer partition found") ||
          StartsWith(st.message(), "No partition corresponding to"));
}

int RunRequest(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app("Request an instance of a software release (or update it: the same TITLE again), "
               "then print its state and connection parameters.",
               "slapos " + name);
  slap::ClientConfigFlags flags;
  slap::InstanceRequest q;
  std::string state = "started", force_serialisation, parameters_file;
  std::vector<std::string> node_words, parameter_words;
  app.add_option("TITLE", q.title, "title of the instance (unique per person)")->required();
  app.add_option("SOFTWARE_URL", q.software_release_uri, "URL of the software release")->required();
  app.add_option("--type", q.software_type, "software type")->capture_default_str();
  app.add_option("--state", state, "requested state: started, stopped or destroyed")->capture_default_str();
  app.add_flag("--slave,--shared", q.shared, "request a shared instance (slave)");
  app.add_option("--node", node_words, "placement conditions KEY=VALUE (computer_guid=COMP-0, region=eu...)")
      ->expected(1, -1);
  auto* params = app.add_option("--parameters", parameter_words, "instance parameters KEY=VALUE ...")
                     ->expected(1, -1);
  app.add_option("--parameters-file", parameters_file, "instance parameters from a .json or .xml file")
      ->excludes(params);
  app.add_option("--force-serialisation", force_serialisation,
                 "xml or json-in-xml (default: what SOFTWARE_URL.json says, else xml)");
  AddConnectionOptions(app, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  Result<slap::InstanceState> st = slap::ParseInstanceState(state);
  if (!st.ok()) return Fail(name, st.status().WithContext("--state"));
  q.state = *st;
  Result<std::string> sla = slap::ParseKeyValues(node_words, "--node");
  if (!sla.ok()) return Fail(name, sla.status());
  q.sla_parameters = *sla;
  Result<std::string> parameters = parameters_file.empty() ? slap::ParseKeyValues(parameter_words, "--parameters")
                                                           : slap::ReadParametersFile(parameters_file);
  if (!parameters.ok()) return Fail(name, parameters.status());
  slap::Serialisation serialisation = slap::Serialisation::kXml;
  if (!force_serialisation.empty()) {
    Result<slap::Serialisation> s = slap::ParseSerialisation(force_serialisation);
    if (!s.ok()) return Fail(name, s.status().WithContext("--force-serialisation"));
    serialisation = *s;
  } else {
    serialisation = DetectSerialisation(q.software_release_uri, q.software_type);
  }
  q.parameters = *parameters;
  if (serialisation == slap::Serialisation::kJsonInXml) {
    Result<std::string> wrapped = slap::WrapJsonInXml(*parameters);
    if (!wrapped.ok()) return Fail(name, wrapped.status());
    q.parameters = *wrapped;
  }

  auto client = Connect(flags);
  if (!client.ok()) return Fail(name, client.status());
  std::printf("Requesting %s as instance of %s...\n", q.title.c_str(), q.software_release_uri.c_str());
  std::fflush(stdout);
  Result<slap::InstanceAnswer> answer = (*client)->RequestInstance(q);
  if (!answer.ok() && IsAllocationPending(answer.status())) {
    std::fprintf(stderr,
                 "Instance requested. Master is provisioning it. Please rerun in a couple of minutes to get "
                 "connection information. (master: %s)\n",
                 answer.status().message().c_str());
    return kNotYet;
  }
  if (!answer.ok()) return Fail(name, answer.status());
  if (!answer->ready) {
    std::fprintf(stderr,
                 "Instance requested. Master is provisioning it. Please rerun in a couple of minutes to get "
                 "connection information.\n");
    return kNotYet;
  }
  const slap::Instance& instance = answer->instance;
  std::string connection = instance.connection_parameters;
  if (serialisation == slap::Serialisation::kJsonInXml) {
    Result<std::string> unwrapped = slap::UnwrapJsonInXml(connection);
    if (unwrapped.ok()) connection = *unwrapped;
  }
  std::printf("Instance requested.\nState is : %s.\n", slap::ToString(instance.state));
  std::printf("Connection parameters of instance are:\n%s\n", slap::PythonPrettyDict(connection).c_str());
  std::printf("You can rerun the command to get up-to-date information.\n");
  return 0;
}

// --- service list / info --------------------------------------------------------------------

bool IsUnknownTree(const Status& st) {
  return st.code() == Code::kNotFound ||
         (st.code() == Code::kPermissionDenied && StartsWith(st.message(), "No instance tree"));
}

int ServiceList(slap::SlapClient& client) {
  Result<std::vector<std::string>> titles = client.InstanceTreeList();
  if (!titles.ok()) return Fail("service list", titles.status());
  nlohmann::json out = nlohmann::json::object();  // sorted keys, as SlapOS prints them
  for (const std::string& title : *titles) {
    Result<slap::InstanceAnswer> tree = client.GetInstanceTree(title);
    if (!tree.ok()) {
      std::fprintf(stderr, "slapos service list: warning: %s: %s\n", title.c_str(),
                   tree.status().message().c_str());
      continue;
    }
    out[title] = tree->ready ? tree->instance.software_release_uri : "";
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int ServiceInfo(slap::SlapClient& client, const std::string& title, bool news) {
  Result<slap::InstanceAnswer> tree = client.GetInstanceTree(title);
  if (!tree.ok() && IsUnknownTree(tree.status())) {
    std::fprintf(stderr, "Instance %s does not exist.\n", title.c_str());
    return kNotYet;
  }
  if (!tree.ok()) return Fail("service info", tree.status());
  if (!tree->ready) {
    std::fprintf(stderr, "Instance %s is requested but not allocated yet; rerun later.\n", title.c_str());
    return kNotYet;
  }
  const slap::Instance& i = tree->instance;
  Result<std::string> connection = slap::UnwrapJsonInXml(i.connection_parameters);
  Json info = Json::object();
  info["software-url"] = i.software_release_uri;
  info["software-type"] = i.software_type;
  info["shared"] = i.shared;
  info["requested-state"] = slap::ToString(i.state);
  info["instance-parameters"] = Json::parse(i.parameters);
  info["connection-parameters"] = Json::parse(connection.ok() ? *connection : i.connection_parameters);
  // The master's last report on the instance (access_status_message) is its one piece of
  // news: "#access ..." is green, "#error ..." red, as SlapOS colours news; no report yet
  // (or a master that keeps none) stays "unsupported".
  const std::string& message = i.access_status_message;
  if (message.empty()) info["status"] = "unsupported";
  else if (StartsWith(message, "#error")) info["status"] = "red";
  else if (StartsWith(message, "#access")) info["status"] = "green";
  else info["status"] = "none";
  if (news) {
    Json list = Json::array();
    if (!message.empty()) list.push_back(Json{{"text", message}});
    info["news"] = std::move(list);
  }
  std::printf("%s\n", info.dump(2).c_str());
  if (!news && StartsWith(message, "#error")) {
    std::string first_line = message.substr(0, message.find('\n'));
    std::fprintf(stderr, "slapos service info: %s reports an error: %s%s\n", title.c_str(),
                 (first_line.size() > 7 ? first_line.substr(7) : std::string()).c_str(), first_line.size() < message.size() ? " (more with --news)" : "");
  }
  return 0;
}

int RunService(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app("Look at your instances (services).", "slapos " + name);
  app.require_subcommand(1);
  slap::ClientConfigFlags flags;
  CLI::App* list = app.add_subcommand("list", "print {title: software URL} of every instance tree as JSON");
  CLI::App* info = app.add_subcommand("info", "print one instance as JSON");
  std::string title;
  bool news = false;
  info->add_option("TITLE", title, "title of the instance")->required();
  info->add_flag("--news", news, "also print the news: the master's last report on the instance");
  AddConnectionOptions(*list, &flags);
  AddConnectionOptions(*info, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  auto client = Connect(flags);
  std::string cmd = name + (list->parsed() ? " list" : " info");
  if (!client.ok()) return Fail(cmd, client.status());
  if (list->parsed()) return ServiceList(**client);
  return ServiceInfo(**client, title, news);
}

// --- computer list / info / register --------------------------------------------------------

int ComputerList(slap::SlapClient& client) {
  Result<std::vector<std::string>> nodes = client.ComputeNodeList();
  if (!nodes.ok()) return Fail("computer list", nodes.status());
  if (nodes->empty()) {
    std::printf("No existing computer.\n");
    return 0;
  }
  std::printf("List of Computers:\n");
  for (const std::string& n : *nodes) std::printf("%s %s\n", n.c_str(), n.c_str());
  return 0;
}

int ComputerInfo(slap::SlapClient& client, const std::string& reference) {
  Result<slap::ComputeNodeInfo> node = client.GetComputeNode(reference);
  if (!node.ok() && (node.status().code() == Code::kPermissionDenied || node.status().code() == Code::kNotFound) &&
      EndsWith(node.status().message(), "is not registered.")) {
    std::fprintf(stderr, "Computer %s does not exist.\n", reference.c_str());
    return kNotYet;
  }
  if (!node.ok()) return Fail("computer info", node.status());
  std::printf("Computer Reference: %s\n", node->computer_guid.c_str());
  std::printf("Computer Title    : %s\n", node->computer_guid.c_str());
  std::printf("Partitions        : %lld (%lld free)\n", static_cast<long long>(node->partition_count),
              static_cast<long long>(node->free_partition_count));
  for (const auto& [k, v] : node->attributes) std::printf("Attribute         : %s=%s\n", k.c_str(), v.c_str());
  return 0;
}

// IPv4 address number `index` (1-based) of the network "A.B.C.D/P" and its netmask.
Result<std::pair<std::string, std::string>> NthAddress(const std::string& cidr, int index) {
  std::vector<std::string> parts = Split(cidr, '/');
  long long prefix = 0;
  std::vector<std::string> octets = parts.size() == 2 ? Split(parts[0], '.') : std::vector<std::string>{};
  if (octets.size() != 4 || !ParseInt64(parts[1], &prefix) || prefix < 8 || prefix > 30) {
    return InvalidArgument("--ipv4-network '" + cidr + "': expected A.B.C.D/PREFIX with PREFIX 8..30");
  }
  uint32_t base = 0;
  for (const std::string& o : octets) {
    long long v = 0;
    if (!ParseInt64(o, &v) || v < 0 || v > 255) return InvalidArgument("--ipv4-network '" + cidr + "': bad octet");
    base = (base << 8) | static_cast<uint32_t>(v);
  }
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  uint64_t hosts = (uint64_t{1} << (32 - prefix)) - 2;
  if (static_cast<uint64_t>(index) > hosts) {
    return InvalidArgument("--ipv4-network '" + cidr + "' is too small for " + std::to_string(index) + " partitions");
  }
  auto dotted = [](uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) +
           "." + std::to_string(a & 255);
  };
  return std::make_pair(dotted((base & mask) + static_cast<uint32_t>(index)), dotted(mask));
}

int ComputerRegister(slap::SlapClient& client, const std::string& reference, int partitions,
                     const std::string& base_name, const std::string& interface, const std::string& network,
                     const std::vector<std::string>& attribute_words, bool set_attributes) {
  slap::ComputeNodeFormat format;
  format.computer_guid = reference;
  for (int i = 0; i < partitions; ++i) {
    slap::PartitionFormat p;
    p.partition_id = base_name + std::to_string(i);
    Result<std::pair<std::string, std::string>> addr = NthAddress(network, i + 1);
    if (!addr.ok()) return Fail("computer register", addr.status());
    p.ip_list.push_back({addr->first, interface, addr->second, "", ""});
    format.partitions.push_back(std::move(p));
  }
  Result<std::string> attrs = slap::ParseKeyValues(attribute_words, "--attribute");
  if (!attrs.ok()) return Fail("computer register", attrs.status());
  Status st = client.FormatComputeNode(format);
  if (!st.ok()) return Fail("computer register", st);
  if (set_attributes) {
    slap::ComputeNodeAttributes a;
    a.computer_guid = reference;
    nlohmann::json parsed = nlohmann::json::parse(*attrs);
    for (const auto& [k, v] : parsed.items()) a.attributes[k] = v.get<std::string>();
    st = client.SetComputeNodeAttributes(a);
    if (!st.ok()) return Fail("computer register", st.WithContext("node registered, but setting its attributes"));
  }
  std::printf("Computer %s registered with %d partitions.\n", reference.c_str(), partitions);
  return 0;
}

int RunComputer(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app("Look at compute nodes, or register one.", "slapos " + name);
  app.require_subcommand(1);
  slap::ClientConfigFlags flags;
  CLI::App* list = app.add_subcommand("list", "list the registered compute nodes");
  CLI::App* info = app.add_subcommand("info", "show one compute node");
  CLI::App* reg = app.add_subcommand(
      "register",
      "register (or re-format) a compute node with N partitions, as `slapos node format` would "
      "(this project's verb, not SlapOS's)");
  std::string reference, base_name = "slappart", interface = "lo", network = "10.0.0.0/16";
  int partitions = 0;
  std::vector<std::string> attribute_words;
  info->add_option("REFERENCE", reference, "node reference, e.g. COMP-0")->required();
  reg->add_option("REFERENCE", reference, "node reference, e.g. COMP-0")->required();
  reg->add_option("--partitions", partitions, "number of partitions")->required()->check(CLI::Range(0, 100000));
  reg->add_option("--partition-base-name", base_name, "partition ids are BASE0, BASE1, ...")->capture_default_str();
  reg->add_option("--interface", interface, "network interface named in each address")->capture_default_str();
  reg->add_option("--ipv4-network", network, "partition N gets the (N+1)th address of this network")
      ->capture_default_str();
  auto* attr = reg->add_option("--attribute", attribute_words, "node attribute KEY=VALUE (region=eu, ...)")
                   ->expected(1, -1);
  for (CLI::App* sub : {list, info, reg}) AddConnectionOptions(*sub, &flags);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  std::string cmd = name + (list->parsed() ? " list" : info->parsed() ? " info" : " register");
  auto client = Connect(flags);
  if (!client.ok()) return Fail(cmd, client.status());
  if (list->parsed()) return ComputerList(**client);
  if (info->parsed()) return ComputerInfo(**client, reference);
  return ComputerRegister(**client, reference, partitions, base_name, interface, network, attribute_words,
                          attr->count() > 0);
}

}  // namespace

SLAPOS_COMMAND("supply", "ask a compute node to install a software release", RunSupply);
SLAPOS_COMMAND("remove", "ask a compute node to remove a software release", RunSupply);
SLAPOS_COMMAND("request", "request an instance and print its connection parameters", RunRequest);
SLAPOS_COMMAND("service", "service list | service info TITLE: your instances", RunService);
SLAPOS_COMMAND("computer", "computer list | info NODE | register NODE --partitions N", RunComputer);

}  // namespace slapos::cli
