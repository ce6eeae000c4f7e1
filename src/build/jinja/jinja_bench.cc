// Benchmarks of the Jinja2 renderer (Google Benchmark). Run:
//   build-jinja/src/build/jinja/jinja_bench
// Figures are in docs/jinja.md ("Performance").
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <string>

#include "build/jinja/jinja.h"

namespace {

using slapos::jinja::Render;
using slapos::jinja::RenderOptions;

// A profile shaped like the SlapOS ones: a macro per service, loops over parameters.
const char* kProfile = R"({% macro service(name, port, env) -%}
[{{ name }}]
recipe = slapos.cookbook:wrapper
command-line = {{ bin }}/{{ name }} --port {{ port }}
wrapper-path = ${directory:service}/{{ name }}
{%- for k, v in env|dictsort %}
  {{ k }}={{ v }}
{%- endfor %}
{%- endmacro %}
[buildout]
parts =
{%- for s in params.services %}
  {{ s.name }}
{%- endfor %}
{% for s in params.services if s.enabled|default(true) %}
{{ service(s.name, params['port-base']|int + loop.index0, {'NAME': s.name|upper, 'INDEX': loop.index}) }}
{% endfor %}
[publish]
{%- for s in params.services %}
url-{{ s.name }} = http://[{{ ipv6 }}]:{{ params['port-base']|int + loop.index0 }}
{%- endfor %}
json = {{ params|tojson }}
)";

nlohmann::json Context(int services) {
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < services; ++i) list.push_back({{"name", "svc" + std::to_string(i)}, {"enabled", i % 7 != 0}});
  return {{"bin", "/opt/slapgrid/x/bin"},
          {"ipv6", "2001:db8::1"},
          {"params", {{"port-base", "8000"}, {"services", list}}}};
}

void BM_RenderProfile(benchmark::State& state) {
  nlohmann::json ctx = Context(static_cast<int>(state.range(0)));
  RenderOptions options;
  options.template_name = "bench.cfg.in";
  size_t bytes = 0;
  for (auto _ : state) {
    auto out = Render(kProfile, ctx, options);
    if (!out.ok()) state.SkipWithError(out.status().message().c_str());
    bytes += out->size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RenderProfile)->Arg(3)->Arg(30)->Arg(300);

void BM_ParseOnlyLargeText(benchmark::State& state) {
  std::string src;
  for (int i = 0; i < 2000; ++i) src += "line " + std::to_string(i) + " ${section:option} {{ x }}\n";
  nlohmann::json ctx = {{"x", "value"}};
  for (auto _ : state) {
    auto out = Render(src, ctx);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * src.size()));
}
BENCHMARK(BM_ParseOnlyLargeText);

}  // namespace

BENCHMARK_MAIN();
