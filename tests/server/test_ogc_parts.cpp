// OGC API - Features beyond the core: Part 2 (crs, bbox-crs), Part 3 (CQL2 filters and
// queryables), datetime, and collections of one geometry type each, through a real server and
// GDAL's OAPIF client. Expected sets come from the same conditions written in SQL by hand.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "core/proj.hpp"
#include "registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <cpl_error.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace diming::testing;
using nlohmann::json;

namespace {

const std::string epsg4490 = "http://www.opengis.net/def/crs/EPSG/0/4490";
const std::string epsg4549 = "http://www.opengis.net/def/crs/EPSG/0/4549";

struct Served : ServedRegistry {
    explicit Served(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"--access-log", ""});
        serve(args);
    }
    // Every feature id of a query, following next links.
    std::set<std::int64_t> ids(const std::string& path) const {
        std::set<std::int64_t> out;
        std::string next = path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=1000";
        while (!next.empty()) {
            auto page = get_json(next, 200, "application/geo+json");
            for (const auto& f : page["features"]) out.insert(f["id"].get<std::int64_t>());
            next.clear();
            for (const auto& l : page["links"]) {
                if (l["rel"] == "next") next = l["href"].get<std::string>().substr(server->url().size());
            }
        }
        return out;
    }
    std::set<std::int64_t> sql_ids(const std::string& where) const {
        auto registry = diming::store::Database::open(db, diming::store::Access::read_only);
        auto s = registry.prepare("SELECT d.id FROM door_plates d JOIN place_names p ON p.id = d.place_name_id WHERE " + where);
        std::set<std::int64_t> out;
        while (s.step()) out.insert(s.column_int(0));
        return out;
    }
};

std::string items(const std::string& collection, const std::string& query) { return "/ogc/collections/" + collection + "/items?" + query; }

} // namespace

TEST_CASE("OGC Part 3: a CQL2 filter selects what the same condition selects in SQL") {
    Served s;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"place_name = '人民东路' AND number <= 100", "p.name = '人民东路' AND d.number <= 100"},
        {"number > 100 AND number < 200", "d.number > 100 AND d.number < 200"},
        {"plate_type IN ('building', 'room')", "d.plate_type IN ('building', 'room')"},
        {"number BETWEEN 10 AND 20 OR number = 250", "d.number BETWEEN 10 AND 20 OR d.number = 250"},
        {"NOT (plate_type = 'door')", "NOT (d.plate_type = 'door')"},
        {"plate_type NOT IN ('door')", "d.plate_type NOT IN ('door')"},
        {"number NOT BETWEEN 2 AND 249", "d.number NOT BETWEEN 2 AND 249"},
        {"standard_address LIKE '%人民路1%'", "d.standard_address GLOB '*人民路1*'"},
        {"standard_address LIKE '%人民路_号'", "d.standard_address GLOB '*人民路?号'"},
        {"standard_address NOT LIKE '浙江%'", "d.standard_address NOT GLOB '浙江*'"},
        {"number IS NULL", "d.number IS NULL"},
        {"number IS NOT NULL AND place_name_id = 2 AND NOT number > 5", "d.number IS NOT NULL AND d.place_name_id = 2 AND NOT d.number > 5"},
        {"\"number\" = 12", "d.number = 12"},
        {"12 = number", "d.number = 12"},
        {"created_at >= TIMESTAMP('2000-01-01T00:00:00Z')", "1"},
        {"created_at < DATE('2000-01-01')", "0"},
        {"(plate_type = 'door' OR plate_type = 'room') AND (number < 3 OR number IS NULL)",
         "(d.plate_type = 'door' OR d.plate_type = 'room') AND (d.number < 3 OR d.number IS NULL)"},
    };
    for (const auto& [filter, where] : cases) {
        INFO(filter);
        const auto expected = s.sql_ids(where);
        CHECK(s.ids(items("door_plates", "filter=" + url_encode(filter) + "&filter-lang=cql2-text")) == expected);
    }
    // A filtered page has no numberMatched (counting would cost more than the page) and its
    // next link carries the filter.
    auto page = s.get_json(items("door_plates", "limit=5&filter=" + url_encode("place_name_id = 2")), 200, "application/geo+json");
    CHECK_FALSE(page.contains("numberMatched"));
    bool next_has_filter = false;
    for (const auto& l : page["links"]) {
        if (l["rel"] == "next") next_has_filter = l["href"].get<std::string>().find("filter=place_name_id") != std::string::npos;
    }
    CHECK(next_has_filter);
    // Other collections filter on their own queryables.
    CHECK(s.ids(items("divisions", "filter=" + url_encode("level = 4"))).size() ==
          static_cast<std::size_t>(s.count("SELECT count(*) FROM divisions WHERE level = 4")));
    CHECK(s.ids(items("roads", "filter=" + url_encode("name LIKE '人民%'"))).size() ==
          static_cast<std::size_t>(s.count("SELECT count(*) FROM place_names WHERE name GLOB '人民*' AND GeometryType(geom) LIKE '%LINESTRING'")));
}

TEST_CASE("OGC Part 3: a malformed filter is answered 400 naming the position, and changes nothing") {
    Served s;
    const auto plates = s.count("SELECT count(*) FROM door_plates");
    const std::vector<std::tuple<std::string, int, std::string>> cases{
        {"number >", 9, "expected a property or a value"},
        {"number = 'x'", 10, "'number' is a number"},
        {"(number = 1", 12, "expected ')'"},
        {"plate_type LIKE 5", 17, "quoted pattern"},
        {"number = 1; DROP TABLE door_plates", 11, "unexpected character"},
        {"bogus = 1", 1, "not a queryable property"},
        {"名字 = 1", 1, "unexpected character '名'"},
        {"number = 1 number = 2", 12, "expected AND, OR or the end"},
        {"plate_type = 'door", 14, "never closed"},
        {"number IN (1, 2", 16, "')' closing the IN list"},
        {"number BETWEEN 1 OR 2", 18, "expected AND between"},
        {"created_at > DATE('2026-02-30')", 19, "not a date"},
        {"number = 1 AND", 15, "expected a property or a value"},
        {"", 1, "empty"},
    };
    for (const auto& [filter, position, message] : cases) {
        INFO(filter);
        auto r = s.get_json(items("door_plates", "filter=" + url_encode(filter)), 400);
        CHECK(r["field"] == "filter");
        CHECK_THAT(r["message"].get<std::string>(), Catch::StartsWith("at " + std::to_string(position) + ":") && Catch::Contains(message));
    }
    CHECK(s.get_json(items("door_plates", "filter=number%3D1&filter-lang=cql2-json"), 400)["field"] == "filter-lang");
    CHECK(s.get_json(items("door_plates", "filter=" + std::string(5000, 'a')), 400)["field"] == "filter");
    CHECK(s.count("SELECT count(*) FROM door_plates") == plates);

    // The queryables say what may be filtered on, as JSON Schema.
    auto q = s.get_json("/ogc/collections/door_plates/queryables", 200, "application/schema+json");
    CHECK(q["type"] == "object");
    CHECK(q["properties"]["number"]["type"] == "integer");
    CHECK(q["properties"]["created_at"]["format"] == "date-time");
    CHECK(q["properties"]["geometry"]["format"] == "geometry-point");
    CHECK(s.get_json("/ogc/collections/roads/queryables", 200, "application/schema+json")["properties"]["geometry"]["format"] == "geometry-linestring");
    s.get_json("/ogc/collections/nothing/queryables", 404);
}

TEST_CASE("OGC Part 2: crs and bbox-crs in CGCS2000, latitude first for EPSG:4490, northing first for EPSG:4549") {
    Served s;
    const double lon = std::stod(s.text("SELECT printf('%.7f', X(geom)) FROM door_plates WHERE id = 4"));
    const double lat = std::stod(s.text("SELECT printf('%.7f', Y(geom)) FROM door_plates WHERE id = 4"));

    auto plain = s.get("/ogc/collections/door_plates/items/4");
    REQUIRE(plain);
    CHECK(plain->get_header_value("Content-Crs") == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    auto cgcs = s.get("/ogc/collections/door_plates/items/4?crs=" + url_encode(epsg4490));
    REQUIRE(cgcs);
    CHECK(cgcs->get_header_value("Content-Crs") == "<" + epsg4490 + ">");
    const auto c4490 = json::parse(cgcs->body)["geometry"]["coordinates"];
    CHECK(c4490[0].get<double>() == Approx(lat).margin(1e-7));
    CHECK(c4490[1].get<double>() == Approx(lon).margin(1e-7));

    const diming::proj::Transformation gk{"EPSG:4490", "EPSG:4549"};
    const auto en = gk.forward({lon, lat});
    const auto c4549 = s.get_json("/ogc/collections/door_plates/items/4?crs=" + url_encode(epsg4549), 200, "application/geo+json")["geometry"]["coordinates"];
    CHECK(c4549[0].get<double>() == Approx(en.y).margin(0.002)); // northing
    CHECK(c4549[1].get<double>() == Approx(en.x).margin(0.002)); // easting
    // Lines too, every vertex.
    const auto road = s.get_json("/ogc/collections/roads/items/1?crs=" + url_encode(epsg4490), 200, "application/geo+json");
    const auto road84 = s.get_json("/ogc/collections/roads/items/1", 200, "application/geo+json");
    REQUIRE(road["geometry"]["coordinates"].size() == road84["geometry"]["coordinates"].size());
    for (std::size_t i = 0; i < road84["geometry"]["coordinates"].size(); ++i) {
        CHECK(road["geometry"]["coordinates"][i][0] == road84["geometry"]["coordinates"][i][1]);
    }

    // A box around 人民东路's 250 plates, given in each CRS's own axis order, finds the same plates.
    const auto in84 = s.ids(items("door_plates", "bbox=121.0095,30.704,121.0205,30.706"));
    CHECK(in84.size() == static_cast<std::size_t>(paging_plates));
    CHECK(s.ids(items("door_plates", "bbox=30.704,121.0095,30.706,121.0205&bbox-crs=" + url_encode(epsg4490))) == in84);
    const auto sw = gk.forward({121.0095, 30.704}), ne = gk.forward({121.0205, 30.706});
    const auto in4549 = s.ids(items("door_plates", "bbox=" + std::to_string(sw.y) + "," + std::to_string(sw.x) + "," + std::to_string(ne.y) + "," +
                                                   std::to_string(ne.x) + "&bbox-crs=" + url_encode(epsg4549)));
    CHECK(std::includes(in4549.begin(), in4549.end(), in84.begin(), in84.end()));
    CHECK(in4549.size() <= in84.size() + 5); // a projected box's edges curve a little in lon/lat

    CHECK(s.get_json(items("door_plates", "crs=EPSG:3857"), 400)["field"] == "crs");
    CHECK(s.get_json(items("door_plates", "bbox-crs=" + url_encode(epsg4490)), 400)["field"] == "bbox-crs");
    CHECK(s.get_json(items("door_plates", "bbox=121,30,122,31&bbox-crs=" + url_encode(epsg4490)), 400)["field"] == "bbox");
    auto collection = s.get_json("/ogc/collections/door_plates");
    CHECK(collection["crs"].size() == 3);
    CHECK(collection["storageCrs"] == epsg4490);
    auto conf = s.get_json("/ogc/conformance");
    for (const char* c : {"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                          "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2"}) {
        INFO(c);
        CHECK(std::find(conf["conformsTo"].begin(), conf["conformsTo"].end(), c) != conf["conformsTo"].end());
    }

    // GDAL 3.6 has no CRS option: its equivalent is a query on the URL, which it repeats on
    // every request. ogr2ogr then writes CGCS2000 in its axis order: latitude first.
    const auto out = s.dir / "cgcs.gpkg";
    const std::string url = "OAPIF:" + s.server->url() + "/ogc?crs=" + url_encode(epsg4490);
    const std::string cmd = "ogr2ogr -f GPKG '" + out.string() + "' '" + url + "' door_plates 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    auto copy = diming::gdal::open_vector(out);
    OGRLayerH layer = GDALDatasetGetLayerByName(copy.get(), "door_plates");
    REQUIRE(layer);
    CHECK(OGR_L_GetFeatureCount(layer, 1) == s.count("SELECT count(*) FROM door_plates"));
    OGR_L_SetAttributeFilter(layer, "standard_address = '浙江省嘉兴市平湖市当湖街道人民路12号'");
    OGR_L_ResetReading(layer);
    diming::gdal::Feature f{OGR_L_GetNextFeature(layer)};
    REQUIRE(f);
    OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
    REQUIRE(g);
    CHECK(OGR_G_GetX(g, 0) == Approx(lat).margin(1e-7));
    CHECK(OGR_G_GetY(g, 0) == Approx(lon).margin(1e-7));
}

TEST_CASE("OGC datetime on a collection's temporal property: instants, intervals and open ends") {
    ServedRegistry r;
    {
        auto db = diming::store::Database::open(r.db, diming::store::Access::read_write);
        db.exec("UPDATE place_names SET approval_date = CASE id WHEN 1 THEN '2020-05-01' WHEN 2 THEN '2023-01-15' WHEN 3 THEN '2026-03-01' END");
    }
    r.serve({"--access-log", ""});
    REQUIRE(r.text("SELECT group_concat(approval_date) FROM place_names") == "2020-05-01,2023-01-15,2026-03-01");
    auto ids = [&](const std::string& datetime) {
        std::set<std::int64_t> out;
        const auto page = r.get_json(items("place_names", "limit=100&datetime=" + url_encode(datetime)), 200, "application/geo+json");
        for (const auto& f : page["features"]) out.insert(f["id"].get<std::int64_t>());
        return out;
    };
    CHECK(ids("2023-01-15") == std::set<std::int64_t>{2});
    CHECK(ids("2023-01-15T12:00:00Z") == std::set<std::int64_t>{2});
    CHECK(ids("2023-01-15T12:00:00+08:00") == std::set<std::int64_t>{2});
    CHECK(ids("2020-01-01/2023-12-31") == std::set<std::int64_t>{1, 2});
    CHECK(ids("2020-05-01/2023-01-15") == std::set<std::int64_t>{1, 2}); // closed ends
    CHECK(ids("../2021-01-01") == std::set<std::int64_t>{1});
    CHECK(ids("/2021-01-01") == std::set<std::int64_t>{1});
    CHECK(ids("2024-01-01/..") == std::set<std::int64_t>{3});
    CHECK(ids("2024-01-01/") == std::set<std::int64_t>{3});
    CHECK(ids("../..").size() == 5);
    CHECK(ids("2019-01-01/2019-12-31").empty());
    for (const char* bad : {"2026-13-01", "2026-03-01/2025-01-01", "yesterday", "..", "2026-03-01/2026-04-01/2026-05-01", "2026-03-01T25:00:00Z"}) {
        INFO(bad);
        CHECK(r.get_json(items("place_names", std::string{"datetime="} + url_encode(bad)), 400)["field"] == "datetime");
    }
    // The door plates' time is when they were registered.
    CHECK(r.get_json(items("door_plates", "datetime=" + url_encode("../2000-01-01")), 200, "application/geo+json")["features"].empty());
    CHECK(r.get_json(items("door_plates", "limit=3&datetime=" + url_encode("2000-01-01T00:00:00Z/..")), 200, "application/geo+json")["features"].size() == 3);
    // The collection says its temporal extent.
    auto c = r.get_json("/ogc/collections/place_names");
    CHECK(c["extent"]["temporal"]["interval"][0] == json::array({"2020-05-01", "2026-03-01"}));
}

namespace {
int warnings = 0;
void count_warnings(CPLErr level, CPLErrorNum, const char*) {
    if (level == CE_Warning) ++warnings;
}
} // namespace

TEST_CASE("GDAL reads roads, places and divisions each with its one geometry type, without a warning") {
    ServedRegistry s;
    {
        // The shipped divisions list has codes and names only: boundaries for some, as an
        // import from the bureau's GIS would give them.
        auto db = diming::store::Database::open(s.db, diming::store::Access::read_write);
        db.exec("UPDATE divisions SET geom = CastToMultiPolygon(BuildMbr(121.0 + (rowid % 10) * 0.01, 30.6, 121.01 + (rowid % 10) * 0.01, 30.61, 4490)) "
                "WHERE level >= 4 AND rowid % 3 <> 0");
    }
    s.serve({"--access-log", ""});
    REQUIRE(s.count("SELECT count(geom) FROM divisions") > 0);
    diming::gdal::ensure_registered();
    const std::string url = "OAPIF:" + s.server->url() + "/ogc";
    diming::gdal::Dataset ds{GDALOpenEx(url.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)};
    REQUIRE(ds);
    const std::vector<std::tuple<const char*, OGRwkbGeometryType, std::string>> expected{
        {"roads", wkbLineString, "SELECT count(*) FROM place_names WHERE GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING')"},
        {"places", wkbPoint, "SELECT count(*) FROM place_names WHERE GeometryType(geom) = 'POINT'"},
        {"divisions", wkbMultiPolygon, "SELECT count(*) FROM divisions WHERE level >= 4"},
    };
    for (const auto& [name, type, count_sql] : expected) {
        INFO(name);
        OGRLayerH layer = GDALDatasetGetLayerByName(ds.get(), name);
        REQUIRE(layer);
        warnings = 0;
        CPLPushErrorHandler(count_warnings);
        std::int64_t n = 0;
        OGR_L_ResetReading(layer);
        while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            if (g) CHECK(wkbFlatten(OGR_G_GetGeometryType(g)) == type);
            OGR_F_Destroy(f);
            ++n;
        }
        const auto declared = wkbFlatten(OGR_L_GetGeomType(layer));
        CPLPopErrorHandler();
        CHECK(declared == type);
        CHECK(warnings == 0);
        CHECK(n == s.count(count_sql));
        CHECK(n > 0);
    }
}

TEST_CASE("OGC next links keep the client's page size when the server is told so") {
    Served s{{"--ogc-next-limit", "0"}};
    auto page = s.get_json("/ogc/collections/door_plates/items?limit=7", 200, "application/geo+json");
    std::string next;
    for (const auto& l : page["links"]) {
        if (l["rel"] == "next") next = l["href"];
    }
    CHECK(next.find("limit=7&") != std::string::npos);
}
