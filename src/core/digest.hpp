#pragma once
// SHA-256 through OpenSSL's libcrypto: dataset fingerprints (re-import detection) and API
// token hashes.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace diming {

std::string sha256_hex(std::string_view data);
// The first 128 bits of the SHA-256 of data: a key that stands for the text in a set of
// millions (two distinct texts share one with a chance of about n² / 2¹²⁹).
std::array<std::uint64_t, 2> sha256_128(std::string_view data);
// Of a file, or of a folder dataset (File Geodatabase) as its files' names and contents in order.
std::string sha256_of_path(const std::filesystem::path& path);

} // namespace diming
