// OGC API - Features through a real server, and through GDAL's own OAPIF client.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace diming::testing;
using nlohmann::json;

namespace {

struct Served : ServedRegistry {
    Served() { serve({"--access-log", ""}); }
};

const json* find_link(const json& links, const std::string& rel) {
    for (const auto& l : links) {
        if (l["rel"] == rel) return &l;
    }
    return nullptr;
}

std::string path_of(const std::string& url, int port) {
    const std::string prefix = "http://127.0.0.1:" + std::to_string(port);
    REQUIRE(url.rfind(prefix, 0) == 0);
    return url.substr(prefix.size());
}

} // namespace

TEST_CASE("OGC landing page, conformance and collections") {
    Served s;
    auto landing = s.get_json("/ogc");
    for (const char* rel : {"self", "service-desc", "conformance", "data"}) {
        INFO(rel);
        REQUIRE(find_link(landing["links"], rel));
        CHECK((*find_link(landing["links"], rel))["href"].get<std::string>().rfind("http://127.0.0.1:", 0) == 0);
    }
    auto conf = s.get_json("/ogc/conformance");
    CHECK(std::find(conf["conformsTo"].begin(), conf["conformsTo"].end(), "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core") !=
          conf["conformsTo"].end());
    s.get_json("/ogc/api", 200, "application/vnd.oai.openapi+json;version=3.0");

    auto cols = s.get_json("/ogc/collections");
    std::set<std::string> ids;
    for (const auto& c : cols["collections"]) {
        ids.insert(c["id"]);
        const auto& bbox = c["extent"]["spatial"]["bbox"][0];
        REQUIRE(bbox.size() == 4);
        CHECK(bbox[0].get<double>() <= bbox[2].get<double>());
        CHECK(c["crs"][0] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        REQUIRE(find_link(c["links"], "items"));
        CHECK((*find_link(c["links"], "items"))["type"] == "application/geo+json");
    }
    CHECK(ids == std::set<std::string>{"place_names", "roads", "places", "divisions", "door_plates", "match_results"});
    // The door plates' extent holds every plate (R*Tree boxes are rounded outward).
    auto dp = s.get_json("/ogc/collections/door_plates");
    const auto& b = dp["extent"]["spatial"]["bbox"][0];
    CHECK(b[0].get<double>() <= 121.0010);
    CHECK(b[2].get<double>() >= 121.0850);
    CHECK(b[1].get<double>() <= 30.6201);
    CHECK(b[3].get<double>() >= 30.7051);
    s.get_json("/ogc/collections/nothing", 404);
}

TEST_CASE("OGC items page by next links to every feature exactly once") {
    Served s;
    const auto total = s.count("SELECT count(*) FROM door_plates");
    std::set<std::int64_t> seen;
    std::string next = "/ogc/collections/door_plates/items?limit=100";
    int pages = 0;
    while (!next.empty()) {
        auto page = s.get_json(next, 200, "application/geo+json");
        CHECK(page["type"] == "FeatureCollection");
        CHECK(page["numberMatched"] == total);
        CHECK(page["numberReturned"] == page["features"].size());
        CHECK(page["features"].size() <= 1000);
        for (const auto& f : page["features"]) {
            CHECK(f["id"].is_number_integer());
            CHECK(seen.insert(f["id"].get<std::int64_t>()).second);
            CHECK(f["geometry"]["type"] == "Point");
        }
        const auto* link = find_link(page["links"], "next");
        next = link ? path_of((*link)["href"], s.server->port()) : std::string{};
        if (link) CHECK((*link)["href"].get<std::string>().find("after=") != std::string::npos);
        ++pages;
    }
    CHECK(static_cast<std::int64_t>(seen.size()) == total);
    // Next links double the page up to 1,000: 100, 200, 400, 800, 1000 …
    int expected_pages = 0;
    for (std::int64_t left = total, limit = 100; left > 0; left -= limit, limit = std::min<std::int64_t>(limit * 2, 1000)) ++expected_pages;
    CHECK(pages == expected_pages);

    // A box holding 人民东路 only.
    auto boxed = s.get_json("/ogc/collections/door_plates/items?limit=1000&bbox=121.0095,30.704,121.0205,30.706", 200, "application/geo+json");
    CHECK(boxed["numberMatched"] == paging_plates);
    CHECK(boxed["numberReturned"] == paging_plates);
    for (const auto& f : boxed["features"]) CHECK(f["properties"]["place_name"] == "人民东路");
    std::vector<std::int64_t> in_box;
    for (const auto& f : boxed["features"]) in_box.push_back(f["id"].get<std::int64_t>());
    CHECK(std::is_sorted(in_box.begin(), in_box.end()));
    // The same box in pages of 7 by next links: every feature once, in id order.
    std::vector<std::int64_t> paged;
    next = "/ogc/collections/door_plates/items?limit=7&bbox=121.0095,30.704,121.0205,30.706";
    while (!next.empty()) {
        auto page = s.get_json(next, 200, "application/geo+json");
        CHECK(page["numberMatched"] == paging_plates);
        for (const auto& f : page["features"]) paged.push_back(f["id"].get<std::int64_t>());
        const auto* link = find_link(page["links"], "next");
        next = link ? path_of((*link)["href"], s.server->port()) : std::string{};
        if (link) CHECK((*link)["href"].get<std::string>().find("bbox=") != std::string::npos);
    }
    CHECK(paged == in_box);
    // offset counts from the cursor, inside the box.
    auto skipped = s.get_json("/ogc/collections/door_plates/items?limit=5&offset=3&bbox=121.0095,30.704,121.0205,30.706&after=" +
                                  std::to_string(in_box[1]),
                              200, "application/geo+json");
    REQUIRE(skipped["features"].size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(skipped["features"][i]["id"] == in_box[static_cast<std::size_t>(2 + 3 + i)]);

    auto one = s.get_json("/ogc/collections/door_plates/items/4", 200, "application/geo+json");
    CHECK(one["type"] == "Feature");
    CHECK(one["properties"]["standard_address"] == "浙江省嘉兴市平湖市当湖街道人民路12号");
    // Coordinates as stored, to the seventh decimal (about a centimetre).
    REQUIRE(one["geometry"]["coordinates"].size() == 2);
    CHECK(std::llround(one["geometry"]["coordinates"][0].get<double>() * 1e7) ==
          s.count("SELECT CAST(round(X(geom) * 1e7) AS INTEGER) FROM door_plates WHERE id = 4"));
    CHECK(std::llround(one["geometry"]["coordinates"][1].get<double>() * 1e7) ==
          s.count("SELECT CAST(round(Y(geom) * 1e7) AS INTEGER) FROM door_plates WHERE id = 4"));
    s.get_json("/ogc/collections/door_plates/items/999999", 404);
    s.get_json("/ogc/collections/door_plates/items/abc", 404);

    auto names = s.get_json("/ogc/collections/place_names/items?limit=10", 200, "application/geo+json");
    CHECK(names["numberMatched"] == 5);
    // Lines keep SpatiaLite's GeoJSON; a box over 人民路 finds it through the R*Tree.
    auto roads = s.get_json("/ogc/collections/place_names/items?bbox=121.004,30.695,121.006,30.702", 200, "application/geo+json");
    bool road_found = false;
    for (const auto& f : roads["features"]) {
        if (f["properties"]["name"] == "人民路") {
            road_found = true;
            CHECK(f["geometry"]["type"] == "LineString");
            CHECK(f["geometry"]["coordinates"].size() >= 2);
        }
    }
    CHECK(road_found);
    CHECK(roads["numberMatched"] == roads["features"].size());
    auto matches = s.get_json("/ogc/collections/match_results/items", 200, "application/geo+json");
    CHECK(matches["numberMatched"] == 3);
    CHECK(matches["features"][0]["properties"].contains("level"));
}

TEST_CASE("OGC items refuse what clients get wrong") {
    Served s;
    CHECK(s.get_json("/ogc/collections/door_plates/items?limt=5", 400)["field"] == "limt");
    CHECK(s.get_json("/ogc/collections/door_plates/items?limit=0", 400)["field"] == "limit");
    CHECK(s.get_json("/ogc/collections/door_plates/items?limit=100000", 400)["field"] == "limit");
    CHECK(s.get_json("/ogc/collections/door_plates/items?bbox=121.1,30,121,31", 400)["field"] == "bbox");
    CHECK(s.get_json("/ogc/collections/door_plates/items?bbox=1,2,3", 400)["field"] == "bbox");
    CHECK(s.get_json("/ogc/collections/door_plates/items?bbox=0,100,1,101", 400)["field"] == "bbox");
    CHECK(s.get_json("/ogc/collections/door_plates/items?limit=5&limit=6", 400)["field"] == "limit");
}

TEST_CASE("GDAL's OAPIF client lists the collections and copies one out whole") {
    Served s;
    const std::string url = "OAPIF:" + s.server->url() + "/ogc";
    diming::gdal::ensure_registered();
    diming::gdal::Dataset ds{GDALOpenEx(url.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)};
    REQUIRE(ds);
    std::set<std::string> layers;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds.get()); ++i) layers.insert(OGR_L_GetName(GDALDatasetGetLayer(ds.get(), i)));
    CHECK(layers == std::set<std::string>{"place_names", "roads", "places", "divisions", "door_plates", "match_results"});

    // ogr2ogr, as a GIS clerk would run it.
    const auto out = s.dir / "copy.gpkg";
    const std::string cmd = "ogr2ogr -f GPKG -oo PAGE_SIZE=100 '" + out.string() + "' '" + url + "' door_plates 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    auto copy = diming::gdal::open_vector(out);
    OGRLayerH layer = GDALDatasetGetLayerByName(copy.get(), "door_plates");
    REQUIRE(layer);
    CHECK(OGR_L_GetFeatureCount(layer, 1) == s.count("SELECT count(*) FROM door_plates"));
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    CHECK(OGR_FD_GetFieldIndex(defn, "standard_address") >= 0);
    CHECK(OGR_FD_GetFieldIndex(defn, "place_name") >= 0);
    // The attributes survive the trip: plate 12 of 人民路 is there with its address.
    OGR_L_SetAttributeFilter(layer, "number = 12 AND place_name = '人民路'");
    OGR_L_ResetReading(layer);
    diming::gdal::Feature f{OGR_L_GetNextFeature(layer)};
    REQUIRE(f);
    CHECK(std::string{OGR_F_GetFieldAsString(f.get(), OGR_FD_GetFieldIndex(defn, "standard_address"))} == "浙江省嘉兴市平湖市当湖街道人民路12号");
}
