#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/spatial_index.hpp"
#include "division_chain.hpp"
#include "support/temp_dir.hpp"

#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

using namespace diming;
using diming::testing::TempDir;
using diming::testing::danghu_division_chain;

namespace {

struct LayerInfo {
    OGRwkbGeometryType type;
    std::string authority;
    std::string code;
    long long features;
};

std::map<std::string, LayerInfo> layers_through_gdal(const std::filesystem::path& path) {
    auto ds = gdal::open_vector(path);
    std::map<std::string, LayerInfo> out;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds.get()); ++i) {
        OGRLayerH layer = GDALDatasetGetLayer(ds.get(), i);
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
        LayerInfo info{OGR_L_GetGeomType(layer), "", "", OGR_L_GetFeatureCount(layer, 1)};
        if (srs) {
            const char* a = OSRGetAuthorityName(srs, nullptr);
            const char* c = OSRGetAuthorityCode(srs, nullptr);
            info.authority = a ? a : "";
            info.code = c ? c : "";
        }
        out.emplace(OGR_L_GetName(layer), info);
    }
    return out;
}

} // namespace

TEST_CASE("every spatial table is visible to GDAL with its geometry type and EPSG:4490") {
    TempDir dir;
    const auto path = dir / "r.sqlite";
    {
        auto db = store::Database::open(path, store::Access::create);
        store::migrate(db);
    }
    const auto layers = layers_through_gdal(path);
    const std::map<std::string, OGRwkbGeometryType> expected{
        {"divisions", wkbMultiPolygon},
        {"place_names", wkbUnknown}, // roads are lines, villages points or polygons
        {"door_plates", wkbPoint},
        {"source_addresses", wkbPoint},
    };
    for (const auto& [name, type] : expected) {
        INFO(name);
        auto it = layers.find(name);
        REQUIRE(it != layers.end());
        CHECK(it->second.type == type);
        CHECK(it->second.authority == "EPSG");
        CHECK(it->second.code == "4490");
    }
}

TEST_CASE("a door plate written through SQL reads back through GDAL at the same place") {
    TempDir dir;
    const auto path = dir / "r.sqlite";
    {
        auto db = store::Database::open(path, store::Access::create);
        store::migrate(db);
        db.exec(danghu_division_chain);
        db.exec(R"sql(
            INSERT INTO place_names(id, name, category_code, division_code, geom)
              VALUES (1, '人民路', 'D-ROAD', '330482001000',
                      GeomFromText('LINESTRING(121.01 30.70, 121.03 30.70)', 4490));
            INSERT INTO door_plates(plate_type, place_name_id, number, town_code, standard_address, geom)
              VALUES ('door', 1, 12, '330482001000', '浙江省嘉兴市平湖市当湖街道人民路12号',
                      MakePoint(121.0153, 30.7002, 4490));
        )sql");
    }
    auto ds = gdal::open_vector(path);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    REQUIRE(layer != nullptr);
    OGR_L_ResetReading(layer);
    gdal::Feature f{OGR_L_GetNextFeature(layer)};
    REQUIRE(f);
    OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
    REQUIRE(g != nullptr);
    CHECK(std::abs(OGR_G_GetX(g, 0) - 121.0153) < 1e-9);
    CHECK(std::abs(OGR_G_GetY(g, 0) - 30.7002) < 1e-9);
    CHECK(std::string{OGR_F_GetFieldAsString(f.get(), OGR_F_GetFieldIndex(f.get(), "standard_address"))} ==
          "浙江省嘉兴市平湖市当湖街道人民路12号");
    // The spatial index answers a window query.
    OGR_L_SetSpatialFilterRect(layer, 121.0, 30.69, 121.02, 30.71);
    CHECK(OGR_L_GetFeatureCount(layer, 1) == 1);
    OGR_L_SetSpatialFilterRect(layer, 121.1, 30.69, 121.2, 30.71);
    CHECK(OGR_L_GetFeatureCount(layer, 1) == 0);
}

TEST_CASE("the R*Tree box query gives exactly the ids that SQL on the R*Tree gives, for points and lines") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    store::migrate(db);
    // 20,000 scattered points and 2,000 short lines over the county, placed by fixed arithmetic.
    db.exec(R"sql(
        CREATE TABLE pts(id INTEGER PRIMARY KEY);
        SELECT AddGeometryColumn('pts', 'geom', 4490, 'POINT', 'XY');
        SELECT CreateSpatialIndex('pts', 'geom');
        CREATE TABLE lns(id INTEGER PRIMARY KEY);
        SELECT AddGeometryColumn('lns', 'geom', 4490, 'LINESTRING', 'XY');
        SELECT CreateSpatialIndex('lns', 'geom');
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO pts(id, geom) SELECT i, MakePoint(120.9 + (i * 7919 % 10007) / 10007.0 * 0.3,
                                                      30.6 + (i * 104729 % 9973) / 9973.0 * 0.2, 4490) FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
        INSERT INTO lns(id, geom) SELECT i, MakeLine(MakePoint(120.9 + (i * 7919 % 10007) / 10007.0 * 0.3,
                                                               30.6 + (i * 104729 % 9973) / 9973.0 * 0.2, 4490),
                                                     MakePoint(120.9 + (i * 7919 % 10007) / 10007.0 * 0.3 + 0.004,
                                                               30.6 + (i * 104729 % 9973) / 9973.0 * 0.2 + 0.002, 4490)) FROM n;
    )sql");
    auto& one = db.cached("SELECT X(geom), Y(geom) FROM pts WHERE id = 4321");
    REQUIRE(one.step());
    const double px = one.column_double(0), py = one.column_double(1);
    one.reset();
    const std::vector<store::Extent> boxes{
        {121.00, 30.65, 121.006, 30.656},     // about 600 m
        {120.95, 30.62, 121.10, 30.75},       // a large part of the county
        {120.0, 30.0, 122.0, 31.5},           // everything
        {119.0, 29.0, 119.5, 29.5},           // nothing
        {px, py, px, py},                     // one point, as a degenerate box
        {121.05, 30.70, 121.0501, 30.7001},   // a few metres
    };
    for (const char* table : {"pts", "lns"}) {
        const std::string rtree = std::string{"idx_"} + table + "_geom";
        for (const auto& b : boxes) {
            INFO(table << " box " << b.min_x << "," << b.min_y << "," << b.max_x << "," << b.max_y);
            auto& s = db.cached("SELECT pkid FROM " + rtree + " WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4 ORDER BY pkid");
            s.bind(1, b.min_x).bind(2, b.min_y).bind(3, b.max_x).bind(4, b.max_y);
            std::vector<std::int64_t> expected;
            while (s.step()) expected.push_back(s.column_int(0));
            s.reset();
            auto got = store::ids_in_box(db, rtree, b);
            std::sort(got.begin(), got.end());
            CHECK(got == expected);
        }
    }
    // The sizes the boxes were meant to have, so that the comparison above means something.
    CHECK(store::ids_in_box(db, "idx_pts_geom", boxes[2]).size() == 20000);
    CHECK(store::ids_in_box(db, "idx_lns_geom", boxes[2]).size() == 2000);
    CHECK(store::ids_in_box(db, "idx_pts_geom", boxes[3]).empty());
    CHECK(store::ids_in_box(db, "idx_pts_geom", boxes[4]).size() >= 1);
    const auto some = store::ids_in_box(db, "idx_pts_geom", boxes[0]).size();
    CHECK(some > 0);
    CHECK(some < 1000);
    // A table without a spatial index is an error, not an empty answer.
    CHECK_THROWS_AS(store::ids_in_box(db, "idx_nothing_geom", boxes[0]), store::database_error);
}
