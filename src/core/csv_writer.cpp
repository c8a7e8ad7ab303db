#include "core/csv_writer.hpp"

#include "core/error.hpp"

namespace diming {

CsvWriter::CsvWriter(const std::filesystem::path& path, std::optional<text::Charset> charset)
    : out_{path, std::ios::binary}, charset_{std::move(charset)}, path_{path} {
    if (!out_) throw input_error{path.string() + ": cannot write"};
}

void CsvWriter::row(const std::vector<std::string>& fields) {
    line_.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) line_ += ',';
        const std::string& v = fields[i];
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
