#pragma once
// Compounds (小区) and their buildings found by name (某某苑, 某某苑3幢), from the door plates
// that carry them: a compound need not be a registered place name to be found.

#include "lookup/query.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diming::store {
class Database;
}

namespace diming::lookup {

struct CompoundHit {
    std::string compound;
    std::string building;              // set for a building hit
    std::int64_t place_name_id = 0;    // the road (or village) its gate is on
    std::string place_name;
    std::string town_code;
    std::int64_t plates = 0;           // the compound's plates (door, building, unit, room)
    std::optional<std::int64_t> door_plate_id; // the gate's plate, or the building's
    std::string standard_address;
    std::string match;                 // exact, prefix
    std::optional<BBox> extent;
};

// Compounds whose name is q or starts with it; with `building`, that building's plate in them.
std::vector<CompoundHit> search_compounds(store::Database& db, const std::string& q, const std::string& building, int limit);
nlohmann::json to_json(const CompoundHit& h);

} // namespace diming::lookup
