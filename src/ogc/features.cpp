#include "ogc/features.hpp"

#include "core/calendar.hpp"
#include "ogc/collections.hpp"
#include "ogc/cql2.hpp"
#include "ogc/datetime.hpp"
#include "store/database.hpp"
#include "store/spatial_index.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace diming::ogc {

namespace {

using nlohmann::json;

json link(const std::string& href, const char* rel, const char* type, const std::string& title = {}) {
    json l{{"href", href}, {"rel", rel}, {"type", type}};
    if (!title.empty()) l["title"] = title;
    return l;
}

std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

const Crs& crs_or_default(const Crs* c) { return c ? *c : supported_crs().front(); }

// A coordinate with `decimals` decimals, trailing zeros dropped (as AsGeoJSON writes them).
void append_coordinate(std::string& out, double v, int decimals) {
    char buf[400]; // room for any double in fixed notation
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    if (ec != std::errc{} || !std::isfinite(v)) {
        out += "null";
        return;
    }
    while (end[-1] == '0') --end; // fixed notation with decimals always has a '.'
    if (end[-1] == '.') --end;
    std::string_view text{buf, static_cast<std::size_t>(end - buf)};
    out += text == "-0" ? "0" : text;
}

void append_position(std::string& out, double lon, double lat, const Crs& crs) {
    const auto [a, b] = transform_to(crs).forward(lon, lat);
    out += '[';
    append_coordinate(out, a, crs.decimals);
    out += ',';
    append_coordinate(out, b, crs.decimals);
    out += ']';
}

// GeoJSON coordinates (nested arrays of positions) into `crs`.
void append_coordinates(std::string& out, const json& c, const Crs& crs) {
    if (c.size() >= 2 && c[0].is_number()) {
        append_position(out, c[0].get<double>(), c[1].get<double>(), crs);
        return;
    }
    out += '[';
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (i) out += ',';
        append_coordinates(out, c[i], crs);
    }
    out += ']';
}

std::string_view text_column(const store::Statement& s, int column) {
    return {reinterpret_cast<const char*>(sqlite3_column_text(s.get(), column)), static_cast<std::size_t>(sqlite3_column_bytes(s.get(), column))};
}

void write_feature(std::string& out, const store::Statement& s, Shape shape, const Crs& crs) {
    out += R"({"type":"Feature","id":)";
    out += std::to_string(s.column_int(0));
    out += R"(,"geometry":)";
    if (s.is_null(2)) {
        out += "null";
    } else if (shape == Shape::point) {
        out += R"({"type":"Point","coordinates":)";
        append_position(out, s.column_double(2), s.column_double(3), crs);
        out += '}';
    } else if (crs.stored) {
        out += text_column(s, 2);
    } else {
        const auto g = json::parse(text_column(s, 2));
        out += R"({"type":)" + g["type"].dump() + R"(,"coordinates":)";
        append_coordinates(out, g["coordinates"], crs);
        out += '}';
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
std::optional<lookup::BBox> collection_extent(store::Database& db, const Collection& d) {
    const auto e = store::indexed_extent(db, d.table);
    if (!e) return std::nullopt;
    return lookup::BBox{e->min_x, e->min_y, e->max_x, e->max_y};
}

json collection_json(store::Database& db, CountCache& cache, const std::string& base, const Collection& d) {
    const std::string href = base + "/collections/" + d.id;
    json crs = json::array();
    for (const auto& c : supported_crs()) crs.push_back(c.uri);
    json c{{"id", d.id},
           {"title", d.title},
           {"description", d.description},
           {"itemType", "feature"},
           {"crs", std::move(crs)},
           {"storageCrs", "http://www.opengis.net/def/crs/EPSG/0/4490"},
           {"geometryType", d.geometry_type},
           {"links",
            {link(href, "self", json_type, "this collection"), link(href + "?f=html", "alternate", "text/html", "this collection as HTML"),
             link(href + "/items", "items", geojson_type, "the features, as GeoJSON"),
             link(href + "/items?f=html", "items", "text/html", "the features, as HTML"),
             link(href + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", schema_type, "the properties a filter may use")}}};
    json spatial{{"crs", crs84_uri}};
    if (const auto e = collection_extent(db, d)) {
        spatial["bbox"] = {{e->min_lon, e->min_lat, e->max_lon, e->max_lat}};
    } else {
        spatial["bbox"] = {{-180, -90, 180, 90}};
    }
    c["extent"] = {{"spatial", spatial}};
    if (d.temporal) {
        json interval = json::array();
        if (auto known = cache.get_extent(db, d.id)) {
            interval = json::parse(*known);
        } else {
            auto& s = db.cached(std::string{"SELECT min("} + d.temporal + "), max(" + d.temporal + ") FROM " + d.from);
            s.step();
            // Built element by element: an initializer list of two strings would make an object.
            interval.push_back(s.is_null(0) ? json(nullptr) : json(s.column_text(0)));
            interval.push_back(s.is_null(1) ? json(nullptr) : json(s.column_text(1)));
            s.reset();
            cache.put_extent(d.id, interval.dump());
        }
        json intervals = json::array();
        intervals.push_back(std::move(interval));
        c["extent"]["temporal"] = {{"interval", std::move(intervals)}, {"trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}};
    }
    return c;
}

// Counted once per connection until the registry changes, for the pages without a box.
std::int64_t count_features(store::Database& db, CountCache& cache, const Collection& d, const std::optional<lookup::BBox>& bbox,
                            std::int64_t run) {
    if (!bbox) {
        if (auto c = cache.get(db, d.id)) return *c;
    }
    std::string sql;
    if (!*d.where && !bbox) {
        sql = std::string{"SELECT count(*) FROM "} + d.table; // the whole table: its own count
    } else {
        sql = std::string{"SELECT count(*) FROM "} + d.from + " WHERE 1";
        if (*d.where) sql += std::string{" AND "} + d.where;
        if (bbox) sql += std::string{" AND "} + d.rtree_key + " IN (SELECT pkid FROM " + d.rtree + " WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)";
    }
    auto& s = db.cached(sql);
    if (bbox) s.bind(1, bbox->min_lon).bind(2, bbox->min_lat).bind(3, bbox->max_lon).bind(4, bbox->max_lat);
    if (sql.find("?9") != std::string::npos) s.bind(9, run);
    s.step();
    const auto n = s.column_int(0);
    s.reset();
    if (!bbox) cache.put(d.id, n);
    return n;
}

void bind_value(store::Statement& s, int index, const SqlValue& v) {
    std::visit([&](const auto& x) { s.bind(index, x); }, v);
}

constexpr int datetime_param = 10; // ?10, ?11
constexpr int filter_param = 20;   // ?20 …
constexpr std::size_t max_cached_statements = 300; // per connection, filter shapes included

} // namespace

void CountCache::check(store::Database& db) {
    auto& s = db.cached("PRAGMA data_version");
    s.step();
    const auto version = s.column_int(0);
    s.reset();
    if (version != data_version_) {
        counts_.clear();
        extents_.clear();
        data_version_ = version;
    }
}

std::optional<std::int64_t> CountCache::get(store::Database& db, const std::string& collection) {
    check(db);
    for (const auto& [c, n] : counts_) {
        if (c == collection) return n;
    }
    return std::nullopt;
}

void CountCache::put(const std::string& collection, std::int64_t count) { counts_.emplace_back(collection, count); }

std::optional<std::string> CountCache::get_extent(store::Database& db, const std::string& collection) {
    check(db);
    for (const auto& [c, e] : extents_) {
        if (c == collection) return e;
    }
    return std::nullopt;
}

void CountCache::put_extent(const std::string& collection, std::string interval_json) { extents_.emplace_back(collection, std::move(interval_json)); }

bool has_collection(const std::string& id) { return find_collection(id) != nullptr; }

bool has_temporal(const std::string& id) {
    const auto* c = find_collection(id);
    return c && c->temporal;
}

std::string landing_page(const std::string& base) {
    return json{{"title", "diming place-name and door-plate registry"},
                {"description", "Place names, divisions, door plates and address match results of the registry, as OGC API - Features."},
                {"links",
                 {link(base, "self", json_type, "this document"), link(base + "?f=html", "alternate", "text/html", "this document as HTML"),
                  link(base + "/api", "service-desc", openapi_type, "the API definition"),
                  link(base + "/conformance", "conformance", json_type, "conformance classes"),
                  link(base + "/collections", "data", json_type, "the collections")}}}
        .dump();
}

std::string conformance() {
    return json{{"conformsTo",
                 {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                  "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
                  "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
                  "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2"}}}
        .dump();
}

std::string collections(store::Database& db, CountCache& cache, const std::string& base) {
    json list = json::array();
    for (const auto& d : all_collections()) list.push_back(collection_json(db, cache, base, d));
    json crs = json::array();
    for (const auto& c : supported_crs()) crs.push_back(c.uri);
    return json{{"links",
                 {link(base + "/collections", "self", json_type, "the collections"),
                  link(base + "/collections?f=html", "alternate", "text/html", "the collections as HTML")}},
                {"crs", std::move(crs)},
                {"collections", std::move(list)}}
        .dump();
}

std::optional<std::string> collection(store::Database& db, CountCache& cache, const std::string& base, const std::string& id) {
    const auto* d = find_collection(id);
    if (!d) return std::nullopt;
    return collection_json(db, cache, base, *d).dump();
}

std::optional<std::string> queryables(const std::string& base, const std::string& id) {
    const auto* d = find_collection(id);
    if (!d) return std::nullopt;
    json props = json::object();
    for (const auto& q : d->queryables) {
        json p{{"title", q.title}};
        switch (q.type) {
        case QueryableType::string: p["type"] = "string"; break;
        case QueryableType::integer: p["type"] = "integer"; break;
        case QueryableType::number: p["type"] = "number"; break;
        case QueryableType::boolean: p["type"] = "boolean"; break;
        case QueryableType::date: p["type"] = "string"; p["format"] = "date"; break;
        case QueryableType::datetime: p["type"] = "string"; p["format"] = "date-time"; break;
        }
        props[q.name] = std::move(p);
    }
    std::string geometry_format = "geometry-any";
    if (std::string{d->geometry_type} == "Point") geometry_format = "geometry-point";
    else if (std::string{d->geometry_type} == "LineString") geometry_format = "geometry-linestring";
    else if (std::string{d->geometry_type} == "MultiPolygon") geometry_format = "geometry-multipolygon";
    props["geometry"] = {{"title", "geometry"}, {"format", geometry_format}, {"x-ogc-role", "primary-geometry"}};
    return json{{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                {"$id", base + "/collections/" + id + "/queryables"},
                {"type", "object"},
                {"title", d->title},
                {"properties", std::move(props)},
                {"additionalProperties", false}}
        .dump();
}

std::string items(store::Database& db, CountCache& counts, const std::string& base, const std::string& id, const ItemsQuery& q) {
    const auto* d = find_collection(id);
    if (!d) throw lookup::query_error{"collectionId", "no collection '" + id + "'"};
    if (q.limit < 1 || q.limit > max_limit) throw lookup::query_error{"limit", "must be between 1 and " + std::to_string(max_limit)};
    if (q.offset < 0) throw lookup::query_error{"offset", "must not be negative"};
    const Crs& crs = crs_or_default(q.crs);

    // The filters, each with its values bound at its own parameters.
    std::optional<SqlCondition> time_filter, cql;
    if (q.datetime && d->temporal) time_filter = datetime_condition(parse_datetime(*q.datetime), d->temporal, d->temporal_type, datetime_param);
    else if (q.datetime) parse_datetime(*q.datetime); // still refused when malformed
    if (q.filter) cql = parse_cql2_text(*q.filter, d->queryables, filter_param);
    const bool filtered = time_filter || cql;

    const store::ReadSnapshot snapshot{db};
    const std::int64_t run = std::string{d->where}.find("?9") != std::string::npos ? latest_run(db) : 0;
    // A box that holds the whole collection filters nothing: page by id instead of through the index.
    std::optional<lookup::BBox> bbox = q.bbox;
    if (bbox) {
        if (const auto e = collection_extent(db, *d); e && bbox->contains(*e)) bbox.reset();
    }
    std::string out;
    int returned = 0;
    bool more = false;
    std::int64_t last_id = 0;
    auto begin_page = [&](std::optional<std::int64_t> matched) {
        out = R"({"type":"FeatureCollection",)";
        if (matched) out += R"("numberMatched":)" + std::to_string(*matched) + ",";
        out += R"("features":[)";
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
        write_feature(out, row, d->shape, crs);
        last_id = row.column_int(0);
        ++returned;
        return true;
    };
    const std::string select = std::string{"SELECT "} + d->columns + ", " + d->geometry;

    if (bbox && !filtered && !*d->where && std::string{d->rtree_key} == d->id_column) {
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
        auto& s = db.cached(select + " FROM json_each(?8) AS page CROSS JOIN " + d->from + " WHERE " + d->id_column +
                            " = page.value ORDER BY page.key");
        s.bind(8, page);
        while (s.step() && take(s)) {
        }
        s.reset();
    } else {
        begin_page(filtered ? std::nullopt : std::optional{count_features(db, counts, *d, bbox, run)});
        std::string conditions = std::string{d->id_column} + " > ?5";
        if (*d->where) conditions += std::string{" AND "} + d->where;
        if (bbox) {
            conditions += std::string{" AND "} + d->rtree_key + " IN (SELECT pkid FROM " + d->rtree +
                          " WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4)";
        }
        if (time_filter) conditions += " AND " + time_filter->sql;
        if (cql) conditions += " AND " + cql->sql;
        const std::string order = std::string{" ORDER BY "} + d->id_column;
        // A filter may pick its rows through an index in another order: the page's ids are
        // chosen first (from the index alone where it can), then only their rows are read.
        const std::string sql = filtered ? select + " FROM " + d->from + " WHERE " + d->id_column + " IN (SELECT " + d->id_column + " FROM " +
                                               d->from + " WHERE " + conditions + order + " LIMIT ?6 OFFSET ?7)" + order
                                         : select + " FROM " + d->from + " WHERE " + conditions + order + " LIMIT ?6 OFFSET ?7";
        // A filter's values are bound, so its SQL repeats as long as its shape does: cached,
        // up to a bound (a client sending ever new shapes gets statements of their own).
        std::optional<store::Statement> own;
        const bool cache = !filtered || db.is_cached(sql) || db.cached_count() < max_cached_statements;
        store::Statement& s = cache ? db.cached(sql) : own.emplace(db.prepare(sql));
        if (bbox) s.bind(1, bbox->min_lon).bind(2, bbox->min_lat).bind(3, bbox->max_lon).bind(4, bbox->max_lat);
        s.bind(5, q.after.value_or(std::numeric_limits<std::int64_t>::min()));
        s.bind(6, q.limit + 1).bind(7, q.offset);
        if (run) s.bind(9, run);
        if (time_filter) {
            for (std::size_t i = 0; i < time_filter->values.size(); ++i) bind_value(s, datetime_param + static_cast<int>(i), time_filter->values[i]);
        }
        if (cql) {
            for (std::size_t i = 0; i < cql->values.size(); ++i) bind_value(s, filter_param + static_cast<int>(i), cql->values[i]);
        }
        while (s.step() && take(s)) {
        }
        s.reset();
    }

    // The links repeat every parameter but the cursor.
    const std::string items_url = base + "/collections/" + id + "/items";
    std::string query = "?limit=" + std::to_string(q.limit);
    if (q.bbox) query += "&bbox=" + url_encode(q.bbox_text);
    if (q.bbox_crs) query += "&bbox-crs=" + url_encode(q.bbox_crs->uri);
    if (q.crs) query += "&crs=" + url_encode(q.crs->uri);
    if (q.datetime) query += "&datetime=" + url_encode(*q.datetime);
    if (q.filter) query += "&filter=" + url_encode(*q.filter) + "&filter-lang=cql2-text";
    std::string self = items_url + query;
    if (q.after) self += "&after=" + std::to_string(*q.after);
    if (q.offset) self += "&offset=" + std::to_string(q.offset);
    json links = {link(self, "self", geojson_type, "this page"), link(self + "&f=html", "alternate", "text/html", "this page as HTML"),
                  link(base + "/collections/" + id, "collection", json_type, "the collection")};
    if (more) {
        // A client that reads every page (GDAL's OAPIF driver asks for 10 a page, whatever the
        // collection's size) is sent on with pages that double up to 1,000.
        const int next_limit = std::max(q.limit, std::min(q.limit * 2, q.next_limit));
        const std::string next_query = "?limit=" + std::to_string(next_limit) + query.substr(query.find('&') == std::string::npos ? query.size() : query.find('&'));
        links.push_back(link(items_url + next_query + "&after=" + std::to_string(last_id), "next", geojson_type, "the next page"));
    }

    out += R"(],"numberReturned":)" + std::to_string(returned);
    out += R"(,"timeStamp":")" + utc_now() + "\"";
    out += R"(,"links":)" + links.dump() + "}";
    return out;
}

std::optional<std::string> item(store::Database& db, const std::string& base, const std::string& id, std::int64_t fid, const Crs* crs) {
    const auto* d = find_collection(id);
    if (!d) return std::nullopt;
    std::string sql = std::string{"SELECT "} + d->columns + ", " + d->geometry + " FROM " + d->from + " WHERE " + d->id_column + " = ?5";
    if (*d->where) sql += std::string{" AND "} + d->where;
    auto& s = db.cached(sql);
    s.bind(5, fid);
    if (sql.find("?9") != std::string::npos) s.bind(9, latest_run(db));
    if (!s.step()) {
        s.reset();
        return std::nullopt;
    }
    std::string feature;
    write_feature(feature, s, d->shape, crs_or_default(crs));
    s.reset();
    // Add the links a client uses to go back to the collection.
    feature.pop_back();
    const std::string href = base + "/collections/" + id + "/items/" + std::to_string(fid);
    feature += R"(,"links":)" +
               json{link(href, "self", geojson_type, "this feature"), link(href + "?f=html", "alternate", "text/html", "this feature as HTML"),
                    link(base + "/collections/" + id, "collection", json_type, "the collection")}
                   .dump() +
               "}";
    return feature;
}

} // namespace diming::ogc
