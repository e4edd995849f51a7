#include "server/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace edudesk::server {
namespace {

constexpr int kIterations = 20000;  // ~10 ms per login on one core; logins are rare
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 15];
  }
  return s;
}

bool from_hex(const std::string& s, std::vector<unsigned char>& out) {
  if (s.size() % 2) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.assign(s.size() / 2, 0);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nib(s[2 * i]), lo = nib(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

bool pbkdf2(const std::string& password, const std::vector<unsigned char>& salt, int iterations,
            unsigned char (&out)[kHashBytes]) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(), kHashBytes, out) == 1;
}

}  // namespace

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  FILE* f = std::fopen("/dev/urandom", "rb");
  if (!f) return "";
  size_t got = std::fread(buf.data(), 1, bytes, f);
  std::fclose(f);
  if (got != bytes) return "";
  return to_hex(buf.data(), bytes);
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  return to_hex(md, len);
}

std::string hash_password(const std::string& password) {
  std::string salt_hex = random_hex(kSaltBytes);
  std::vector<unsigned char> salt;
  if (salt_hex.empty() || !from_hex(salt_hex, salt)) return "";
  unsigned char h[kHashBytes];
  if (!pbkdf2(password, salt, kIterations, h)) return "";
  return "pbkdf2-sha256$" + std::to_string(kIterations) + "$" + salt_hex + "$" + to_hex(h, kHashBytes);
}

bool verify_password(const std::string& password, const std::string& stored) {
  // pbkdf2-sha256$ITER$SALT$HASH
  const std::string prefix = "pbkdf2-sha256$";
  if (stored.compare(0, prefix.size(), prefix) != 0) return false;
  size_t a = prefix.size();
  size_t b = stored.find('$', a);
  if (b == std::string::npos) return false;
  size_t c = stored.find('$', b + 1);
  if (c == std::string::npos) return false;
  char* end = nullptr;
  long iterations = std::strtol(stored.c_str() + a, &end, 10);
  if (end != stored.c_str() + b || iterations < 1 || iterations > 10000000) return false;
  std::vector<unsigned char> salt, want;
  if (!from_hex(stored.substr(b + 1, c - b - 1), salt) || !from_hex(stored.substr(c + 1), want) ||
      want.size() != kHashBytes)
    return false;
  unsigned char got[kHashBytes];
  if (!pbkdf2(password, salt, static_cast<int>(iterations), got)) return false;
  return CRYPTO_memcmp(got, want.data(), kHashBytes) == 0;
}

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out, &len))
    return "";
  return to_hex(out, len);
}

bool equal_constant_time(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace edudesk::server
