# The HTTP server half of src/net (Boost.Beast stays inside http_server.cc).
add_library(slapos_net_server STATIC http_server.cc)
target_link_libraries(slapos_net_server PUBLIC slapos_util PRIVATE Boost::headers Threads::Threads)
set_property(GLOBAL APPEND PROPERTY SLAPOS_CLI_LIBS slapos_net_server)

slapos_add_tests(net_server_test
  SOURCES http_server_test.cc
  LIBS slapos_net_server)
