// TioXML: partition consumption files in, the node's aggregate journal out (node.md §6.2).
#include "slap/usage.h"

#include <gtest/gtest.h>

namespace slapos::slap {
namespace {

const char kConsumption[] = R"(<?xml version="1.0" encoding="utf-8"?>
<consumption>
  <movement>
    <resource>CPU Consumption</resource>
    <title>CPU Consumption of the partition</title>
    <reference>whatever</reference>
    <quantity>42.5</quantity>
    <price>0.00</price>
    <VAT>None</VAT>
    <category>Daily</category>
  </movement>
  <movement>
    <resource>Memory Used</resource>
    <quantity>1024</quantity>
    <price>0</price>
    <VAT></VAT>
  </movement>
</consumption>
)";

TEST(SlapUsageTest, ParsesPartitionConsumption) {
  Result<std::vector<UsageMovement>> m = ParsePartitionConsumption(kConsumption);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].resource, "CPU Consumption");
  EXPECT_EQ((*m)[0].title, "CPU Consumption of the partition");
  EXPECT_DOUBLE_EQ((*m)[0].quantity, 42.5);
  EXPECT_EQ((*m)[0].vat, "None");
  EXPECT_EQ((*m)[0].categories, std::vector<std::string>{"Daily"});
  EXPECT_DOUBLE_EQ((*m)[1].quantity, 1024);
  EXPECT_EQ((*m)[1].title, "");
}

TEST(SlapUsageTest, RejectsInvalidConsumptionWithReasons) {
  EXPECT_EQ(ParsePartitionConsumption("<consumption/>").status().message(),
            "<consumption> holds no <movement>");
  EXPECT_EQ(ParsePartitionConsumption("<journal/>").status().message(),
            "usage XML root is <journal>, expected <consumption>");
  EXPECT_EQ(ParsePartitionConsumption(
                "<consumption><movement><resource>r</resource><quantity>x</quantity>"
                "<price>0</price><VAT/></movement></consumption>")
                .status().message(),
            "movement 1: <quantity> is not a number: 'x'");
  EXPECT_EQ(ParsePartitionConsumption(
                "<consumption><movement><quantity>1</quantity><price>0</price><VAT/></movement></consumption>")
                .status().message(),
            "movement 1: <resource> is missing");
  EXPECT_NE(ParsePartitionConsumption("<consumption>").status().message().find("malformed"),
            std::string::npos);
}

TEST(SlapUsageTest, BuildsTheNodeReportJournal) {
  std::vector<UsageMovement> p0 = *ParsePartitionConsumption(kConsumption);
  UsageJournal j = BuildUsageReport("COMP-0", "2026-11-21 at 23:59:00",
                                    {{"slappart0", p0}, {"slappart3", {p0[1]}}});
  std::string xml = WriteTioXml(j);
  EXPECT_NE(xml.find("<transaction type=\"Sale Packing List\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<title>Resource consumptions</title>"), std::string::npos);
  EXPECT_NE(xml.find("<start_date></start_date>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<stop_date>2026-11-21 at 23:59:00</stop_date>"), std::string::npos);
  EXPECT_NE(xml.find("<arrow type=\"Administration\">"), std::string::npos);
  // Element order of the TioXML schema inside a transaction.
  EXPECT_LT(xml.find("<reference>COMP-0</reference>"), xml.find("<currency"));
  EXPECT_LT(xml.find("<payment_mode"), xml.find("<arrow"));
  EXPECT_LT(xml.find("<arrow"), xml.find("<movement>"));

  Result<UsageJournal> back = ParseTioXml(xml);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << xml;
  ASSERT_EQ(back->transactions.size(), 1u);
  const UsageTransaction& tx = back->transactions[0];
  EXPECT_EQ(tx.reference, "COMP-0");
  EXPECT_EQ(tx.start_date, "");
  ASSERT_EQ(tx.movements.size(), 3u);
  EXPECT_EQ(tx.movements[0].reference, "slappart0");  // overwritten with the partition id
  EXPECT_EQ(tx.movements[1].reference, "slappart0");
  EXPECT_EQ(tx.movements[2].reference, "slappart3");
  EXPECT_DOUBLE_EQ(tx.movements[0].quantity, 42.5);
  EXPECT_EQ(tx.movements[0].categories, std::vector<std::string>{"Daily"});
}

TEST(SlapUsageTest, ParseTioXmlChecksTheSchema) {
  EXPECT_EQ(ParseTioXml("<journal/>").status().message(), "<journal> holds no <transaction>");
  EXPECT_EQ(ParseTioXml("<journal><transaction><start_date/></transaction></journal>").status().message(),
            "transaction 1: attribute 'type' is missing");
  EXPECT_EQ(ParseTioXml("<journal><transaction type=\"t\"><start_date/><stop_date/><reference/>"
                        "<currency/><payment_mode/></transaction></journal>")
                .status().message(),
            "transaction 1: no <arrow>");
}

TEST(SlapUsageTest, ConsumptionWriterRoundTrips) {
  std::vector<UsageMovement> m = *ParsePartitionConsumption(kConsumption);
  Result<std::vector<UsageMovement>> back = ParsePartitionConsumption(WritePartitionConsumption(m));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].reference, "whatever");
}

}  // namespace
}  // namespace slapos::slap
