#pragma once
// SHA-256 through OpenSSL's libcrypto: dataset fingerprints (re-import detection) and API
// token hashes.

#include <filesystem>
#include <string>
#include <string_view>

namespace diming {

std::string sha256_hex(std::string_view data);
// Of a file, or of a folder dataset (File Geodatabase) as its files' names and contents in order.
std::string sha256_of_path(const std::filesystem::path& path);

} // namespace diming
