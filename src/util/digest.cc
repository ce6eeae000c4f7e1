// Md5Hex and Sha256Hex (declared in util/strings.h) through OpenSSL. In a file of their own so
// that a program using only the string helpers does not load libcrypto (the lean images).
#include <openssl/evp.h>

#include "util/strings.h"

namespace slapos {
namespace {

std::string DigestHex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 15];
  }
  return hex;
}

}  // namespace

std::string Md5Hex(std::string_view data) { return DigestHex(EVP_md5(), data); }
std::string Sha256Hex(std::string_view data) { return DigestHex(EVP_sha256(), data); }

}  // namespace slapos
