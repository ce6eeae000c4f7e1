#include "build/lang/condition.h"

#include <gtest/gtest.h>

namespace slapos::build::lang {
namespace {

bool Eval(const std::string& e) {
  ConditionEnv env;  // Python 3.11 on x86_64 Linux
  env.os_release["ID"] = "debian";
  env.os_release["VERSION_ID"] = "12";
  Result<bool> r = EvaluateCondition(e, env);
  EXPECT_TRUE(r.ok()) << e << ": " << r.status().ToString();
  return r.ok() && *r;
}

TEST(BuildoutCondition, BuildoutFlags) {
  EXPECT_TRUE(Eval("python3"));
  EXPECT_FALSE(Eval("python2"));
  EXPECT_TRUE(Eval("python311"));
  EXPECT_FALSE(Eval("python310"));
  EXPECT_TRUE(Eval("bits64 and not bits32"));
  EXPECT_TRUE(Eval("linux and posix and cpython and little_endian"));
  EXPECT_FALSE(Eval("windows or macosx or pypy"));
}

TEST(BuildoutCondition, PythonExpressionsSlaposUses) {
  EXPECT_TRUE(Eval("linux and platform.machine() == \"x86_64\""));
  EXPECT_FALSE(Eval("platform.machine() in ('aarch64', 'armv7l')"));
  EXPECT_FALSE(Eval("sys.version_info < (3,8)"));
  EXPECT_TRUE(Eval("sys.version_info >= (3, 11)"));
  EXPECT_TRUE(Eval("platform.freedesktop_os_release()['ID'] == 'debian'"));
  EXPECT_TRUE(Eval("platform.freedesktop_os_release().get('VERSION_ID') == '12'"));
  EXPECT_TRUE(Eval("os.path.isdir('/')"));
  EXPECT_FALSE(Eval("os.path.isdir('/nonexistent-dir-xyz')"));
  EXPECT_TRUE(Eval("os.access('/bin/sh', os.X_OK)"));
  EXPECT_TRUE(Eval("'ID=' in open('/etc/os-release').read()"));
  EXPECT_TRUE(Eval("sys.version_info.major == 3"));
}

TEST(BuildoutCondition, Pep508Markers) {
  EXPECT_TRUE(Eval("python_version >= \"3.0\" and sys_platform == \"linux\""));
  EXPECT_TRUE(Eval("python_version >= \"3.9\""));  // version order, not string order
  EXPECT_FALSE(Eval("python_version < '3.10'"));
  EXPECT_TRUE(Eval("platform_machine == 'x86_64' and os_name == 'posix'"));
  EXPECT_TRUE(Eval("'linux' in sys_platform"));
}

TEST(BuildoutCondition, ErrorsSayWhat) {
  ConditionEnv env;
  Result<bool> r = EvaluateCondition("foo and python3", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "name 'foo' is not defined");
  r = EvaluateCondition("python3 and (", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "unexpected end of expression");
  r = EvaluateCondition("platform.nothing()", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "module 'platform' has no attribute 'nothing' that this engine knows");
}

}  // namespace
}  // namespace slapos::build::lang
