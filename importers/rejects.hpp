#pragma once
// The rejects log of an import: every row that cannot be imported, with its layer, row,
// field, reason and raw values, in a CSV beside the dataset; counted by reason for the summary.

#include "core/csv_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace diming::import {

// Every reason an import can reject a row for: a stable key (in the rejects file's summary,
// the API and the tests), with what it means in Chinese and English.
struct RejectReason {
    const char* key;
    const char* zh;
    const char* en;
};
const std::vector<RejectReason>& reject_reasons();

// A row that cannot be imported: which field, and why (the key counts reasons in the summary;
// it is one of reject_reasons()).
struct Reject {
    std::string field;
    std::string reason_key;
    std::string reason;
};

class RejectLog {
public:
    explicit RejectLog(std::filesystem::path path) : path_{std::move(path)} {}
    void add(const std::string& layer, std::int64_t row, const Reject& r, const std::string& raw);
    void close();
    std::int64_t count() const { return count_; }
    std::int64_t count(const std::string& reason_key) const;
    const std::map<std::string, std::int64_t>& by_reason() const { return by_reason_; }
    // The first few rejects, one line each, for error messages.
    const std::vector<std::string>& first() const { return first_; }
    bool written() const { return writer_.has_value(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::optional<CsvWriter> writer_;
    std::int64_t count_ = 0;
    std::map<std::string, std::int64_t> by_reason_;
    std::vector<std::string> first_;
};

} // namespace diming::import
