// JSON codecs of the master API v0 requests (json_codec.h).
#include "slap/json_codec.h"

#include "slap/json_reader.h"

namespace slapos::slap {

using namespace internal;  // NOLINT: the codec helpers

// --- requests -------------------------------------------------------------------------------

std::string EncodeSupplyRequest(const SoftwareInstallation& s) {
  return Json{{"software_release_uri", s.software_release_uri},
              {"computer_guid", s.computer_guid},
              {"state", ToString(s.state)}}
      .dump();
}

Result<SoftwareInstallation> DecodeSupplyRequest(std::string_view text) {
  return DecodeWith<SoftwareInstallation>(text, true, [](ObjectReader& r, SoftwareInstallation& s) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"software_release_uri", "computer_guid"}));
    SLAPOS_RETURN_IF_ERROR(r.String("software_release_uri", &s.software_release_uri));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &s.computer_guid));
    return r.Enum("state", &s.state, ParseSoftwareState, false);
  });
}

std::string EncodeStringRequest(std::string_view key, std::string_view value) {
  return Json{{std::string(key), std::string(value)}}.dump();
}

Result<std::string> DecodeStringRequest(std::string_view text, std::string_view key_view) {
  std::string key(key_view);
  size_t max_len = key == "title" ? kMaxTitleLength : 0;
  return DecodeWith<std::string>(text, true, [&](ObjectReader& r, std::string& out) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({key.c_str()}));
    return r.String(key.c_str(), &out, true, max_len);
  });
}

std::string EncodeEmptyRequest() { return "{}"; }

Status DecodeEmptyRequest(std::string_view text) {
  return DecodeWith<bool>(text, true, [](ObjectReader& r, bool&) { return r.Begin({}); }).status();
}

std::string EncodeSoftwareReport(const SoftwareReport& s) {
  return Json{{"software_release_uri", s.software_release_uri},
              {"computer_guid", s.computer_guid},
              {"reported_state", ToString(s.reported_state)}}
      .dump();
}

Result<SoftwareReport> DecodeSoftwareReport(std::string_view text) {
  return DecodeWith<SoftwareReport>(text, true, [](ObjectReader& r, SoftwareReport& s) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"software_release_uri", "computer_guid", "reported_state"}));
    SLAPOS_RETURN_IF_ERROR(r.String("software_release_uri", &s.software_release_uri));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &s.computer_guid));
    return r.Enum("reported_state", &s.reported_state, ParseSoftwareReportedState);
  });
}

std::string EncodeSoftwareError(const SoftwareError& s) {
  return Json{{"software_release_uri", s.software_release_uri},
              {"computer_guid", s.computer_guid},
              {"message", s.message}}
      .dump();
}

Result<SoftwareError> DecodeSoftwareError(std::string_view text) {
  return DecodeWith<SoftwareError>(text, true, [](ObjectReader& r, SoftwareError& s) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"software_release_uri", "computer_guid", "message"}));
    SLAPOS_RETURN_IF_ERROR(r.String("software_release_uri", &s.software_release_uri));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &s.computer_guid));
    return r.String("message", &s.message);
  });
}

std::string EncodeInstanceRequest(const InstanceRequest& q) {
  return Json{{"title", q.title},
              {"software_release_uri", q.software_release_uri},
              {"software_type", q.software_type},
              {"parameters", ObjectFromText(q.parameters)},
              {"shared", q.shared},
              {"state", ToString(q.state)},
              {"sla_parameters", ObjectFromText(q.sla_parameters)}}
      .dump();
}

Result<InstanceRequest> DecodeInstanceRequest(std::string_view text) {
  return DecodeWith<InstanceRequest>(text, true, [](ObjectReader& r, InstanceRequest& q) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"title", "software_release_uri", "software_type"}));
    SLAPOS_RETURN_IF_ERROR(r.String("title", &q.title, true, kMaxTitleLength));
    SLAPOS_RETURN_IF_ERROR(r.String("software_release_uri", &q.software_release_uri));
    SLAPOS_RETURN_IF_ERROR(r.String("software_type", &q.software_type));
    SLAPOS_RETURN_IF_ERROR(r.Object("parameters", &q.parameters, false));
    SLAPOS_RETURN_IF_ERROR(r.Bool("shared", &q.shared, false));
    SLAPOS_RETURN_IF_ERROR(r.Enum("state", &q.state, ParseInstanceState, false));
    SLAPOS_RETURN_IF_ERROR(r.Object("sla_parameters", &q.sla_parameters, false));
    return CheckSlaParameters(q.sla_parameters);
  });
}

std::string EncodePartitionRef(const PartitionRef& p) {
  return Json{{"computer_guid", p.computer_guid}, {"compute_partition_id", p.compute_partition_id}}
      .dump();
}

Result<PartitionRef> DecodePartitionRef(std::string_view text) {
  return DecodeWith<PartitionRef>(text, true, [](ObjectReader& r, PartitionRef& p) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"computer_guid", "compute_partition_id"}));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &p.computer_guid));
    return r.String("compute_partition_id", &p.compute_partition_id);
  });
}

std::string EncodeConnectionParameterUpdate(const ConnectionParameterUpdate& c) {
  return Json{{"instance_guid", c.instance_guid},
              {"connection_parameter_dict", ObjectFromText(c.connection_parameter_dict)}}
      .dump();
}

Result<ConnectionParameterUpdate> DecodeConnectionParameterUpdate(std::string_view text) {
  return DecodeWith<ConnectionParameterUpdate>(
      text, true, [](ObjectReader& r, ConnectionParameterUpdate& c) {
        SLAPOS_RETURN_IF_ERROR(r.Begin({"instance_guid", "connection_parameter_dict"}));
        SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &c.instance_guid));
        return r.Object("connection_parameter_dict", &c.connection_parameter_dict);
      });
}

std::string EncodeInstanceReport(const InstanceReport& i) {
  return Json{{"instance_guid", i.instance_guid}, {"reported_state", ToString(i.reported_state)}}
      .dump();
}

Result<InstanceReport> DecodeInstanceReport(std::string_view text) {
  return DecodeWith<InstanceReport>(text, true, [](ObjectReader& r, InstanceReport& i) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"instance_guid", "reported_state"}));
    SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &i.instance_guid));
    return r.Enum("reported_state", &i.reported_state, ParseInstanceState);
  });
}

std::string EncodeInstanceMessage(const InstanceMessage& m) {
  return Json{{"instance_guid", m.instance_guid}, {"message", m.message}}.dump();
}

Result<InstanceMessage> DecodeInstanceMessage(std::string_view text) {
  return DecodeWith<InstanceMessage>(text, true, [](ObjectReader& r, InstanceMessage& m) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"instance_guid", "message"}));
    SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &m.instance_guid));
    return r.String("message", &m.message);
  });
}

std::string EncodeInstanceRename(const InstanceRename& m) {
  return Json{{"instance_guid", m.instance_guid}, {"title", m.title}}.dump();
}

Result<InstanceRename> DecodeInstanceRename(std::string_view text) {
  return DecodeWith<InstanceRename>(text, true, [](ObjectReader& r, InstanceRename& m) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"instance_guid", "title"}));
    SLAPOS_RETURN_IF_ERROR(r.String("instance_guid", &m.instance_guid));
    return r.String("title", &m.title, true, kMaxTitleLength);
  });
}

std::string EncodeComputeNodeUsage(const ComputeNodeUsage& u) {
  return Json{{"computer_guid", u.computer_guid}, {"tioxml", u.tioxml}}.dump();
}

Result<ComputeNodeUsage> DecodeComputeNodeUsage(std::string_view text) {
  return DecodeWith<ComputeNodeUsage>(text, true, [](ObjectReader& r, ComputeNodeUsage& u) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"computer_guid", "tioxml"}));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &u.computer_guid));
    return r.String("tioxml", &u.tioxml);
  });
}

std::string EncodeComputeNodeMessage(const ComputeNodeMessage& m) {
  return Json{{"computer_guid", m.computer_guid}, {"message", m.message}}.dump();
}

Result<ComputeNodeMessage> DecodeComputeNodeMessage(std::string_view text) {
  return DecodeWith<ComputeNodeMessage>(text, true, [](ObjectReader& r, ComputeNodeMessage& m) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"computer_guid", "message"}));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &m.computer_guid));
    return r.String("message", &m.message);
  });
}

std::string EncodeComputeNodeFormat(const ComputeNodeFormat& f) {
  Json partitions = Json::array();
  for (const PartitionFormat& p : f.partitions) {
    Json ips = Json::array();
    for (const PartitionAddress& a : p.ip_list) {
      Json ip{{"ip-address", a.ip_address}};
      if (!a.network_interface.empty()) ip["network-interface"] = a.network_interface;
      if (!a.netmask.empty()) ip["netmask"] = a.netmask;
      if (!a.network_address.empty()) ip["network-address"] = a.network_address;
      if (!a.gateway_ip_address.empty()) ip["gateway-ip-address"] = a.gateway_ip_address;
      ips.push_back(std::move(ip));
    }
    partitions.push_back(Json{{"partition_id", p.partition_id}, {"ip_list", std::move(ips)}});
  }
  return Json{{"computer_guid", f.computer_guid}, {"compute_partition_list", std::move(partitions)}}
      .dump();
}

Result<ComputeNodeFormat> DecodeComputeNodeFormat(std::string_view text) {
  return DecodeWith<ComputeNodeFormat>(text, true, [](ObjectReader& r, ComputeNodeFormat& f) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"compute_partition_list", "computer_guid"}));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &f.computer_guid));
    return r.Array("compute_partition_list", [&f](const Json& item) -> Status {
      ObjectReader pr(item, /*strict_keys=*/false);  // the schema allows extra partition keys
      PartitionFormat p;
      SLAPOS_RETURN_IF_ERROR(pr.Begin({"partition_id"}));
      SLAPOS_RETURN_IF_ERROR(pr.String("partition_id", &p.partition_id));
      SLAPOS_RETURN_IF_ERROR(pr.Array("ip_list", [&p](const Json& ip) -> Status {
        ObjectReader ar(ip, false);
        PartitionAddress a;
        SLAPOS_RETURN_IF_ERROR(ar.Begin({"ip-address"}));
        SLAPOS_RETURN_IF_ERROR(ar.String("ip-address", &a.ip_address));
        SLAPOS_RETURN_IF_ERROR(ar.String("network-interface", &a.network_interface, false));
        SLAPOS_RETURN_IF_ERROR(ar.String("netmask", &a.netmask, false));
        SLAPOS_RETURN_IF_ERROR(ar.String("network-address", &a.network_address, false));
        SLAPOS_RETURN_IF_ERROR(ar.String("gateway-ip-address", &a.gateway_ip_address, false));
        p.ip_list.push_back(std::move(a));
        return Status::OK();
      }, false));
      f.partitions.push_back(std::move(p));
      return Status::OK();
    });
  });
}

std::string EncodeComputeNodeAttributes(const ComputeNodeAttributes& a) {
  return Json{{"computer_guid", a.computer_guid}, {"attribute_dict", StringMap(a.attributes)}}.dump();
}

Result<ComputeNodeAttributes> DecodeComputeNodeAttributes(std::string_view text) {
  return DecodeWith<ComputeNodeAttributes>(text, true, [](ObjectReader& r, ComputeNodeAttributes& a) {
    SLAPOS_RETURN_IF_ERROR(r.Begin({"computer_guid", "attribute_dict"}));
    SLAPOS_RETURN_IF_ERROR(r.String("computer_guid", &a.computer_guid));
    return ReadStringMap(r, "attribute_dict", &a.attributes);
  });
}

}  // namespace slapos::slap
