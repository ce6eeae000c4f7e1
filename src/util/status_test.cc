#include "util/status.h"

#include <gtest/gtest.h>

namespace slapos {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  SLAPOS_ASSIGN_OR_RETURN(int h, Half(x));
  SLAPOS_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::OK();
}

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = NotFound("partition slappart3");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NotFound: partition slappart3");
  EXPECT_EQ(s.WithContext("node COMP-1").message(), "node COMP-1: partition slappart3");
}

TEST(Status, ResultPropagates) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  Status s = Quarter(6, &q);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "3 is odd");
}

}  // namespace
}  // namespace slapos
