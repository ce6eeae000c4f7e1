// JSON codecs of the master API v0 responses (json_codec.h).
#include "slap/json_codec.h"

#include "slap/json_reader.h"

namespace slapos::slap {

using namespace internal;  // NOLINT: the codec helpers

// --- responses ------------------------------------------------------------------------------

std::string EncodeSuccess(const Success& s) {
  return Json{{"type", "success"}, {"title", s.title}}.dump();
}

Result<Success> DecodeSuccess(std::string_view text) {
  return DecodeWith<Success>(text, false, [](ObjectReader& r, Success& s) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"title", "type"}));
    std::string type;
    SLAPOS_RETURN_IF_ERROR(r.String("type", &type));
    if (type != "success") return InvalidArgument("'success' was expected, got " + PythonStringRepr(type));
    return r.String("title", &s.title);
  });
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string EncodeErrorBody(const ErrorBody& e) {
  return Json{{"status", e.status}, {"type", e.type}, {"title", e.title}}.dump();
}

Result<ErrorBody> DecodeErrorBody(std::string_view text) {
  return DecodeWith<ErrorBody>(text, false, [](ObjectReader& r, ErrorBody& e) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"status", "title"}));
    int64_t status = 0;
    SLAPOS_RETURN_IF_ERROR(r.Int("status", &status));
    e.status = static_cast<int>(status);
    SLAPOS_RETURN_IF_ERROR(r.String("type", &e.type, false));
    return r.String("title", &e.title);
  });
}

namespace {

Json InstanceJson(const Instance& i) {
  return Json{{"title", i.title},
              {"instance_guid", i.instance_guid},
              {"software_release_uri", i.software_release_uri},
              {"software_type", i.software_type},
              {"state", ToString(i.state)},
              {"connection_parameters", ObjectFromText(i.connection_parameters)},
              {"parameters", ObjectFromText(i.parameters)},
              {"shared", i.shared},
              {"root_instance_title", i.root_instance_title},
              {"ip_list", IpList(i.ip_list)},
              {"full_ip_list", IpList(i.full_ip_list)},
              {"sla_parameters", ObjectFromText(i.sla_parameters)},
              {"computer_guid", i.computer_guid},
              {"compute_partition_id", i.compute_partition_id},
              {"processing_timestamp", i.processing_timestamp},
              {"access_status_message", i.access_status_message}};
}

Status ReadInstance(ObjectReader& r, Instance& i) {
  SLAPOS_RETURN_IF_ERROR(r.Begin({"computer_guid", "instance_guid", "root_instance_title", "title",
                                  "state", "compute_partition_id", "software_release_uri",
                                  "software_type", "shared", "processing_timestamp",
                                  "access_status_message", "parameters", "sla_parameters",
                                  "connection_parameters", "ip_list", "full_ip_list"}));
  SLAPOS_RETURN_IF_ERROR(r.String("title", &i.title));
  SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &i.instance_guid));
  SLAPOS_RETURN_IF_ERROR(r.String("software_release_uri", &i.software_release_uri));
  SLAPOS_RETURN_IF_ERROR(r.String("software_type", &i.software_type));
  SLAPOS_RETURN_IF_ERROR(r.Enum("state", &i.state, ParseInstanceState));
  SLAPOS_RETURN_IF_ERROR(r.Object("connection_parameters", &i.connection_parameters));
  SLAPOS_RETURN_IF_ERROR(r.Object("parameters", &i.parameters));
  SLAPOS_RETURN_IF_ERROR(r.Bool("shared", &i.shared));
  SLAPOS_RETURN_IF_ERROR(r.String("root_instance_title", &i.root_instance_title));
  SLAPOS_RETURN_IF_ERROR(ReadIpList(r, "ip_list", &i.ip_list));
  SLAPOS_RETURN_IF_ERROR(ReadIpList(r, "full_ip_list", &i.full_ip_list));
  SLAPOS_RETURN_IF_ERROR(r.Object("sla_parameters", &i.sla_parameters));
  SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &i.computer_guid));
  SLAPOS_RETURN_IF_ERROR(r.String("compute_partition_id", &i.compute_partition_id));
  SLAPOS_RETURN_IF_ERROR(r.Int("processing_timestamp", &i.processing_timestamp));
  return r.String("access_status_message", &i.access_status_message);
}

}  // namespace

std::string EncodeInstance(const Instance& i) { return InstanceJson(i).dump(); }

Result<Instance> DecodeInstance(std::string_view text) {
  return DecodeWith<Instance>(text, false, ReadInstance);
}

std::string EncodeInstanceAnswer(const InstanceAnswer& a) {
  if (a.ready) return EncodeInstance(a.instance);
  return Json{{"message", a.not_ready.message},
              {"name", a.not_ready.name},
              {"status", a.not_ready.status}}
      .dump();
}

Result<InstanceAnswer> DecodeInstanceAnswer(std::string_view text) {
  SLAPOS_ASSIGN_OR_RETURN(Json j, Parse(text));
  InstanceAnswer a;
  if (j.is_object() && !j.contains("title") && j.contains("message")) {
    ObjectReader r(j, false);
    a.ready = false;
    SLAPOS_RETURN_IF_ERROR(r.Begin({"message", "name", "status"}));
    SLAPOS_RETURN_IF_ERROR(r.String("message", &a.not_ready.message));
    SLAPOS_RETURN_IF_ERROR(r.String("name", &a.not_ready.name));
    int64_t status = 0;
    SLAPOS_RETURN_IF_ERROR(r.Int("status", &status));
    a.not_ready.status = static_cast<int>(status);
    return a;
  }
  ObjectReader r(j, false);
  SLAPOS_RETURN_IF_ERROR(ReadInstance(r, a.instance));
  return a;
}

namespace {

// Reads {"result_list": [objects]} with `item` per element.
template <typename T, typename F>
Result<std::vector<T>> DecodeResultList(std::string_view text, F item) {
  return DecodeWith<std::vector<T>>(text, false, [&](ObjectReader& r, std::vector<T>& out) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"result_list"}));
    return r.Array("result_list", [&](const Json& element) -> Status {
      ObjectReader er(element, false);
      T value{};
      SLAPOS_RETURN_IF_ERROR(item(er, value));
      out.push_back(std::move(value));
      return Status::OK();
    });
  });
}

}  // namespace

std::string EncodeSoftwareInstallationList(const std::vector<SoftwareInstallation>& items) {
  Json list = Json::array();
  for (const SoftwareInstallation& s : items) {
    list.push_back(Json{{"software_release_uri", s.software_release_uri}, {"state", ToString(s.state)}});
  }
  return ResultList(std::move(list)).dump();
}

Result<std::vector<SoftwareInstallation>> DecodeSoftwareInstallationList(
    std::string_view text, std::string_view computer_guid) {
  return DecodeResultList<SoftwareInstallation>(text, [&](ObjectReader& r, SoftwareInstallation& s) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"software_release_uri", "state"}));
    SLAPOS_RETURN_IF_ERROR(r.String("software_release_uri", &s.software_release_uri));
    s.computer_guid = std::string(computer_guid);
    return r.Enum("state", &s.state, ParseSoftwareState);
  });
}

std::string EncodeNodeInstanceList(const std::vector<NodeInstance>& items) {
  Json list = Json::array();
  for (const NodeInstance& n : items) {
    Json j{{"title", n.title}, {"instance_guid", n.instance_guid}, {"state", ToString(n.state)}};
    if (!n.compute_partition_id.empty()) j["compute_partition_id"] = n.compute_partition_id;
    if (!n.software_release_uri.empty()) j["software_release_uri"] = n.software_release_uri;
    list.push_back(std::move(j));
  }
  return ResultList(std::move(list)).dump();
}

Result<std::vector<NodeInstance>> DecodeNodeInstanceList(std::string_view text) {
  return DecodeResultList<NodeInstance>(text, [](ObjectReader& r, NodeInstance& n) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"instance_guid", "title", "state"}));
    SLAPOS_RETURN_IF_ERROR(r.String("title", &n.title));
    SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &n.instance_guid));
    SLAPOS_RETURN_IF_ERROR(r.Enum("state", &n.state, ParseInstanceState));
    SLAPOS_RETURN_IF_ERROR(r.String("compute_partition_id", &n.compute_partition_id, false));
    return r.String("software_release_uri", &n.software_release_uri, false);
  });
}

std::string EncodeSharedInstanceList(const std::vector<SharedInstance>& items) {
  Json list = Json::array();
  for (const SharedInstance& s : items) {
    Json j{{"title", s.title},
           {"instance_guid", s.instance_guid},
           {"software_type", s.software_type},
           {"state", ToString(s.state)},
           {"parameters", ObjectFromText(s.parameters)}};
    if (!s.compute_partition_id.empty()) j["compute_partition_id"] = s.compute_partition_id;
    if (!s.software_release_uri.empty()) j["software_release_uri"] = s.software_release_uri;
    list.push_back(std::move(j));
  }
  return ResultList(std::move(list)).dump();
}

Result<std::vector<SharedInstance>> DecodeSharedInstanceList(std::string_view text) {
  return DecodeResultList<SharedInstance>(text, [](ObjectReader& r, SharedInstance& s) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"instance_guid", "title", "software_type", "state", "parameters"}));
    SLAPOS_RETURN_IF_ERROR(r.String("title", &s.title));
    SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &s.instance_guid));
    SLAPOS_RETURN_IF_ERROR(r.String("software_type", &s.software_type));
    SLAPOS_RETURN_IF_ERROR(r.Enum("state", &s.state, ParseInstanceState));
    SLAPOS_RETURN_IF_ERROR(r.Object("parameters", &s.parameters));
    SLAPOS_RETURN_IF_ERROR(r.String("compute_partition_id", &s.compute_partition_id, false));
    return r.String("software_release_uri", &s.software_release_uri, false);
  });
}

std::string EncodeTitleList(const std::vector<std::string>& titles, std::string_view key) {
  Json list = Json::array();
  for (const std::string& t : titles) list.push_back(Json{{std::string(key), t}});
  return ResultList(std::move(list)).dump();
}

Result<std::vector<std::string>> DecodeTitleList(std::string_view text, std::string_view key_view) {
  std::string key(key_view);
  return DecodeResultList<std::string>(text, [&](ObjectReader& r, std::string& out) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({key.c_str()}));
    return r.String(key.c_str(), &out);
  });
}

std::string EncodeComputeNodeInfo(const ComputeNodeInfo& n) {
  return Json{{"computer_guid", n.computer_guid},
              {"attribute_dict", StringMap(n.attributes)},
              {"partition_count", n.partition_count},
              {"free_partition_count", n.free_partition_count}}
      .dump();
}

Result<ComputeNodeInfo> DecodeComputeNodeInfo(std::string_view text) {
  return DecodeWith<ComputeNodeInfo>(text, false, [](ObjectReader& r, ComputeNodeInfo& n) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"computer_guid"}));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &n.computer_guid));
    SLAPOS_RETURN_IF_ERROR(ReadStringMap(r, "attribute_dict", &n.attributes, false));
    SLAPOS_RETURN_IF_ERROR(r.Int("partition_count", &n.partition_count, false));
    return r.Int("free_partition_count", &n.free_partition_count, false);
  });
}

std::string EncodeCertificate(const Certificate& c) {
  return Json{{"key", c.key}, {"certificate", c.certificate}}.dump();
}

Result<Certificate> DecodeCertificate(std::string_view text) {
  return DecodeWith<Certificate>(text, false, [](ObjectReader& r, Certificate& c) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"key", "certificate"}));
    SLAPOS_RETURN_IF_ERROR(r.String("key", &c.key));
    return r.String("certificate", &c.certificate);
  });
}

std::string EncodeStringResponse(std::string_view key, std::string_view value) {
  return EncodeStringRequest(key, value);
}

Result<std::string> DecodeStringResponse(std::string_view text, std::string_view key_view) {
  std::string key(key_view);
  return DecodeWith<std::string>(text, false, [&](ObjectReader& r, std::string& out) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({key.c_str()}));
    return r.String(key.c_str(), &out);
  });
}

Result<std::string> NormalizeJsonObject(std::string_view text) {
  SLAPOS_ASSIGN_OR_RETURN(Json j, Parse(text));
  if (!j.is_object()) return NotOfType(j, "object");
  return j.dump();
}

std::string PrettyJson(std::string_view text, int indent) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::string(text);
  return j.dump(indent);
}

}  // namespace slapos::slap
