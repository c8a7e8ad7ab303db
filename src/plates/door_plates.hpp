#pragma once
// Issuing plates: a door plate on a road or village at a point (its number proposed by
// numbering.hpp unless the clerk gives one), or a building, unit or room plate under a door
// plate. Each new plate starts 'planned' with an issuance 'applied'; installing it makes the
// plate 'active', rejecting or cancelling the issuance frees the number.

#include "lookup/query.hpp"
#include "plates/numbering.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace diming::store {
class Database;
}

namespace diming::plates {

struct DoorPlateRequest {
    std::int64_t place_name_id = 0;  // the road, or the village
    std::string hamlet;              // natural village or group (rural)
    lookup::LonLat point;
    std::optional<int> number;       // the clerk's choice; proposed when absent
    std::string suffix;              // with number: its 附号
    std::string compound;            // 小区 written after the number
    std::string applicant;
    bool dry_run = false;            // only propose
    bool reuse_cancelled = false;    // the clerk means to give a number retired by a cancellation again
};

struct ChildPlateRequest {
    std::int64_t parent_id = 0;      // a door plate (for building) or a building plate (unit, room)
    std::string plate_type;          // building, unit, room
    std::string building, unit, room;
    std::string applicant;
};

struct IssuedPlate {
    std::int64_t door_plate_id = 0;  // 0 on a dry run
    std::int64_t issuance_id = 0;
    std::string standard_address;
    std::optional<int> number;
    std::string suffix;
    NumberProposal proposal;
};

// In one transaction with its audit entry. Throws refusal: duplicates and numbers on the
// wrong side are conflicts (409), unknown places not_found, bad points invalid.
IssuedPlate issue_door_plate(store::Database& db, const DoorPlateRequest& request, const std::string& actor);
// The same inside a transaction the caller holds (batch applications); a dry run writes nothing.
IssuedPlate issue_door_plate_in(store::Database& db, const DoorPlateRequest& request, const std::string& actor);
IssuedPlate issue_child_plate(store::Database& db, const ChildPlateRequest& request, const std::string& actor);
// The same inside a transaction the caller holds (a building's plates are issued together).
IssuedPlate issue_child_plate_in(store::Database& db, const ChildPlateRequest& request, const std::string& actor);

} // namespace diming::plates
