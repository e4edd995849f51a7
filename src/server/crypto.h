#pragma once
// The little cryptography the server needs, on OpenSSL's libcrypto: random tokens,
// SHA-256 (tokens are stored hashed) and salted, iterated password hashes.
#include <string>

namespace edudesk::server {

// `bytes` random bytes from /dev/urandom as lowercase hex; empty if it cannot be read.
std::string random_hex(size_t bytes);

std::string sha256_hex(const std::string& data);
// HMAC-SHA256 of `data` under `key`, lowercase hex.
std::string hmac_sha256_hex(const std::string& key, const std::string& data);
// Compares two strings in time independent of where they differ.
bool equal_constant_time(const std::string& a, const std::string& b);

// "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" with a fresh 16-byte salt.
// Empty if no randomness was available.
std::string hash_password(const std::string& password);
// Checks `password` against a stored hash in constant time; false for any other format.
bool verify_password(const std::string& password, const std::string& stored);

}  // namespace edudesk::server
