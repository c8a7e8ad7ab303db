#pragma once
// A building's plates from a template: one building plate (楼牌) under a door plate, a unit
// plate (单元牌) per unit and a room plate (户室牌) per room, all in one transaction, each
// with its 'applied' issuance and audit entry.
//
// Designations (README: building plates):
//   building  as given ("3" → 3幢)
//   units     1 … N (1单元 … N单元)
//   rooms     floor × 100 + position on the floor, counted within each unit: 101, 102 … on
//             the first floor, 1201 … on the twelfth (1单元1201室). Floors below ground are
//             not numbered here; first_floor lets a building start above shops (2 → 201 …).

#include <cstdint>
#include <string>

namespace diming::store {
class Database;
}

namespace diming::plates {

struct BuildingTemplate {
    std::int64_t door_plate_id = 0; // the door plate the building stands behind
    std::string building;           // its designation, e.g. "3"
    int units = 1;                  // 1 … 30
    int floors = 1;                 // numbered floors, 1 … 99
    int rooms_per_floor = 1;        // in each unit, 1 … 99
    int first_floor = 1;            // the lowest numbered floor (1 … floors)
    std::string applicant;
};

struct BuildingPlates {
    std::int64_t building_plate_id = 0;
    std::int64_t unit_plates = 0, room_plates = 0, issuances = 0;
    std::string first_address, last_address; // the building plate's, and the last room's
};

constexpr int max_building_plates = 20'000;

// The room designation of a floor and position (1201 for floor 12, room 1).
std::string room_designation(int floor, int position);

// Throws refusal: a template out of range (invalid), no such door plate (not_found), a
// building that already has plates of these designations (conflict) — and then writes nothing.
BuildingPlates issue_building_plates(store::Database& db, const BuildingTemplate& t, const std::string& actor);

} // namespace diming::plates
