#include "ogc/features.hpp"

#include "store/database.hpp"
#include "store/spatial_index.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>

namespace diming::ogc {

namespace {

using nlohmann::json;

constexpr const char* crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

struct CollectionDef {
    const char* id;
    const char* title;
    const char* description;
    const char* table;      // the table of the geometry
    const char* rtree;      // its SpatiaLite R*Tree
};

constexpr std::array<CollectionDef, 3> defs{{
    {"place_names", "Place names (地名)",
     "Standard names of roads, streets, lanes, villages, natural villages and compounds, with pinyin, category and status.",
     "place_names", "idx_place_names_geom"},
    {"door_plates", "Door plates (门牌)",
     "Door, building and room plates with their standard addresses, on their road or village.",
     "door_plates", "idx_door_plates_geom"},
    {"match_results", "Match results (latest run)",
     "Each police (一标三实) address of the latest match run with its match level, score and the civil-affairs address it was matched to.",
     "source_addresses", "idx_source_addresses_geom"},
}};

const CollectionDef* find_def(const std::string& id) {
    for (const auto& d : defs) {
        if (id == d.id) return &d;
    }
    return nullptr;
}

json link(const std::string& href, const char* rel, const char* type, const std::string& title = {}) {
    json l{{"href", href}, {"rel", rel}, {"type", type}};
    if (!title.empty()) l["title"] = title;
    return l;
}



// Each collection's query yields the integer feature id, the properties as a JSON object
// (SQLite's json_object) and the geometry, so that a page of features is assembled without
// building a JSON tree here. Point collections give the point's coordinates as two numbers
// (a point's bounding box is the point: SpatiaLite's MbrMinX/MbrMinY read them from the
// blob's header); formatting them here costs a tenth of AsGeoJSON, which parses the whole
// blob into a geometry first. Other collections give SpatiaLite's AsGeoJSON.
enum class Shape { point, any };

struct Source {
    const char* columns;
    const char* from;
    const char* id_column;
    const char* fixed_filter;  // "" or a condition on ?9 (the match run)
    Shape shape;
};

const Source& source_of(const std::string& id) {
    static const Source place_names{
        "p.id, json_object('name', p.name, 'pinyin', p.pinyin, 'category_code', p.category_code, "
        "'category', c.name, 'division_code', p.division_code, 'status', p.status, 'approval_doc', p.approval_doc, "
        "'approval_date', p.approval_date), AsGeoJSON(p.geom, 7)",
        "place_names p JOIN place_name_categories c ON c.code = p.category_code",
        "p.id", "", Shape::any};
    static const Source door_plates{
        "d.id, json_object('plate_type', d.plate_type, 'standard_address', d.standard_address, "
        "'place_name_id', d.place_name_id, 'place_name', p.name, 'hamlet', d.hamlet, 'number', d.number, 'suffix', d.suffix, "
        "'compound', d.compound, 'building', d.building, 'unit', d.unit, 'room', d.room, 'town_code', d.town_code, "
        "'community_code', d.community_code, 'status', d.status, 'parent_id', d.parent_id), MbrMinX(d.geom), MbrMinY(d.geom)",
        "door_plates d JOIN place_names p ON p.id = d.place_name_id",
        "d.id", "", Shape::point};
    static const Source match_results{
        "r.police_address_id, json_object('run_id', r.run_id, 'level', r.level, 'score', r.score, "
        "'distance_m', r.distance_m, 'spatially_consistent', r.spatially_consistent, 'ties', r.ties, 'reason', r.reason, "
        "'police_source_id', s.source_id, 'police_address', s.raw_address, 'civil_address_id', r.civil_address_id, "
        "'civil_address', c.raw_address, 'door_plate_id', c.door_plate_id), MbrMinX(s.geom), MbrMinY(s.geom)",
        "match_results r JOIN source_addresses s ON s.id = r.police_address_id "
        "LEFT JOIN source_addresses c ON c.id = r.civil_address_id",
        "r.police_address_id", "r.run_id = ?9", Shape::point};
    if (id == "place_names") return place_names;
    if (id == "door_plates") return door_plates;
    return match_results;
}

// A coordinate as AsGeoJSON(…, 7) writes it: seven decimals, trailing zeros dropped.
void append_coordinate(std::string& out, double v) {
    char buf[400]; // room for any double in fixed notation
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 7);
    if (ec != std::errc{} || !std::isfinite(v)) {
        out += "null";
        return;
    }
    while (end[-1] == '0') --end; // fixed notation with 7 decimals always has a '.'
    if (end[-1] == '.') --end;
    std::string_view text{buf, static_cast<std::size_t>(end - buf)};
    out += text == "-0" ? "0" : text;
}

std::string_view text_column(const store::Statement& s, int column) {
    return {reinterpret_cast<const char*>(sqlite3_column_text(s.get(), column)), static_cast<std::size_t>(sqlite3_column_bytes(s.get(), column))};
}

void write_feature(std::string& out, const store::Statement& s, Shape shape) {
    out += R"({"type":"Feature","id":)";
    out += std::to_string(s.column_int(0));
    out += R"(,"geometry":)";
    if (s.is_null(2)) {
        out += "null";
    } else if (shape == Shape::point) {
        out += R"({"type":"Point","coordinates":[)";
        append_coordinate(out, s.column_double(2));
        out += ',';
        append_coordinate(out, s.column_double(3));
        out += "]}";
    } else {
        out += text_column(s, 2);
    }
    out += R"(,"properties":)";
    out += text_column(s, 1);
    out += '}';
}

std::int64_t latest_run(store::Database& db) {
    auto& s = db.cached("SELECT coalesce(max(id), 0) FROM match_runs WHERE finished_at IS NOT NULL");
    s.step();
    const auto id = s.column_int(0);
    s.reset();
    return id;
}

// The collection's extent from its spatial index's root node.
std::optional<lookup::BBox> collection_extent(store::Database& db, const CollectionDef& d) {
    const auto e = store::indexed_extent(db, d.table);
    if (!e) return std::nullopt;
    return lookup::BBox{e->min_x, e->min_y, e->max_x, e->max_y};
}

json collection_json(store::Database& db, const std::string& base, const CollectionDef& d) {
    const std::string href = base + "/collections/" + d.id;
    json c{{"id", d.id},
           {"title", d.title},
           {"description", d.description},
           {"itemType", "feature"},
           {"crs", {crs84}},
           {"links",
            {link(href, "self", json_type, "this collection"),
             link(href + "/items", "items", geojson_type, "the features, as GeoJSON")}}};
    json spatial{{"crs", crs84}};
    if (const auto e = collection_extent(db, d)) {
        spatial["bbox"] = {{e->min_lon, e->min_lat, e->max_lon, e->max_lat}};
    } else {
        spatial["bbox"] = {{-180, -90, 180, 90}};
    }
    c["extent"] = {{"spatial", spatial}};
    return c;
}

std::int64_t count_features(store::Database& db, CountCache& cache, const std::string& id, const std::optional<lookup::BBox>& bbox,
                            std::int64_t run) {
    if (!bbox) {
        if (auto c = cache.get(db, id)) return *c;
    }
    // Boxes over the other collections are counted by the ids the page is picked from (items).
    std::string sql;
    if (id == "match_results") {
        sql = bbox ? "SELECT count(*) FROM match_results WHERE run_id = ?9 AND police_address_id IN "
                     "(SELECT pkid FROM idx_source_addresses_geom WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)"
                   : "SELECT count(*) FROM match_results WHERE run_id = ?9";
    } else {
        sql = "SELECT count(*) FROM " + id;
    }
    auto& s = db.cached(sql);
    if (bbox) s.bind(1, bbox->min_lon).bind(2, bbox->min_lat).bind(3, bbox->max_lon).bind(4, bbox->max_lat);
    if (id == "match_results") s.bind(9, run);
    s.step();
    const auto n = s.column_int(0);
    s.reset();
    if (!bbox) cache.put(id, n);
    return n;
}

std::string format_bbox(const lookup::BBox& b) {
    std::string out;
    for (double v : {b.min_lon, b.min_lat, b.max_lon, b.max_lat}) {
        if (!out.empty()) out += ',';
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", v);
        out += buf;
    }
    return out;
}

std::string now_utc() {
    char buf[32];
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace

std::optional<std::int64_t> CountCache::get(store::Database& db, const std::string& collection) {
    auto& s = db.cached("PRAGMA data_version");
    s.step();
    const auto version = s.column_int(0);
    s.reset();
    if (version != data_version_) {
        counts_.clear();
        data_version_ = version;
        return std::nullopt;
    }
    for (const auto& [c, n] : counts_) {
        if (c == collection) return n;
    }
    return std::nullopt;
}

void CountCache::put(const std::string& collection, std::int64_t count) { counts_.emplace_back(collection, count); }

bool has_collection(const std::string& id) { return find_def(id) != nullptr; }

std::string landing_page(const std::string& base) {
    return json{{"title", "diming place-name and door-plate registry"},
                {"description", "Place names, door plates and address match results of the registry, as OGC API - Features."},
                {"links",
                 {link(base, "self", json_type, "this document"),
                  link(base + "/api", "service-desc", openapi_type, "the API definition"),
                  link(base + "/conformance", "conformance", json_type, "conformance classes"),
                  link(base + "/collections", "data", json_type, "the collections")}}}
        .dump();
}

std::string conformance() {
    return json{{"conformsTo",
                 {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"}}}
        .dump();
}

std::string api_definition(const std::string& base) {
    const json limit{{"name", "limit"}, {"in", "query"}, {"required", false}, {"style", "form"}, {"explode", false},
                     {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", max_limit}, {"default", default_limit}}}};
    const json bbox{{"name", "bbox"}, {"in", "query"}, {"required", false}, {"style", "form"}, {"explode", false},
                    {"schema", {{"type", "array"}, {"minItems", 4}, {"maxItems", 4}, {"items", {{"type", "number"}}}}}};
    const json after{{"name", "after"}, {"in", "query"}, {"required", false},
                     {"description", "keyset cursor: features with an id greater than this (use the next link)"},
                     {"schema", {{"type", "integer"}}}};
    const json offset{{"name", "offset"}, {"in", "query"}, {"required", false}, {"schema", {{"type", "integer"}, {"minimum", 0}}}};
    const json collection_id{{"name", "collectionId"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
    const json feature_id{{"name", "featureId"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}};
    auto ok = [](const char* type) { return json{{"200", {{"description", "OK"}, {"content", {{type, json::object()}}}}}}; };
    return json{{"openapi", "3.0.3"},
                {"info", {{"title", "diming OGC API - Features"}, {"version", "1.0.0"}}},
                {"servers", {{{"url", base}}}},
                {"paths",
                 {{"/", {{"get", {{"summary", "landing page"}, {"responses", ok(json_type)}}}}},
                  {"/conformance", {{"get", {{"summary", "conformance classes"}, {"responses", ok(json_type)}}}}},
                  {"/collections", {{"get", {{"summary", "the collections"}, {"responses", ok(json_type)}}}}},
                  {"/collections/{collectionId}",
                   {{"get", {{"summary", "one collection"}, {"parameters", {collection_id}}, {"responses", ok(json_type)}}}}},
                  {"/collections/{collectionId}/items",
                   {{"get",
                     {{"summary", "features"},
                      {"parameters", {collection_id, limit, bbox, after, offset}},
                      {"responses", ok(geojson_type)}}}}},
                  {"/collections/{collectionId}/items/{featureId}",
                   {{"get", {{"summary", "one feature"}, {"parameters", {collection_id, feature_id}}, {"responses", ok(geojson_type)}}}}}}}}
        .dump();
}

std::string collections(store::Database& db, const std::string& base) {
    json list = json::array();
    for (const auto& d : defs) list.push_back(collection_json(db, base, d));
    return json{{"links", {link(base + "/collections", "self", json_type, "the collections")}}, {"collections", std::move(list)}}.dump();
}

std::optional<std::string> collection(store::Database& db, const std::string& base, const std::string& id) {
    const auto* d = find_def(id);
    if (!d) return std::nullopt;
    return collection_json(db, base, *d).dump();
}

std::string items(store::Database& db, CountCache& counts, const std::string& base, const std::string& id, const ItemsQuery& q) {
    const auto* d = find_def(id);
    if (!d) throw lookup::query_error{"collectionId", "no collection '" + id + "'"};
    if (q.limit < 1 || q.limit > max_limit) throw lookup::query_error{"limit", "must be between 1 and " + std::to_string(max_limit)};
    if (q.offset < 0) throw lookup::query_error{"offset", "must not be negative"};

    const Source& src = source_of(id);
    const store::ReadSnapshot snapshot{db};
    const std::int64_t run = id == "match_results" ? latest_run(db) : 0;
    // A box that holds the whole collection filters nothing: page by id instead of through the index.
    std::optional<lookup::BBox> bbox = q.bbox;
    if (bbox) {
        if (const auto e = collection_extent(db, *d); e && bbox->contains(*e)) bbox.reset();
    }
    std::string out;
    int returned = 0;
    bool more = false;
    std::int64_t last_id = 0;
    auto begin_page = [&](std::int64_t matched) {
        out = R"({"type":"FeatureCollection","numberMatched":)" + std::to_string(matched) + R"(,"features":[)";
        out.reserve(static_cast<std::size_t>(q.limit) * 600 + 1024);
    };
    // Appends the statement's row as a feature; false once the page is full (one row past
    // the limit tells whether there is a next page).
    auto take = [&](const store::Statement& row) {
        if (returned == q.limit) {
            more = true;
            return false;
        }
        if (returned) out += ',';
        write_feature(out, row, src.shape);
        last_id = row.column_int(0);
        ++returned;
        return true;
    };

    if (bbox && id != "match_results") {
        // One pass over the R*Tree gives both numberMatched and the page: the ids in the box,
        // the page's ids (the smallest after the cursor) picked out and sorted, then their
        // features in one statement (one set of cursors rather than one per feature).
        auto ids = store::ids_in_box(db, d->rtree, {bbox->min_lon, bbox->min_lat, bbox->max_lon, bbox->max_lat});
        begin_page(static_cast<std::int64_t>(ids.size()));
        auto first = ids.begin();
        if (q.after) first = std::partition(ids.begin(), ids.end(), [after = *q.after](std::int64_t v) { return v <= after; });
        const auto wanted = std::min<std::int64_t>(q.offset + q.limit + 1, ids.end() - first);
        std::partial_sort(first, first + wanted, ids.end());
        std::string page = "[";
        for (auto it = first + std::min<std::int64_t>(q.offset, wanted); it != first + wanted; ++it) {
            if (page.size() > 1) page += ',';
            page += std::to_string(*it);
        }
        page += ']';
        auto& s = db.cached(std::string{"SELECT "} + src.columns + " FROM json_each(?8) AS page CROSS JOIN " + src.from + " WHERE " +
                            src.id_column + " = page.value ORDER BY page.key");
        s.bind(8, page);
        while (s.step() && take(s)) {
        }
        s.reset();
    } else {
        begin_page(count_features(db, counts, id, bbox, run));
        std::string sql = std::string{"SELECT "} + src.columns + " FROM " + src.from + " WHERE " + src.id_column + " > ?5";
        if (*src.fixed_filter) sql += std::string{" AND "} + src.fixed_filter;
        if (bbox) { // match results: the police addresses in the box
            sql += std::string{" AND "} + src.id_column + " IN (SELECT pkid FROM " + d->rtree +
                   " WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)";
        }
        sql += std::string{" ORDER BY "} + src.id_column + " LIMIT ?6 OFFSET ?7";
        auto& s = db.cached(sql);
        if (bbox) s.bind(1, bbox->min_lon).bind(2, bbox->min_lat).bind(3, bbox->max_lon).bind(4, bbox->max_lat);
        s.bind(5, q.after.value_or(std::numeric_limits<std::int64_t>::min()));
        s.bind(6, q.limit + 1).bind(7, q.offset);
        if (*src.fixed_filter) s.bind(9, run);
        while (s.step() && take(s)) {
        }
        s.reset();
    }

    const std::string items_url = base + "/collections/" + id + "/items";
    std::string self = items_url + "?limit=" + std::to_string(q.limit);
    if (q.bbox) self += "&bbox=" + format_bbox(*q.bbox);
    std::string next_query = self;
    if (q.after) self += "&after=" + std::to_string(*q.after);
    if (q.offset) self += "&offset=" + std::to_string(q.offset);
    json links = {link(self, "self", geojson_type, "this page"),
                  link(base + "/collections/" + id, "collection", json_type, "the collection")};
    if (more) links.push_back(link(next_query + "&after=" + std::to_string(last_id), "next", geojson_type, "the next page"));

    out += R"(],"numberReturned":)" + std::to_string(returned);
    out += R"(,"timeStamp":")" + now_utc() + "\"";
    out += R"(,"links":)" + links.dump() + "}";
    return out;
}

std::optional<std::string> item(store::Database& db, const std::string& base, const std::string& id, std::int64_t fid) {
    if (!find_def(id)) return std::nullopt;
    const Source& src = source_of(id);
    std::string sql = std::string{"SELECT "} + src.columns + " FROM " + src.from + " WHERE " + src.id_column + " = ?5";
    if (*src.fixed_filter) sql += std::string{" AND "} + src.fixed_filter;
    auto& s = db.cached(sql);
    s.bind(5, fid);
    if (*src.fixed_filter) s.bind(9, latest_run(db));
    if (!s.step()) {
        s.reset();
        return std::nullopt;
    }
    std::string feature;
    write_feature(feature, s, src.shape);
    s.reset();
    // Add the links a client uses to go back to the collection.
    feature.pop_back();
    const std::string href = base + "/collections/" + id + "/items/" + std::to_string(fid);
    feature += R"(,"links":)" +
               json{link(href, "self", geojson_type, "this feature"), link(base + "/collections/" + id, "collection", json_type, "the collection")}
                   .dump() +
               "}";
    return feature;
}

} // namespace diming::ogc
