#pragma once
// Writing CSV (RFC 4180 quoting), optionally transcoded from UTF-8 to another charset.
// (Reading CSV is GDAL's job.)

#include "core/encoding.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace diming {

class CsvWriter {
public:
    CsvWriter(const std::filesystem::path& path, std::optional<text::Charset> charset = std::nullopt);
    void row(const std::vector<std::string>& fields);
    // Flushes and reports a failed write (disk full) as an error.
    void close();
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::ofstream out_;
    std::optional<text::Charset> charset_;
    std::filesystem::path path_;
    std::string line_;
};

} // namespace diming
