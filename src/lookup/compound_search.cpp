#include "lookup/compound_search.hpp"

#include "store/database.hpp"

#include <nlohmann/json.hpp>


namespace diming::lookup {

std::vector<CompoundHit> search_compounds(store::Database& db, const std::string& q, const std::string& building, int limit) {
    std::vector<CompoundHit> out;
    if (q.empty()) return out;
    // Through the index on door_plates(compound): one row per compound and road.
    auto& s = db.cached(
        "SELECT d.compound, d.place_name_id, p.name, min(d.town_code), count(*), "
        "min(CASE WHEN d.plate_type = 'door' THEN d.id END), min(X(d.geom)), min(Y(d.geom)), max(X(d.geom)), max(Y(d.geom)) "
        "FROM door_plates d JOIN place_names p ON p.id = d.place_name_id "
        "WHERE d.compound >= ?1 AND d.compound < ?2 AND d.compound <> '' AND d.status <> 'cancelled' "
        "GROUP BY d.compound, d.place_name_id ORDER BY d.compound <> ?1, length(d.compound), d.compound, d.place_name_id LIMIT ?3");
    s.bind(1, q).bind(2, prefix_upper_bound(q)).bind(3, limit);
    while (s.step()) {
        CompoundHit h;
        h.compound = s.column_text(0);
        h.place_name_id = s.column_int(1);
        h.place_name = s.column_text(2);
        h.town_code = s.column_text(3);
        h.plates = s.column_int(4);
        h.door_plate_id = s.column_int_opt(5);
        if (!s.is_null(6)) h.extent = BBox{s.column_double(6), s.column_double(7), s.column_double(8), s.column_double(9)};
        h.match = h.compound == q ? "exact" : "prefix";
        out.push_back(std::move(h));
    }
    s.reset();
    auto& address = db.cached("SELECT standard_address FROM door_plates WHERE id = ?1");
    auto& block = db.cached(
        "SELECT id, standard_address, X(geom), Y(geom) FROM door_plates WHERE compound = ?1 AND place_name_id = ?2 "
        "AND plate_type = 'building' AND building = ?3 AND status <> 'cancelled' ORDER BY id LIMIT 1");
    for (auto& h : out) {
        if (h.door_plate_id) {
            address.bind(1, *h.door_plate_id);
            if (address.step()) h.standard_address = address.column_text(0);
            address.reset();
        }
        if (building.empty()) continue;
        block.bind(1, h.compound).bind(2, h.place_name_id).bind(3, building);
        if (block.step()) {
            h.building = building;
            h.door_plate_id = block.column_int(0);
            h.standard_address = block.column_text(1);
            h.extent = BBox{block.column_double(2), block.column_double(3), block.column_double(2), block.column_double(3)};
        }
        block.reset();
    }
    if (!building.empty()) std::erase_if(out, [](const CompoundHit& h) { return h.building.empty(); });
    return out;
}

nlohmann::json to_json(const CompoundHit& h) {
    nlohmann::json j{{"compound", h.compound}, {"road", {{"id", h.place_name_id}, {"name", h.place_name}}}, {"town_code", h.town_code},
                     {"plates", h.plates}, {"standard_address", h.standard_address}, {"match", h.match}};
    if (!h.building.empty()) j["building"] = h.building;
    j["door_plate_id"] = h.door_plate_id ? nlohmann::json(*h.door_plate_id) : nlohmann::json(nullptr);
    j["bbox"] = bbox_json(h.extent);
    return j;
}

} // namespace diming::lookup
