#include "plates/building_template.hpp"

#include "core/error.hpp"
#include "plates/door_plates.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

namespace diming::plates {

namespace {

void require_range(int value, int lo, int hi, const char* field, const char* what) {
    if (value < lo || value > hi) {
        throw refusal{refusal::Kind::invalid, std::string{what} + " is between " + std::to_string(lo) + " and " + std::to_string(hi), field};
    }
}

} // namespace

std::string room_designation(int floor, int position) { return std::to_string(floor * 100 + position); }

BuildingPlates issue_building_plates(store::Database& db, const BuildingTemplate& t, const std::string& actor) {
    require_range(t.units, 1, 30, "units", "the number of units");
    require_range(t.floors, 1, 99, "floors", "the number of floors");
    require_range(t.rooms_per_floor, 1, 99, "rooms_per_floor", "the number of rooms on a floor of a unit");
    require_range(t.first_floor, 1, t.floors, "first_floor", "the first numbered floor");
    const auto floors = t.floors - t.first_floor + 1;
    const auto total = 1 + t.units + static_cast<std::int64_t>(t.units) * floors * t.rooms_per_floor;
    if (total > max_building_plates) {
        throw refusal{refusal::Kind::invalid, "the template makes " + std::to_string(total) + " plates; at most " + std::to_string(max_building_plates) + " at once", "rooms_per_floor"};
    }

    store::Transaction tx{db};
    BuildingPlates out;
    ChildPlateRequest building;
    building.parent_id = t.door_plate_id;
    building.plate_type = "building";
    building.building = t.building;
    building.applicant = t.applicant;
    const auto b = issue_child_plate_in(db, building, actor);
    out.building_plate_id = b.door_plate_id;
    out.first_address = b.standard_address;
    out.issuances = 1;
    for (int unit = 1; unit <= t.units; ++unit) {
        ChildPlateRequest u;
        u.parent_id = out.building_plate_id;
        u.plate_type = "unit";
        u.unit = std::to_string(unit);
        u.applicant = t.applicant;
        issue_child_plate_in(db, u, actor);
        ++out.unit_plates;
        for (int floor = t.first_floor; floor <= t.floors; ++floor) {
            for (int position = 1; position <= t.rooms_per_floor; ++position) {
                ChildPlateRequest r = u;
                r.plate_type = "room";
                r.room = room_designation(floor, position);
                out.last_address = issue_child_plate_in(db, r, actor).standard_address;
                ++out.room_plates;
            }
        }
    }
    out.issuances += out.unit_plates + out.room_plates;
    store::record_change(db, {actor, "door_plate.building_template", "door_plates", std::to_string(out.building_plate_id), std::nullopt,
                              nlohmann::json{{"door_plate_id", t.door_plate_id},
                                             {"building", t.building},
                                             {"units", t.units},
                                             {"floors", t.floors},
                                             {"first_floor", t.first_floor},
                                             {"rooms_per_floor", t.rooms_per_floor},
                                             {"plates", 1 + out.unit_plates + out.room_plates}}
                                  .dump()});
    tx.commit();
    return out;
}

} // namespace diming::plates
