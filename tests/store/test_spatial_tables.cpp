#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <ogr_srs_api.h>

#include <cmath>
#include <map>

using namespace diming;
using diming::testing::TempDir;

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
        db.exec(R"sql(
            INSERT INTO divisions(code, name, short_name, level, kind, parent_code) VALUES
              ('330000000000','浙江省','浙江省',1,'province',NULL),
              ('330400000000','嘉兴市','嘉兴市',2,'city','330000000000'),
              ('330482000000','平湖市','平湖市',3,'county','330400000000'),
              ('330482001000','当湖街道','当湖街道',4,'subdistrict','330482000000');
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
