#pragma once
// `diming import`: any OGR vector dataset into the registry by a profile, in one transaction.
// Bad files fail before anything is written; bad rows go to a rejects CSV (row, field,
// reason, raw values) and the rest imports, unless strict.

#include "importers/profile.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace diming::import {

enum class SourceKind { police, civil };
SourceKind parse_source_kind(const std::string& s);
const char* to_string(SourceKind k);

struct ImportRequest {
    std::filesystem::path dataset;
    SourceKind source = SourceKind::police;
    Profile profile;
    std::string layer;            // overrides the layer of a one-layer profile
    bool strict = false;          // any reject fails the whole import
    // More rejected rows than this share of the rows read fails the whole import: that many bad
    // rows more likely mean a wrong profile, CRS or registry than a bad file (1: never).
    double max_reject_rate = 0.5;
    bool replace = false;         // allow re-importing the same file: the new dataset replaces the old
    std::filesystem::path rejects; // default: <dataset name>.rejects.csv in the working folder
    std::string actor;
    bool progress = false;
};

struct ImportResult {
    std::int64_t dataset_id = 0;
    std::int64_t replaced_dataset_id = 0;
    std::int64_t rows_read = 0, rows_imported = 0, rows_rejected = 0;
    std::map<std::string, std::int64_t> rejected_by_reason;
    std::map<std::string, std::int64_t> imported_by_target; // "addresses", "door_plates", ...
    std::filesystem::path rejects_file; // empty when nothing was rejected
    std::string sha256, crs, encoding;
    double seconds = 0;
};

ImportResult import_dataset(store::Database& db, const ImportRequest& request);

} // namespace diming::import
