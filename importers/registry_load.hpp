#pragma once
// The writing stage of an import: mapped rows loaded into the registry inside the import's
// one transaction (source addresses, place names, door plates, division boundaries), bad rows
// to the rejects log. The state one import carries from layer to layer is an ImportSession.

#include "address/gazetteer.hpp"
#include "importers/import.hpp"
#include "importers/record_mapping.hpp"
#include "importers/rejects.hpp"
#include "importers/source_reader.hpp"
#include "store/bulk_load.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace diming::import {

struct ImportSession {
    ImportSession(store::Database& database, const ImportRequest& request, std::filesystem::path rejects_path)
        : db{database}, req{request}, rejects{std::move(rejects_path)} {}

    store::Database& db;
    const ImportRequest& req;
    RejectLog rejects;
    ImportResult result;
    std::optional<Extent> extent;                  // the profile's, else the registry's divisions; none before any
    std::optional<address::Gazetteer> gazetteer;   // the registry's names, for parsing addresses
    store::BulkSpatialLoad* sources_index = nullptr;
    std::unordered_map<std::string, std::int64_t> place_by_ref, place_by_name;
    std::unordered_map<std::string, bool> division_known;

    const Extent& bounds() const { return extent ? *extent : mainland_china; }
    std::string file() const { return req.dataset.string(); }
    void reject(const SourceLayer& l, const SourceRow& row, const Reject& r) { rejects.add(l.name, row.number, r, raw_object(l, row.raw_json)); }
    bool division_exists(const std::string& code);
    // Loads the registry's names for the parser (again after new place names).
    void ensure_gazetteer();
};

// The registry's division boundaries, grown by about 2 km; nullopt before any are known.
std::optional<Extent> registry_extent(const store::Database& db);

void load_addresses(ImportSession& s, const SourceLayer& layer);
void load_place_names(ImportSession& s, const SourceLayer& layer);
void load_door_plates(ImportSession& s, const SourceLayer& layer);
void load_division_boundaries(ImportSession& s, const SourceLayer& layer);

} // namespace diming::import
