#include "node/ipv6.h"

#include <arpa/inet.h>

#include "util/strings.h"

namespace slapos::node {

namespace {

Ipv6Bits Mask(int prefixlen) {
  if (prefixlen <= 0) return 0;
  if (prefixlen >= 128) return ~Ipv6Bits{0};
  return ~Ipv6Bits{0} << (128 - prefixlen);
}

}  // namespace

Ipv6Bits Ipv6Network::Network() const { return address & Mask(prefixlen); }

bool Ipv6Network::Contains(Ipv6Bits a) const { return (a & Mask(prefixlen)) == Network(); }

std::string Ipv6Network::ToString() const { return Ipv6ToString(address) + "/" + std::to_string(prefixlen); }

Result<Ipv6Bits> ParseIpv6(const std::string& text) {
  in6_addr a{};
  if (inet_pton(AF_INET6, text.c_str(), &a) != 1) return InvalidArgument("'" + text + "' is not an IPv6 address");
  Ipv6Bits v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | a.s6_addr[i];
  return v;
}

std::string Ipv6ToString(Ipv6Bits v) {
  in6_addr a{};
  for (int i = 15; i >= 0; --i) {
    a.s6_addr[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &a, buf, sizeof buf);
  return buf;
}

Result<Ipv6Network> ParseIpv6Network(const std::string& text) {
  size_t slash = text.find('/');
  long long len = 128;
  std::string addr = text.substr(0, slash);
  if (slash != std::string::npos && (!ParseInt64(text.substr(slash + 1), &len) || len < 0 || len > 128))
    return InvalidArgument("'" + text + "' is not an IPv6 network (expected addr/len, e.g. fd00:1::/64)");
  auto a = ParseIpv6(addr);
  if (!a.ok()) return InvalidArgument("'" + text + "' is not an IPv6 network (expected addr/len, e.g. fd00:1::/64)");
  return Ipv6Network{*a, static_cast<int>(len)};
}

Ipv6Bits PartitionIpv6(const Ipv6Network& base, int index) {
  int host_bits = 128 - base.prefixlen;
  Ipv6Bits host = static_cast<Ipv6Bits>(index) + 2;
  if (host_bits < 64) {
    Ipv6Bits space = Ipv6Bits{1} << host_bits;  // values 0..space-1; 0 and 1 are skipped
    if (space > 2) host = 2 + static_cast<Ipv6Bits>(index) % (space - 2);
  }
  return base.Network() | host;
}

Result<Ipv6Network> PartitionIpv6Range(const Ipv6Network& base, int shift, int index) {
  int len = base.prefixlen + shift;
  if (shift < 2 || len > 128)
    return InvalidArgument("an IPv6 /" + std::to_string(base.prefixlen) + " cannot hold /" + std::to_string(len) +
                           " partition ranges; lower ipv6_prefixshift or use a larger prefix");
  Ipv6Bits sub = (Ipv6Bits{1} << (shift - 2)) + static_cast<Ipv6Bits>(index) + 1;
  if (sub >= (Ipv6Bits{1} << shift)) return InvalidArgument("partition index too large for ipv6_prefixshift");
  return Ipv6Network{base.Network() | (sub << (128 - len)), len};
}

}  // namespace slapos::node
