# HTTP(S) client half of src/net (libcurl behind a curl-free header). Owned by the client work.
# libcurl is not linked: net/curl_library.h opens it on first use (dlopen), so a `slapos`
# process that never downloads starts without it. find_package(CURL) only gives its headers.
add_library(slapos_net_curl STATIC curl_library.cc)
target_include_directories(slapos_net_curl PUBLIC
  $<TARGET_PROPERTY:CURL::libcurl,INTERFACE_INCLUDE_DIRECTORIES>)
target_link_libraries(slapos_net_curl PUBLIC slapos_shared_library slapos_util)

add_library(slapos_net_client STATIC http_client.cc)
target_link_libraries(slapos_net_client PUBLIC slapos_util PRIVATE slapos_net_curl)
set_property(GLOBAL APPEND PROPERTY SLAPOS_CLI_LIBS slapos_net_client)

slapos_add_tests(net_client_test
  SOURCES http_client_test.cc curl_library_test.cc
  LIBS slapos_net_client slapos_net_curl)
