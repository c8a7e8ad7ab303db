#include "lookup/address_lookup.hpp"

#include "address/components_json.hpp"
#include "address/gazetteer.hpp"
#include "address/normalize.hpp"
#include "address/parser.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace diming::lookup {

namespace {

struct Place {
    std::int64_t id;
    std::string name;
    double score;        // 1 when the text names it; a candidate's score otherwise
    std::string note;
};

struct PlateRow {
    std::int64_t id;
    std::string address;
    LonLat point;
};

std::optional<PlateRow> read_plate(store::Statement& s) {
    if (!s.step()) {
        s.reset();
        return std::nullopt;
    }
    PlateRow r{s.column_int(0), s.column_text(1), {s.column_double(2), s.column_double(3)}};
    s.reset();
    return r;
}

// Registered places of that name (in the parsed town when there is one).
std::vector<Place> places_named(store::Database& db, const std::string& name, const std::string& town_code,
                                const char* categories) {
    auto& s = db.cached(
        "SELECT id, name FROM place_names WHERE name = ?1 AND status IN ('approved','registered') "
        "AND (?2 = '' OR substr(division_code, 1, 9) = substr(?2, 1, 9)) AND (?3 = '' OR instr(?3, '|' || category_code || '|') > 0) "
        "ORDER BY id");
    s.bind(1, name).bind(2, town_code).bind(3, categories);
    std::vector<Place> out;
    while (s.step()) out.push_back({s.column_int(0), s.column_text(1), 1.0, ""});
    s.reset();
    return out;
}

std::vector<Place> resolve_places(store::Database& db, const address::AddressComponents& a, std::string& hamlet) {
    using address::Level;
    if (const auto* road = a.get(Level::road)) {
        const std::string name = a.value(Level::road);
        auto found = places_named(db, name, a.town_code, "");
        if (found.empty() && !a.town_code.empty()) found = places_named(db, name, "", "");
        if (road->how == "former-name" || road->how == "alias") {
            for (auto& p : found) p.note = "'" + road->source + "' is a former name or alias of " + p.name;
        }
        if (!found.empty()) return found;
        std::vector<Place> guesses;
        for (const auto& c : a.road_candidates) {
            for (auto& p : places_named(db, c.name, "", "")) {
                p.score = c.score;
                p.note = "road '" + road->text + "' is not registered; read as " + c.name + " (" + c.reason + ")";
                guesses.push_back(std::move(p));
            }
        }
        return guesses;
    }
    if (a.get(Level::hamlet) && a.get(Level::community)) {
        hamlet = a.value(Level::hamlet);
        return places_named(db, a.value(Level::community), a.town_code, "|21610|21620|");
    }
    if (const auto* compound = a.get(Level::compound)) return places_named(db, compound->text, a.town_code, "");
    if (a.get(Level::community) && a.get(Level::number)) return places_named(db, a.value(Level::community), a.town_code, "|21610|21620|");
    return {};
}

std::optional<LonLat> place_point(store::Database& db, std::int64_t id) {
    // A point on the geometry (the middle of a road), for road-level answers.
    auto& s = db.cached(
        "SELECT X(p), Y(p) FROM (SELECT CASE WHEN GeometryType(geom) LIKE '%LINESTRING' "
        "THEN ST_Line_Interpolate_Point(CastToLinestring(geom), 0.5) ELSE ST_PointOnSurface(geom) END AS p "
        "FROM place_names WHERE id = ?1 AND geom IS NOT NULL)");
    s.bind(1, id);
    if (!s.step() || s.is_null(0)) {
        s.reset();
        return std::nullopt;
    }
    LonLat p{s.column_double(0), s.column_double(1)};
    s.reset();
    return p;
}

std::string nearest_numbers(store::Database& db, std::int64_t place, const std::string& hamlet, long number) {
    // The numbers on the same side (same parity) either side of the missing one.
    auto& below = db.cached(
        "SELECT number, suffix FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 AND plate_type = 'door' "
        "AND status <> 'cancelled' AND number < ?3 AND number % 2 = ?3 % 2 ORDER BY number DESC, suffix DESC LIMIT 1");
    auto& above = db.cached(
        "SELECT number, suffix FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 AND plate_type = 'door' "
        "AND status <> 'cancelled' AND number > ?3 AND number % 2 = ?3 % 2 ORDER BY number, suffix LIMIT 1");
    std::vector<std::string> found;
    for (auto* s : {&below, &above}) {
        s->bind(1, place).bind(2, hamlet).bind(3, static_cast<std::int64_t>(number));
        if (s->step()) found.push_back(std::to_string(s->column_int(0)) + (s->column_text(1).empty() ? "" : "-" + s->column_text(1)));
        s->reset();
    }
    if (found.empty()) return "no numbers on that side";
    std::string out = "nearest on that side: ";
    for (std::size_t i = 0; i < found.size(); ++i) out += (i ? ", " : "") + found[i];
    return out;
}

AddressHit plate_hit(const PlateRow& p, const Place& place, const char* level, double score) {
    AddressHit h;
    h.level = level;
    h.score = score;
    h.door_plate_id = p.id;
    h.standard_address = p.address;
    h.point = p.point;
    h.place_name_id = place.id;
    h.place_name = place.name;
    if (!place.note.empty()) h.notes.push_back(place.note);
    return h;
}

// The place itself (a road or village without the plate asked for), at a point on it.
AddressHit place_hit(store::Database& db, const Place& place, const char* level, double score) {
    AddressHit h;
    h.level = level;
    h.score = score * place.score;
    h.place_name_id = place.id;
    h.place_name = place.name;
    h.point = place_point(db, place.id);
    h.standard_address = place.name;
    if (!place.note.empty()) h.notes.push_back(place.note);
    return h;
}

AddressHit geocode_in(store::Database& db, const address::AddressComponents& a, const Place& place, const std::string& hamlet) {
    using address::Level;
    const auto* number = a.get(Level::number);
    long n = 0;
    if (number) {
        try {
            n = std::stol(number->text);
        } catch (const std::exception&) {
            number = nullptr;
        }
    }
    if (!number) return place_hit(db, place, a.get(Level::road) ? "road" : "place", 0.5);
    auto& door = db.cached(
        "SELECT id, standard_address, X(geom), Y(geom) FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 "
        "AND number = ?3 AND suffix = ?4 AND plate_type = 'door' AND status <> 'cancelled'");
    door.bind(1, place.id).bind(2, hamlet).bind(3, static_cast<std::int64_t>(n)).bind(4, a.suffix);
    const auto plate = read_plate(door);
    if (!plate) {
        auto h = place_hit(db, place, "road", 0.4);
        h.notes.push_back("no door plate " + number->text + (a.suffix.empty() ? "" : "-" + a.suffix) + " on " + place.name +
                          (hamlet.empty() ? "" : " " + hamlet) + "; " + nearest_numbers(db, place.id, hamlet, n));
        return h;
    }
    if (!a.get(Level::building)) return plate_hit(*plate, place, "plate", place.score);
    auto& building = db.cached(
        "SELECT id, standard_address, X(geom), Y(geom) FROM door_plates WHERE parent_id = ?1 AND plate_type = 'building' "
        "AND building = ?2 AND status <> 'cancelled'");
    building.bind(1, plate->id).bind(2, a.value(Level::building));
    const auto b = read_plate(building);
    if (!b) {
        auto h = plate_hit(*plate, place, "plate", 0.9 * place.score);
        h.notes.push_back("no building " + a.value(Level::building) + " under " + plate->address);
        return h;
    }
    if (!a.get(Level::room)) return plate_hit(*b, place, "building", place.score);
    auto& room = db.cached(
        "SELECT id, standard_address, X(geom), Y(geom) FROM door_plates WHERE parent_id = ?1 AND plate_type = 'room' "
        "AND room = ?2 AND (?3 = '' OR unit = ?3) AND status <> 'cancelled' ORDER BY unit LIMIT 1");
    room.bind(1, b->id).bind(2, a.value(Level::room)).bind(3, a.value(Level::unit));
    const auto r = read_plate(room);
    if (!r) {
        auto h = plate_hit(*b, place, "building", 0.9 * place.score);
        h.notes.push_back("no room " + a.value(Level::room) + " under " + b->address);
        return h;
    }
    return plate_hit(*r, place, "room", place.score);
}

// A compound written without its road (某某苑1幢1单元101室): found by the plates that carry
// it, then down to the building and room asked for.
std::vector<AddressHit> geocode_compound(store::Database& db, const address::AddressComponents& a) {
    using address::Level;
    const std::string compound = a.value(Level::compound), building = a.value(Level::building);
    const std::string note = "found by the compound " + compound + " (no road written)";
    std::vector<AddressHit> out;
    auto& plates = db.cached(
        "SELECT d.id, d.standard_address, X(d.geom), Y(d.geom), d.place_name_id, p.name FROM door_plates d "
        "JOIN place_names p ON p.id = d.place_name_id WHERE d.compound = ?1 AND d.plate_type = ?2 AND (?3 = '' OR d.building = ?3) "
        "AND d.status <> 'cancelled' AND (?4 = '' OR substr(d.town_code, 1, 9) = substr(?4, 1, 9)) ORDER BY d.id LIMIT 5");
    plates.bind(1, compound).bind(2, building.empty() ? "door" : "building").bind(3, building).bind(4, a.town_code);
    std::vector<std::pair<PlateRow, Place>> found;
    while (plates.step()) {
        found.push_back({PlateRow{plates.column_int(0), plates.column_text(1), {plates.column_double(2), plates.column_double(3)}},
                         Place{plates.column_int(4), plates.column_text(5), 1.0, note}});
    }
    plates.reset();
    for (const auto& [plate, place] : found) {
        if (building.empty() || !a.get(Level::room)) {
            out.push_back(plate_hit(plate, place, building.empty() ? "compound" : "building", building.empty() ? 0.8 : 1.0));
            continue;
        }
        auto& room = db.cached(
            "SELECT id, standard_address, X(geom), Y(geom) FROM door_plates WHERE parent_id = ?1 AND plate_type = 'room' "
            "AND room = ?2 AND (?3 = '' OR unit = ?3) AND status <> 'cancelled' ORDER BY unit LIMIT 1");
        room.bind(1, plate.id).bind(2, a.value(Level::room)).bind(3, a.value(Level::unit));
        if (const auto r = read_plate(room)) {
            out.push_back(plate_hit(*r, place, "room", 1.0));
        } else {
            auto h = plate_hit(plate, place, "building", 0.9);
            h.notes.push_back("no room " + a.value(Level::room) + " under " + plate.address);
            out.push_back(std::move(h));
        }
    }
    return out;
}

} // namespace

GeocodeResult geocode(store::Database& db, const address::Gazetteer& gazetteer, const std::string& text, int limit) {
    if (limit < 1 || limit > max_geocode_limit) throw query_error{"limit", "must be between 1 and " + std::to_string(max_geocode_limit)};
    const std::string q = parse_text(text, "q", 200);
    if (q.empty()) throw query_error{"q", "give an address to look up"};
    GeocodeResult result;
    result.parsed = address::parse(q, gazetteer);
    std::string hamlet;
    for (const auto& place : resolve_places(db, result.parsed, hamlet)) {
        result.hits.push_back(geocode_in(db, result.parsed, place, hamlet));
    }
    if (result.hits.empty() && result.parsed.get(address::Level::compound) && !result.parsed.get(address::Level::road)) {
        result.hits = geocode_compound(db, result.parsed);
    }
    std::stable_sort(result.hits.begin(), result.hits.end(), [](const AddressHit& a, const AddressHit& b) { return a.score > b.score; });
    if (result.hits.size() > static_cast<std::size_t>(limit)) result.hits.resize(static_cast<std::size_t>(limit));
    return result;
}

ReverseResult reverse_geocode(store::Database& db, LonLat point, double radius_m, int limit) {
    if (!(radius_m > 0 && radius_m <= max_reverse_radius_m)) {
        throw query_error{"radius", "must be more than 0 and at most " + std::to_string(static_cast<long>(max_reverse_radius_m)) + " metres"};
    }
    if (limit < 1 || limit > max_geocode_limit) throw query_error{"limit", "must be between 1 and " + std::to_string(max_geocode_limit)};
    const BBox box = box_around(point, radius_m);
    ReverseResult out;
    // The R*Tree narrows to the box; distances are then measured in EPSG:4549.
    auto& plates = db.cached(
        "SELECT d.id, d.standard_address, X(d.geom), Y(d.geom), p.id, p.name, "
        "ST_Distance(ST_Transform(d.geom, 4549), ST_Transform(MakePoint(?5, ?6, 4490), 4549)) AS dist "
        "FROM door_plates d JOIN place_names p ON p.id = d.place_name_id "
        "WHERE d.id IN (SELECT pkid FROM idx_door_plates_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4) "
        "AND d.plate_type = 'door' AND d.status <> 'cancelled' AND dist <= ?7 ORDER BY dist, d.id LIMIT ?8");
    plates.bind(1, box.min_lon).bind(2, box.min_lat).bind(3, box.max_lon).bind(4, box.max_lat)
        .bind(5, point.lon).bind(6, point.lat).bind(7, radius_m).bind(8, limit);
    while (plates.step()) {
        AddressHit h;
        h.level = "plate";
        h.score = 1;
        h.door_plate_id = plates.column_int(0);
        h.standard_address = plates.column_text(1);
        h.point = LonLat{plates.column_double(2), plates.column_double(3)};
        h.place_name_id = plates.column_int(4);
        h.place_name = plates.column_text(5);
        h.distance_m = plates.column_double(6);
        out.plates.push_back(std::move(h));
    }
    plates.reset();
    auto& road = db.cached(
        "SELECT p.id, p.name, ST_Distance(ST_Transform(p.geom, 4549), ST_Transform(MakePoint(?5, ?6, 4490), 4549)) AS dist, "
        "X(ST_ClosestPoint(p.geom, MakePoint(?5, ?6, 4490))), Y(ST_ClosestPoint(p.geom, MakePoint(?5, ?6, 4490))) "
        "FROM place_names p WHERE p.id IN (SELECT pkid FROM idx_place_names_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4) "
        "AND GeometryType(p.geom) LIKE '%LINESTRING' AND p.status IN ('approved','registered') AND dist <= ?7 ORDER BY dist, p.id LIMIT 1");
    road.bind(1, box.min_lon).bind(2, box.min_lat).bind(3, box.max_lon).bind(4, box.max_lat)
        .bind(5, point.lon).bind(6, point.lat).bind(7, radius_m);
    if (road.step()) {
        AddressHit h;
        h.level = "road";
        h.score = 1;
        h.place_name_id = road.column_int(0);
        h.place_name = road.column_text(1);
        h.standard_address = h.place_name;
        h.distance_m = road.column_double(2);
        if (!road.is_null(3)) h.point = LonLat{road.column_double(3), road.column_double(4)};
        out.road = std::move(h);
    }
    road.reset();
    return out;
}

nlohmann::json to_json(const AddressHit& h) {
    nlohmann::json j{{"level", h.level},
                     {"score", std::round(h.score * 1000) / 1000},
                     {"standard_address", h.standard_address},
                     {"place", {{"id", h.place_name_id}, {"name", h.place_name}}}};
    j["door_plate_id"] = h.door_plate_id ? nlohmann::json(*h.door_plate_id) : nlohmann::json(nullptr);
    j["point"] = point_json(h.point);
    if (h.distance_m) j["distance_m"] = std::round(*h.distance_m * 10) / 10;
    if (!h.notes.empty()) j["notes"] = h.notes;
    return j;
}

nlohmann::json to_json(const GeocodeResult& r) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : r.hits) hits.push_back(to_json(h));
    return {{"query", r.parsed.input}, {"parsed", address::to_json(r.parsed)}, {"hits", std::move(hits)}};
}

nlohmann::json to_json(const ReverseResult& r) {
    nlohmann::json plates = nlohmann::json::array();
    for (const auto& h : r.plates) plates.push_back(to_json(h));
    return {{"plates", std::move(plates)}, {"road", r.road ? to_json(*r.road) : nlohmann::json(nullptr)}};
}

} // namespace diming::lookup
