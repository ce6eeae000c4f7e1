// What a running master keeps of nodes' reports, read as an operator does: the real binary,
// real HTTP on loopback, `slapos master usage | software | backup FILE`, and a restore of the
// backup served by a second master.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "master_process.h"
#include "util/file.h"
#include "util/process.h"

namespace slapos::master_test {
namespace {

using json = nlohmann::json;

constexpr char kSr[] = "http://sr/software.cfg";

std::string Journal(const std::string& computer, const std::string& quantity) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><journal><transaction type=\"Sale Packing "
         "List\">"
         "<title>Resource consumptions</title><start_date></start_date><stop_date>2026-11-21 at "
         "23:59:00</stop_date>"
         "<reference>" +
         computer +
         "</reference><currency></currency><payment_mode></payment_mode><arrow "
         "type=\"Administration\">"
         "<source></source><destination></destination></arrow><movement><resource>CPU</resource>"
         "<reference>slappart0</reference><quantity>" +
         quantity + "</quantity><price>0.0</price><VAT></VAT></movement></transaction></journal>";
}

class MasterAdminTest : public RunningMasterTest {
 protected:
  MasterAdminTest() : RunningMasterTest("slapos-master-admin") {}
  ProcessResult Slapos(const std::vector<std::string>& args) {
    ProcessOptions o;
    o.argv = {testing::SlaposBinary()};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.timeout_seconds = 30;
    auto r = RunProcess(o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ProcessResult{};
  }
  void Populate() {
    Ok("put.v0.compute_node_format",
       {{"computer_guid", "COMP-0"},
        {"compute_partition_list", json::array({{{"partition_id", "slappart0"}}})}});
    Ok("post.v0.software_installation",
       {{"software_release_uri", kSr}, {"computer_guid", "COMP-0"}});
    Ok("put.v0.software_installation_error", {{"software_release_uri", kSr},
                                              {"computer_guid", "COMP-0"},
                                              {"message", "Error: gcc not found"}});
    Ok("post.v0.software_instance",
       {{"title", "db"}, {"software_release_uri", kSr}, {"software_type", "default"}});
    Ok("put.v0.software_instance_error",
       {{"instance_guid", "db______0"}, {"message", "promise failed"}});
    Ok("post.v0.compute_node_usage",
       {{"computer_guid", "COMP-0"}, {"tioxml", Journal("COMP-0", "1.5")}});
    Ok("post.v0.compute_node_usage",
       {{"computer_guid", "COMP-0"}, {"tioxml", Journal("COMP-0", "2.5")}});
  }
};

TEST_F(MasterAdminTest, UsageAndSoftwareReportsReadFromTheRunningMaster) {
  Populate();
  auto [status, refused] =
      Call("post.v0.compute_node_usage", {{"computer_guid", "COMP-0"}, {"tioxml", "<journal>"}});
  EXPECT_EQ(status, 400) << refused;

  ProcessResult usage = Slapos({"master", "usage", "--master-url", Url()});
  ASSERT_EQ(usage.exit_code, 0) << usage.output;
  json list = json::parse(usage.output, nullptr, false);
  ASSERT_FALSE(list.is_discarded()) << usage.output;
  ASSERT_EQ(list["result_list"].size(), 2u) << usage.output;
  EXPECT_EQ(list["result_list"][0]["computer_guid"], "COMP-0");
  EXPECT_EQ(list["result_list"][1]["tioxml"], Journal("COMP-0", "2.5"));

  ProcessResult xml =
      Slapos({"master", "usage", "--master-url", Url(), "--format", "xml", "--computer", "COMP-0"});
  ASSERT_EQ(xml.exit_code, 0) << xml.output;
  EXPECT_NE(xml.output.find("<usage_list>"), std::string::npos) << xml.output;
  EXPECT_NE(xml.output.find("<quantity>2.5</quantity>"), std::string::npos) << xml.output;

  ProcessResult future =
      Slapos({"master", "usage", "--master-url", Url(), "--since", "2999-01-01"});
  ASSERT_EQ(future.exit_code, 0) << future.output;
  EXPECT_EQ(json::parse(future.output)["result_list"].size(), 0u);
  ProcessResult bad_since =
      Slapos({"master", "usage", "--master-url", Url(), "--since", "yesterday"});
  EXPECT_NE(bad_since.exit_code, 0);
  EXPECT_NE(bad_since.output.find("--since 'yesterday'"), std::string::npos) << bad_since.output;

  ProcessResult software = Slapos({"master", "software", "--master-url", Url()});
  ASSERT_EQ(software.exit_code, 0) << software.output;
  json sw = json::parse(software.output, nullptr, false);
  ASSERT_EQ(sw["result_list"].size(), 1u) << software.output;
  EXPECT_EQ(sw["result_list"][0]["reported_state"], "error");
  EXPECT_EQ(sw["result_list"][0]["error_message"], "Error: gcc not found");

  // The requester sees why the instance fails: in the document and with `slapos service info`.
  EXPECT_EQ(Ok("get.v0.instance_tree", {{"title", "db"}})["access_status_message"],
            "#error promise failed");
  ProcessResult info = Slapos({"service", "info", "db", "--news", "--master-url", Url()});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  json shown = json::parse(info.output, nullptr, false);
  ASSERT_FALSE(shown.is_discarded()) << info.output;
  EXPECT_EQ(shown["status"], "red");
  EXPECT_EQ(shown["news"], json::parse(R"([{"text": "#error promise failed"}])"));
  ProcessResult brief = Slapos({"service", "info", "db", "--master-url", Url()});
  EXPECT_NE(brief.output.find("db reports an error: promise failed"), std::string::npos)
      << brief.output;
  Ok("put.v0.software_instance_reported_state",
     {{"instance_guid", "db______0"}, {"reported_state", "started"}});
  info = Slapos({"service", "info", "db", "--master-url", Url()});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_EQ(json::parse(info.output, nullptr, false)["status"], "green") << info.output;

  for (const char* word : {"usage", "software", "backup"}) {
    ProcessResult help = Slapos({"master", word, "--help"});
    EXPECT_EQ(help.exit_code, 0) << word;
    EXPECT_NE(help.output.find("--master-url"), std::string::npos) << help.output;
  }
  ProcessResult nobody = Slapos({"master", "usage", "--master-url", "http://127.0.0.1:1"});
  EXPECT_NE(nobody.exit_code, 0);
  EXPECT_NE(nobody.output.find("http://127.0.0.1:1"), std::string::npos) << nobody.output;
}

TEST_F(MasterAdminTest, BackupOfTheLiveDatabaseRestoresIntoAnotherMaster) {
  Populate();
  std::string copy = dir_.Join("backup.db");
  ProcessResult backup = Slapos({"master", "backup", copy, "--master-url", Url()});
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(backup.output.find("integrity ok"), std::string::npos) << backup.output;
  EXPECT_TRUE(PathExists(copy));

  // The live master keeps serving; the copy is a whole master database.
  Ok("post.v0.compute_node_usage",
     {{"computer_guid", "COMP-0"}, {"tioxml", Journal("COMP-0", "9")}});
  MasterProcess restored(copy);
  ASSERT_TRUE(restored.ready()) << "a master on the backup did not start; see "
                                << restored.log_path();
  HttpConnection c(restored.port());
  HttpResult r =
      c.Send("POST", "/slapos.get.v0.software_instance", R"({"instance_guid":"db______0"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["access_status_message"], "#error promise failed");
  ProcessResult usage = Slapos(
      {"master", "usage", "--master-url", "http://127.0.0.1:" + std::to_string(restored.port())});
  ASSERT_EQ(usage.exit_code, 0) << usage.output;
  EXPECT_EQ(json::parse(usage.output)["result_list"].size(), 2u)
      << "the copy was taken before the third report";

  ProcessResult unwritable =
      Slapos({"master", "backup", "/nonexistent-dir/b.db", "--master-url", Url()});
  EXPECT_NE(unwritable.exit_code, 0);
  EXPECT_NE(unwritable.output.find("/nonexistent-dir/b.db"), std::string::npos)
      << unwritable.output;
}

}  // namespace
}  // namespace slapos::master_test
