#include "slap/usage.h"

#include <pugixml.hpp>

#include <cstdlib>
#include <sstream>

namespace slapos::slap {

namespace {

Result<double> ParseNumber(const pugi::xml_node& n, const char* name, const std::string& where) {
  pugi::xml_node e = n.child(name);
  if (!e) return InvalidArgument(where + ": <" + name + "> is missing");
  std::string text = e.child_value();
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end == nullptr || *end != '\0') {
    return InvalidArgument(where + ": <" + name + "> is not a number: '" + text + "'");
  }
  return v;
}

Result<UsageMovement> ReadMovement(const pugi::xml_node& m, const std::string& where) {
  UsageMovement out;
  pugi::xml_node resource = m.child("resource");
  if (!resource) return InvalidArgument(where + ": <resource> is missing");
  out.resource = resource.child_value();
  out.title = m.child("title").child_value();
  out.reference = m.child("reference").child_value();
  SLAPOS_ASSIGN_OR_RETURN(out.quantity, ParseNumber(m, "quantity", where));
  SLAPOS_ASSIGN_OR_RETURN(out.price, ParseNumber(m, "price", where));
  if (!m.child("VAT")) return InvalidArgument(where + ": <VAT> is missing");
  out.vat = m.child("VAT").child_value();
  for (pugi::xml_node c : m.children("category")) out.categories.push_back(c.child_value());
  return out;
}

Result<pugi::xml_node> LoadRoot(pugi::xml_document* doc, std::string_view xml, const char* root_name) {
  pugi::xml_parse_result parsed = doc->load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return InvalidArgument(std::string("usage XML is malformed at byte ") + std::to_string(parsed.offset) +
                           ": " + parsed.description());
  }
  pugi::xml_node root = doc->document_element();
  if (std::string(root.name()) != root_name) {
    return InvalidArgument(std::string("usage XML root is <") + root.name() + ">, expected <" +
                           root_name + ">");
  }
  return root;
}

std::string Number(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

void AddText(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}

void AppendMovement(pugi::xml_node parent, const UsageMovement& m) {
  pugi::xml_node node = parent.append_child("movement");
  AddText(node, "resource", m.resource);
  if (!m.title.empty()) AddText(node, "title", m.title);
  if (!m.reference.empty()) AddText(node, "reference", m.reference);
  AddText(node, "quantity", Number(m.quantity));
  AddText(node, "price", Number(m.price));
  AddText(node, "VAT", m.vat);
  for (const std::string& c : m.categories) AddText(node, "category", c);
}

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace

Result<std::vector<UsageMovement>> ParsePartitionConsumption(std::string_view xml) {
  pugi::xml_document doc;
  SLAPOS_ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, xml, "consumption"));
  std::vector<UsageMovement> out;
  int index = 0;
  for (pugi::xml_node m : root.children("movement")) {
    SLAPOS_ASSIGN_OR_RETURN(UsageMovement movement,
                            ReadMovement(m, "movement " + std::to_string(++index)));
    out.push_back(std::move(movement));
  }
  if (out.empty()) return InvalidArgument("<consumption> holds no <movement>");
  return out;
}

std::string WritePartitionConsumption(const std::vector<UsageMovement>& movements) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("consumption");
  for (const UsageMovement& m : movements) AppendMovement(root, m);
  return Serialize(doc);
}

Result<UsageJournal> ParseTioXml(std::string_view xml) {
  pugi::xml_document doc;
  SLAPOS_ASSIGN_OR_RETURN(pugi::xml_node root, LoadRoot(&doc, xml, "journal"));
  UsageJournal journal;
  int ti = 0;
  for (pugi::xml_node t : root.children("transaction")) {
    std::string where = "transaction " + std::to_string(++ti);
    UsageTransaction tx;
    if (!t.attribute("type")) return InvalidArgument(where + ": attribute 'type' is missing");
    tx.type = t.attribute("type").value();
    tx.title = t.child("title").child_value();
    for (const char* required : {"start_date", "stop_date", "reference", "currency", "payment_mode"}) {
      if (!t.child(required)) return InvalidArgument(where + ": <" + required + "> is missing");
    }
    tx.start_date = t.child("start_date").child_value();
    tx.stop_date = t.child("stop_date").child_value();
    tx.reference = t.child("reference").child_value();
    tx.currency = t.child("currency").child_value();
    tx.payment_mode = t.child("payment_mode").child_value();
    for (pugi::xml_node c : t.children("category")) tx.categories.push_back(c.child_value());
    for (pugi::xml_node a : t.children("arrow")) {
      if (!a.attribute("type")) return InvalidArgument(where + ": an <arrow> has no 'type'");
      tx.arrows.push_back({a.attribute("type").value(), a.child("source").child_value(),
                           a.child("destination").child_value()});
    }
    if (tx.arrows.empty()) return InvalidArgument(where + ": no <arrow>");
    int mi = 0;
    for (pugi::xml_node m : t.children("movement")) {
      SLAPOS_ASSIGN_OR_RETURN(UsageMovement movement,
                              ReadMovement(m, where + ", movement " + std::to_string(++mi)));
      tx.movements.push_back(std::move(movement));
    }
    if (tx.movements.empty()) return InvalidArgument(where + ": no <movement>");
    journal.transactions.push_back(std::move(tx));
  }
  if (journal.transactions.empty()) return InvalidArgument("<journal> holds no <transaction>");
  return journal;
}

std::string WriteTioXml(const UsageJournal& journal) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("journal");
  for (const UsageTransaction& tx : journal.transactions) {
    pugi::xml_node t = root.append_child("transaction");
    t.append_attribute("type").set_value(tx.type.c_str());
    if (!tx.title.empty()) AddText(t, "title", tx.title);
    AddText(t, "start_date", tx.start_date);
    AddText(t, "stop_date", tx.stop_date);
    AddText(t, "reference", tx.reference);
    AddText(t, "currency", tx.currency);
    AddText(t, "payment_mode", tx.payment_mode);
    for (const std::string& c : tx.categories) AddText(t, "category", c);
    for (const UsageArrow& a : tx.arrows) {
      pugi::xml_node arrow = t.append_child("arrow");
      arrow.append_attribute("type").set_value(a.type.c_str());
      AddText(arrow, "source", a.source);
      AddText(arrow, "destination", a.destination);
    }
    for (const UsageMovement& m : tx.movements) AppendMovement(t, m);
  }
  return Serialize(doc);
}

UsageJournal BuildUsageReport(
    const std::string& computer_id, const std::string& stop_date,
    const std::vector<std::pair<std::string, std::vector<UsageMovement>>>& partition_movements) {
  UsageTransaction tx;
  tx.type = "Sale Packing List";
  tx.title = "Resource consumptions";
  tx.stop_date = stop_date;
  tx.reference = computer_id;
  tx.arrows.push_back({"Administration", "", ""});
  for (const auto& [partition_id, movements] : partition_movements) {
    for (UsageMovement m : movements) {
      m.reference = partition_id;
      tx.movements.push_back(std::move(m));
    }
  }
  UsageJournal journal;
  journal.transactions.push_back(std::move(tx));
  return journal;
}

}  // namespace slapos::slap
