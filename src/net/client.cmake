# HTTP(S) client half of src/net (libcurl behind a curl-free header). Owned by the client work.
add_library(slapos_net_client STATIC http_client.cc)
target_link_libraries(slapos_net_client PUBLIC slapos_util PRIVATE CURL::libcurl)
set_property(GLOBAL APPEND PROPERTY SLAPOS_CLI_LIBS slapos_net_client)

slapos_add_tests(net_client_test
  SOURCES http_client_test.cc
  LIBS slapos_net_client)
