// A realistic SlapOS instance profile (profiles.md §3.4): buildout sections generated from
// the partition's JSON parameters with loops, macros, an imported macro library,
// conditionals, {% do %} and tojson. Expected outputs were produced by the real Jinja2 3.1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "build/jinja/jinja.h"

namespace slapos::jinja {
namespace {

const char* kInstanceProfile = R"P({#- A SlapOS-style instance profile: buildout sections generated from the
    partition's JSON parameters (slapparameter_dict) with loops, macros and
    conditionals. Rendered once per partition by slapos.recipe.template:jinja2. -#}
{%- set part_list = [] -%}
{%- set url_dict = {} -%}
{%- set frontend_dict = slapparameter_dict.get('frontend', {}) -%}
{%- set port = slapparameter_dict.get('port-base', 8080) | int -%}
{%- import 'promise-lib' as promise -%}

{%- macro service(name, command, port, environment={}) -%}
{%- do part_list.append(name) %}
[{{ name }}]
recipe = slapos.cookbook:wrapper
command-line = {{ command }} --listen [${slap-configuration:ipv6-random}]:{{ port }}
wrapper-path = ${directory:service}/{{ name }}
{%- if environment %}
environment =
{%- for key, value in environment | dictsort %}
  {{ key }}={{ value }}
{%- endfor %}
{%- endif %}

{{ promise.listening(name, port) }}
{%- endmacro -%}

[buildout]
parts =
  directory
  publish-connection-parameter
eggs-directory = {{ buildout['eggs-directory'] }}
develop-eggs-directory = {{ buildout['develop-eggs-directory'] }}
offline = true

[slap-configuration]
recipe = slapos.cookbook:slapconfiguration.serialised
computer = ${slap-connection:computer-id}
partition = ${slap-connection:partition-id}

[directory]
recipe = slapos.cookbook:mkdirectory
etc = ${buildout:directory}/etc
service = ${:etc}/service
var = ${buildout:directory}/var
{%- for name in slapparameter_dict.get('extra-directories', []) %}
{{ name | replace('/', '-') }} = ${:var}/{{ name }}
{%- endfor %}

{% for kind in ['python', 'ruby', 'go'] if kind in slapparameter_dict.get('languages', ['python']) -%}
{%- do url_dict.update({kind: port + loop.index0}) -%}
{{ service('helloweb-' ~ kind, bin_directory ~ '/helloweb-' ~ kind, port + loop.index0,
           {'NAME': slapparameter_dict.get('name', 'John Doe'), 'KIND': kind | upper}) }}
{% endfor -%}

{%- if frontend_dict %}
[frontend]
recipe = slapos.cookbook:requestoptional
name = {{ frontend_dict.get('name', 'Frontend') }}
software-url = {{ frontend_dict['software-url'] }}
shared = true
config-url = http://[${slap-configuration:ipv6-random}]:{{ port }}
{%- if frontend_dict.get('custom-domain') %}
config-custom_domain = {{ frontend_dict['custom-domain'] }}
{%- endif %}
return = secure_access domain
{% endif %}
[publish-connection-parameter]
recipe = slapos.cookbook:publish
name = Hello {{ slapparameter_dict.get('name', 'John Doe') }}!
{%- for kind, kind_port in url_dict | dictsort %}
url-{{ kind }} = http://[${slap-configuration:ipv6-random}]:{{ kind_port }}
{%- endfor %}
{%- if frontend_dict %}
frontend-url = ${frontend:connection-secure_access}
{%- endif %}
parameters = {{ slapparameter_dict | tojson }}
services = {{ part_list | length }}: {{ part_list | join(', ') }}

[buildout]
parts +=
{%- for name in part_list %}
  {{ name }}
  {{ name }}-promise
{%- endfor %}
)P";

const char* kPromiseLib = R"P({% macro listening(name, port) -%}
[{{ name }}-promise]
<= monitor-promise-base
promise = check_socket_listening
name = {{ name }}.py
config-host = ${slap-configuration:ipv6-random}
config-port = {{ port }}
{%- endmacro %}
)P";

nlohmann::json Context(nlohmann::json parameters) {
  return {
      {"buildout",
       {{"eggs-directory", "/opt/slapgrid/abc/eggs"}, {"develop-eggs-directory", "/opt/slapgrid/abc/develop-eggs"}}},
      {"bin_directory", "/opt/slapgrid/abc/bin"},
      {"slapparameter_dict", std::move(parameters)},
  };
}

Result<std::string> RenderProfile(const nlohmann::json& context) {
  RenderOptions options;
  options.template_name = "instance.cfg.in";
  options.loader = [](const std::string& name) -> Result<std::string> {
    if (name == "promise-lib") return std::string(kPromiseLib);
    return NotFound("no importable template '" + name + "' in import-list");
  };
  return Render(kInstanceProfile, context, options);
}

TEST(JinjaProfileTest, FullParameters) {
  nlohmann::json parameters = nlohmann::json::parse(R"({
      "name": "Alice", "port-base": "7777", "languages": ["go", "python"],
      "extra-directories": ["cache", "www/static"],
      "frontend": {"software-url": "http://git.erp5.org/apache-frontend.cfg",
                   "custom-domain": "hello.example.com"}})");
  Result<std::string> out = RenderProfile(Context(parameters));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, R"P([buildout]
parts =
  directory
  publish-connection-parameter
eggs-directory = /opt/slapgrid/abc/eggs
develop-eggs-directory = /opt/slapgrid/abc/develop-eggs
offline = true

[slap-configuration]
recipe = slapos.cookbook:slapconfiguration.serialised
computer = ${slap-connection:computer-id}
partition = ${slap-connection:partition-id}

[directory]
recipe = slapos.cookbook:mkdirectory
etc = ${buildout:directory}/etc
service = ${:etc}/service
var = ${buildout:directory}/var
cache = ${:var}/cache
www-static = ${:var}/www/static


[helloweb-python]
recipe = slapos.cookbook:wrapper
command-line = /opt/slapgrid/abc/bin/helloweb-python --listen [${slap-configuration:ipv6-random}]:7777
wrapper-path = ${directory:service}/helloweb-python
environment =
  KIND=PYTHON
  NAME=Alice

[helloweb-python-promise]
<= monitor-promise-base
promise = check_socket_listening
name = helloweb-python.py
config-host = ${slap-configuration:ipv6-random}
config-port = 7777

[helloweb-go]
recipe = slapos.cookbook:wrapper
command-line = /opt/slapgrid/abc/bin/helloweb-go --listen [${slap-configuration:ipv6-random}]:7778
wrapper-path = ${directory:service}/helloweb-go
environment =
  KIND=GO
  NAME=Alice

[helloweb-go-promise]
<= monitor-promise-base
promise = check_socket_listening
name = helloweb-go.py
config-host = ${slap-configuration:ipv6-random}
config-port = 7778

[frontend]
recipe = slapos.cookbook:requestoptional
name = Frontend
software-url = http://git.erp5.org/apache-frontend.cfg
shared = true
config-url = http://[${slap-configuration:ipv6-random}]:7777
config-custom_domain = hello.example.com
return = secure_access domain

[publish-connection-parameter]
recipe = slapos.cookbook:publish
name = Hello Alice!
url-go = http://[${slap-configuration:ipv6-random}]:7778
url-python = http://[${slap-configuration:ipv6-random}]:7777
frontend-url = ${frontend:connection-secure_access}
parameters = {"extra-directories": ["cache", "www/static"], "frontend": {"custom-domain": "hello.example.com", "software-url": "http://git.erp5.org/apache-frontend.cfg"}, "languages": ["go", "python"], "name": "Alice", "port-base": "7777"}
services = 2: helloweb-python, helloweb-go

[buildout]
parts +=
  helloweb-python
  helloweb-python-promise
  helloweb-go
  helloweb-go-promise)P");
}

TEST(JinjaProfileTest, DefaultParameters) {
  Result<std::string> out = RenderProfile(Context(nlohmann::json::object()));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, R"P([buildout]
parts =
  directory
  publish-connection-parameter
eggs-directory = /opt/slapgrid/abc/eggs
develop-eggs-directory = /opt/slapgrid/abc/develop-eggs
offline = true

[slap-configuration]
recipe = slapos.cookbook:slapconfiguration.serialised
computer = ${slap-connection:computer-id}
partition = ${slap-connection:partition-id}

[directory]
recipe = slapos.cookbook:mkdirectory
etc = ${buildout:directory}/etc
service = ${:etc}/service
var = ${buildout:directory}/var


[helloweb-python]
recipe = slapos.cookbook:wrapper
command-line = /opt/slapgrid/abc/bin/helloweb-python --listen [${slap-configuration:ipv6-random}]:8080
wrapper-path = ${directory:service}/helloweb-python
environment =
  KIND=PYTHON
  NAME=John Doe

[helloweb-python-promise]
<= monitor-promise-base
promise = check_socket_listening
name = helloweb-python.py
config-host = ${slap-configuration:ipv6-random}
config-port = 8080

[publish-connection-parameter]
recipe = slapos.cookbook:publish
name = Hello John Doe!
url-python = http://[${slap-configuration:ipv6-random}]:8080
parameters = {}
services = 1: helloweb-python

[buildout]
parts +=
  helloweb-python
  helloweb-python-promise)P");
}

TEST(JinjaProfileTest, BadParameterIsReportedWithItsLine) {
  // A frontend without software-url: the template indexes it with [] and prints it.
  Result<std::string> out = RenderProfile(Context({{"frontend", {{"name", "F"}}}}));
  ASSERT_TRUE(out.ok()) << out.status().ToString();  // Jinja2 prints a missing item as empty
  EXPECT_NE(out->find("software-url = \n"), std::string::npos) << *out;

  // A non-numeric port: '|int' falls back to 0, as Jinja2 does.
  out = RenderProfile(Context({{"port-base", "http"}}));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NE(out->find("]:0\n"), std::string::npos) << *out;
}

}  // namespace
}  // namespace slapos::jinja
