#include "core/csv_writer.hpp"

#include "core/error.hpp"

namespace diming {

CsvWriter::CsvWriter(const std::filesystem::path& path, std::optional<text::Charset> charset, CsvFor reader)
    : out_{path, std::ios::binary}, charset_{std::move(charset)}, reader_{reader}, path_{path} {
    if (!out_) throw input_error{path.string() + ": cannot write"};
    if (reader_ == CsvFor::spreadsheet && !charset_) out_ << "\xEF\xBB\xBF";
}

void CsvWriter::row(const std::vector<std::string>& fields) {
    line_.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) line_ += ',';
        const bool formula = reader_ == CsvFor::spreadsheet && !fields[i].empty() &&
                             std::string_view{"=+-@\t\r"}.find(fields[i].front()) != std::string_view::npos;
        const std::string& v = formula ? "'" + fields[i] : fields[i];
        if (v.find_first_of(",\"\r\n") != std::string::npos) {
            line_ += '"';
            for (char c : v) {
                if (c == '"') line_ += '"';
                line_ += c;
            }
            line_ += '"';
        } else {
            line_ += v;
        }
    }
    line_ += "\r\n";
    if (charset_) out_ << charset_->from_utf8(line_);
    else out_ << line_;
}

void CsvWriter::close() {
    out_.close();
    if (!out_) throw input_error{path_.string() + ": write failed (disk full?)"};
}

} // namespace diming
