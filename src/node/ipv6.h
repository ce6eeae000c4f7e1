// IPv6 addresses and networks as 128-bit numbers, for computing partition addresses and
// ranges (node.md §1.6). Pure functions; thread-safe.
#pragma once

#include <string>

#include "util/status.h"

namespace slapos::node {

using Ipv6Bits = unsigned __int128;

struct Ipv6Network {
  Ipv6Bits address = 0;  // as given (host bits kept)
  int prefixlen = 128;
  Ipv6Bits Network() const;  // host bits cleared
  bool Contains(Ipv6Bits a) const;
  std::string ToString() const;  // "addr/len"
};

Result<Ipv6Bits> ParseIpv6(const std::string& text);
std::string Ipv6ToString(Ipv6Bits a);  // canonical compressed form (inet_ntop)
Result<Ipv6Network> ParseIpv6Network(const std::string& text);

// The partition's address: network of `base` with host part index + 2 (host 1 is reserved),
// wrapping inside the host space when it is too small.
Ipv6Bits PartitionIpv6(const Ipv6Network& base, int index);
// The partition's range: a /(len+shift) network whose extra bits are (1 << (shift-2)) + index + 1.
Result<Ipv6Network> PartitionIpv6Range(const Ipv6Network& base, int shift, int index);

}  // namespace slapos::node
