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

// Who opens the file. A sheet for people (a print order, a rejects list) is opened in Excel
// or WPS: it starts with a UTF-8 byte-order mark, without which Chinese Excel reads the text
// as GBK, and a cell that starts with = + - @ tab or CR is prefixed with ' so that it is
// shown as text instead of run as a formula (OWASP CSV injection).
enum class CsvFor { data, spreadsheet };

class CsvWriter {
public:
    CsvWriter(const std::filesystem::path& path, std::optional<text::Charset> charset = std::nullopt, CsvFor reader = CsvFor::data);
    CsvWriter(const std::filesystem::path& path, CsvFor reader) : CsvWriter{path, std::nullopt, reader} {}
    void row(const std::vector<std::string>& fields);
    // Flushes and reports a failed write (disk full) as an error.
    void close();
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::ofstream out_;
    std::optional<text::Charset> charset_;
    CsvFor reader_;
    std::filesystem::path path_;
    std::string line_;
};

} // namespace diming
