#include "importers/rejects.hpp"

namespace diming::import {

void RejectLog::add(const std::string& layer, std::int64_t row, const Reject& r, const std::string& raw) {
    if (!writer_) {
        writer_.emplace(path_, CsvFor::spreadsheet);
        writer_->row({"layer", "row", "field", "reason", "raw"});
    }
    writer_->row({layer, std::to_string(row), r.field, r.reason, raw});
    ++count_;
    ++by_reason_[r.reason_key];
    if (first_.size() < 10) first_.push_back(layer + " row " + std::to_string(row) + ": " + r.field + ": " + r.reason);
}

void RejectLog::close() {
    if (writer_) writer_->close();
}

std::int64_t RejectLog::count(const std::string& reason_key) const {
    auto it = by_reason_.find(reason_key);
    return it == by_reason_.end() ? 0 : it->second;
}

} // namespace diming::import
