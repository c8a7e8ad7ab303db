#include "plates/door_plates.hpp"

#include "core/error.hpp"
#include "core/text.hpp"
#include "plates/standard_address.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/spatial_index.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace diming::plates {

namespace {

void check_designation(const std::string& value, const char* field) {
    if (!text::is_valid_utf8(value) || text::code_points(value) > 20) {
        throw refusal{refusal::Kind::invalid, std::string{field} + " must be valid UTF-8 of at most 20 characters", field};
    }
    // Printed on plates and proofs, shown in the audit: no control or bidi characters.
    if (const auto c = text::first_control_character(value)) {
        throw refusal{refusal::Kind::invalid, std::string{field} + " has a control character (" + text::code_point_name(*c) + ")", field};
    }
}

void check_suffix(const std::string& suffix) {
    if (suffix.size() > 8 || suffix.find_first_not_of("0123456789") != std::string::npos) {
        throw refusal{refusal::Kind::invalid, "a 附号 is a number (the 1 of 12-1)", "suffix"};
    }
}

// The community (village or residents' committee) whose boundary holds the point, if boundaries are loaded.
std::optional<std::string> community_at(store::Database& db, lookup::LonLat p) {
    auto& s = db.cached(
        "SELECT code FROM divisions WHERE level = 5 AND code IN (SELECT pkid FROM idx_divisions_geom "
        "WHERE xmin <= ?1 AND xmax >= ?1 AND ymin <= ?2 AND ymax >= ?2) AND ST_Contains(geom, MakePoint(?1, ?2, 4490)) LIMIT 1");
    s.bind(1, p.lon).bind(2, p.lat);
    std::optional<std::string> code;
    if (s.step()) code = s.column_text(0);
    s.reset();
    return code;
}

std::int64_t create_issuance(store::Database& db, std::int64_t plate, const std::string& applicant, const std::string& actor) {
    db.prepare("INSERT INTO issuances(door_plate_id, kind, applicant, created_by) VALUES (?1, 'new', ?2, ?3)")
        .bind_all(plate, applicant, actor)
        .run();
    return db.last_insert_rowid();
}

void check_point(store::Database& db, lookup::LonLat p) {
    // Inside the county: its division boundaries when the registry has them, else what the
    // registry already holds (names and plates), with 2 km to spare.
    std::optional<store::Extent> box = store::indexed_extent(db, "divisions");
    if (!box) box = store::indexed_extent(db, {"place_names", "door_plates"});
    if (!box) return;
    const double margin = 0.02;
    if (p.lon < box->min_x - margin || p.lon > box->max_x + margin || p.lat < box->min_y - margin || p.lat > box->max_y + margin) {
        throw refusal{refusal::Kind::invalid, "the point lies outside the county", "point"};
    }
}

} // namespace

IssuedPlate issue_door_plate(store::Database& db, const DoorPlateRequest& r, const std::string& actor) {
    // One writer at a time (BEGIN IMMEDIATE): the number is chosen and taken in the same transaction.
    store::Transaction tx{db};
    auto out = issue_door_plate_in(db, r, actor);
    if (!r.dry_run) tx.commit(); // a dry run rolls back: nothing written
    return out;
}

IssuedPlate issue_door_plate_in(store::Database& db, const DoorPlateRequest& r, const std::string& actor) {
    check_designation(r.hamlet, "hamlet");
    check_designation(r.compound, "compound");
    check_designation(r.applicant, "applicant");
    check_suffix(r.suffix);
    if (r.number && (*r.number < 1 || *r.number > 99'999)) throw refusal{refusal::Kind::invalid, "a door number is between 1 and 99999", "number"};

    check_point(db, r.point);
    IssuedPlate out;
    out.proposal = propose_number(db, r.place_name_id, r.hamlet, r.point);
    if (r.number) {
        // The clerk's number must be on the point's side of the road and free.
        if (out.proposal.side != Side::none && (*r.number % 2 == 1) != (out.proposal.side == Side::left)) {
            throw refusal{refusal::Kind::conflict,
                          "number " + std::to_string(*r.number) + " belongs on the " + (*r.number % 2 ? "left (odd)" : "right (even)") +
                              " side; the point is on the " + to_string(out.proposal.side) + " (proposed: " +
                              std::to_string(out.proposal.number) + (out.proposal.suffix.empty() ? "" : "-" + out.proposal.suffix) + ")",
                          "number"};
        }
        out.number = r.number;
        out.suffix = r.suffix;
    } else {
        out.number = out.proposal.number;
        out.suffix = out.proposal.suffix;
    }
    auto taken = db.prepare(
        "SELECT standard_address FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 AND number = ?3 AND suffix = ?4 "
        "AND plate_type = 'door' AND status <> 'cancelled'");
    taken.bind_all(r.place_name_id, r.hamlet, *out.number, out.suffix);
    if (taken.step()) throw refusal{refusal::Kind::conflict, "the number is taken: " + taken.column_text(0), "number"};
    if (r.number && !r.reuse_cancelled) {
        auto retired = db.prepare(
            "SELECT d.standard_address, c.cancelled_on FROM door_plates d JOIN door_plate_cancellations c ON c.door_plate_id = d.id "
            "WHERE d.place_name_id = ?1 AND d.hamlet = ?2 AND d.number = ?3 AND d.suffix = ?4 AND d.plate_type = 'door' "
            "AND c.former_status = 'active' ORDER BY c.id DESC LIMIT 1");
        retired.bind_all(r.place_name_id, r.hamlet, *out.number, out.suffix);
        if (retired.step()) {
            throw refusal{refusal::Kind::conflict,
                          "the number was cancelled on " + retired.column_text(1) + " (" + retired.column_text(0) +
                              "); a cancelled number is given again only on purpose (reuse_cancelled)",
                          "number"};
        }
    }

    auto place = db.prepare("SELECT name, substr(division_code, 1, 9) || '000' FROM place_names WHERE id = ?1");
    place.bind(1, r.place_name_id);
    place.step();
    AddressParts parts{place.column_text(1), place.column_text(0), r.hamlet, out.number, out.suffix, r.compound, "", "", ""};
    const std::string town = parts.town_code;
    out.standard_address = standard_address(db, parts);
    if (r.dry_run) return out;

    db.prepare(
          "INSERT INTO door_plates(plate_type, place_name_id, hamlet, number, suffix, compound, town_code, community_code, "
          "standard_address, status, geom) VALUES ('door', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'planned', MakePoint(?9, ?10, 4490))")
        .bind_all(r.place_name_id, r.hamlet, *out.number, out.suffix, r.compound, town, community_at(db, r.point), out.standard_address,
                  r.point.lon, r.point.lat)
        .run();
    out.door_plate_id = db.last_insert_rowid();
    out.issuance_id = create_issuance(db, out.door_plate_id, r.applicant, actor);
    store::record_change(db, {actor, "door_plate.create", "door_plates", std::to_string(out.door_plate_id), std::nullopt,
                              nlohmann::json{{"standard_address", out.standard_address},
                                             {"place_name_id", r.place_name_id},
                                             {"number", *out.number},
                                             {"suffix", out.suffix},
                                             {"side", to_string(out.proposal.side)},
                                             {"point", {r.point.lon, r.point.lat}},
                                             {"issuance_id", out.issuance_id},
                                             {"reused_cancelled_number", r.reuse_cancelled && r.number}}
                                  .dump()});
    return out;
}

IssuedPlate issue_child_plate(store::Database& db, const ChildPlateRequest& r, const std::string& actor) {
    store::Transaction tx{db};
    auto out = issue_child_plate_in(db, r, actor);
    tx.commit();
    return out;
}

IssuedPlate issue_child_plate_in(store::Database& db, const ChildPlateRequest& r, const std::string& actor) {
    for (const auto& [v, f] : {std::pair{&r.building, "building"}, {&r.unit, "unit"}, {&r.room, "room"}, {&r.applicant, "applicant"}}) {
        check_designation(*v, f);
    }
    if (r.plate_type != "building" && r.plate_type != "unit" && r.plate_type != "room") {
        throw refusal{refusal::Kind::invalid, "plate_type is building, unit or room", "plate_type"};
    }
    auto& parent = db.cached(
        "SELECT c.plate_type, c.place_name_id, c.hamlet, coalesce(c.number, d.number), CASE WHEN c.number IS NULL THEN coalesce(d.suffix, c.suffix) ELSE c.suffix END, "
        "c.compound, c.building, c.town_code, c.community_code, c.status, X(c.geom), Y(c.geom) "
        "FROM door_plates c LEFT JOIN door_plates d ON d.id = c.parent_id WHERE c.id = ?1");
    parent.bind(1, r.parent_id);
    if (!parent.step()) throw refusal{refusal::Kind::not_found, "no plate with id " + std::to_string(r.parent_id), "parent_id"};
    const std::string parent_type = parent.column_text(0);
    if (parent.column_text(9) == "cancelled") throw refusal{refusal::Kind::conflict, "the parent plate is cancelled", "parent_id"};
    const bool fits = (r.plate_type == "building" && parent_type == "door") || (r.plate_type != "building" && parent_type == "building");
    if (!fits) {
        throw refusal{refusal::Kind::invalid, "a building plate goes under a door plate, unit and room plates under a building plate", "parent_id"};
    }
    AddressParts parts;
    auto place = db.prepare("SELECT name FROM place_names WHERE id = ?1");
    place.bind(1, parent.column_int(1));
    place.step();
    parts.town_code = parent.column_text(7);
    parts.place = place.column_text(0);
    parts.hamlet = parent.column_text(2);
    if (!parent.is_null(3)) parts.number = static_cast<int>(parent.column_int(3));
    parts.suffix = parent.column_text(4);
    parts.compound = parent.column_text(5);
    parts.building = r.plate_type == "building" ? r.building : parent.column_text(6);
    parts.unit = r.unit;
    parts.room = r.plate_type == "room" ? r.room : "";
    if (parts.building.empty()) throw refusal{refusal::Kind::invalid, "a building plate needs its building designation", "building"};
    if (r.plate_type == "unit" && parts.unit.empty()) throw refusal{refusal::Kind::invalid, "a unit plate needs its unit", "unit"};
    if (r.plate_type == "room" && parts.room.empty()) throw refusal{refusal::Kind::invalid, "a room plate needs its room", "room"};

    auto taken = db.prepare(
        "SELECT standard_address FROM door_plates WHERE parent_id = ?1 AND plate_type = ?2 AND building = ?3 AND unit = ?4 AND room = ?5 "
        "AND status <> 'cancelled'");
    taken.bind_all(r.parent_id, r.plate_type, parts.building, parts.unit, parts.room);
    if (taken.step()) throw refusal{refusal::Kind::conflict, "that plate exists: " + taken.column_text(0), r.plate_type};

    IssuedPlate out;
    out.number = parts.number;
    out.suffix = parts.suffix;
    out.standard_address = standard_address(db, parts);
    db.prepare(
          "INSERT INTO door_plates(plate_type, parent_id, place_name_id, hamlet, number, suffix, compound, building, unit, room, town_code, "
          "community_code, standard_address, status, geom) VALUES (?1, ?2, ?3, ?4, ?15, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'planned', "
          "MakePoint(?13, ?14, 4490))")
        .bind_all(r.plate_type, r.parent_id, parent.column_int(1), parts.hamlet, parts.suffix, parts.compound, parts.building, parts.unit,
                  parts.room, parts.town_code, parent.column_text_opt(8), out.standard_address, parent.column_double(10), parent.column_double(11),
                  parts.number)
        .run();
    out.door_plate_id = db.last_insert_rowid();
    out.issuance_id = create_issuance(db, out.door_plate_id, r.applicant, actor);
    store::record_change(db, {actor, "door_plate.create", "door_plates", std::to_string(out.door_plate_id), std::nullopt,
                              nlohmann::json{{"standard_address", out.standard_address},
                                             {"plate_type", r.plate_type},
                                             {"parent_id", r.parent_id},
                                             {"issuance_id", out.issuance_id}}
                                  .dump()});
    parent.reset();
    return out;
}

} // namespace diming::plates
