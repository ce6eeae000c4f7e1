#include "master/request_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace slapos::master {
namespace {

using json = nlohmann::json;

const ObjectSpec kSpec{{FieldSpec{"title", JsonType::kString, true, {}, 5},
                        FieldSpec{"state", JsonType::kString, false, {"started", "stopped"}, 0},
                        FieldSpec{"shared", JsonType::kBoolean, false, {}, 0}}};

TEST(MasterRequestCheckTest, AcceptsAValidObject) {
  EXPECT_TRUE(CheckObject(json{{"title", "abc"}, {"state", "stopped"}, {"shared", true}}, kSpec).ok());
}

TEST(MasterRequestCheckTest, NamesTheOffendingField) {
  EXPECT_EQ(CheckObject(json::object(), kSpec).message(), "'title' is a required property");
  EXPECT_EQ(CheckObject(json{{"title", "a"}, {"x", 1}}, kSpec).message(),
            "Additional properties are not allowed ('x' was unexpected)");
  EXPECT_EQ(CheckObject(json{{"title", 1}}, kSpec).message(), "field 'title': 1 is not of type 'string'");
  EXPECT_EQ(CheckObject(json{{"title", "a"}, {"state", "gone"}}, kSpec).message(),
            "field 'state': \"gone\" is not one of ['started', 'stopped']");
  EXPECT_NE(CheckObject(json{{"title", "abcdef"}}, kSpec).message().find("too long"), std::string::npos);
  EXPECT_EQ(CheckObject(json::array(), kSpec).code(), Code::kInvalidArgument);
  // Length counts characters, not bytes.
  EXPECT_TRUE(CheckObject(json{{"title", "\xc3\xa9\xc3\xa9\xc3\xa9"}}, kSpec).ok());
}

TEST(MasterRequestCheckTest, NestedObjectsSayWhere) {
  Status st = CheckObject(json{{"x", 1}}, kSpec, "list[2]");
  EXPECT_NE(st.message().find("list[2]"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace slapos::master
