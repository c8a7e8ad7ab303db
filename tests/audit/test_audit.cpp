#include <catch2/catch.hpp>

#include "audit/audit.hpp"
#include "core/gdal.hpp"
#include "importers/divisions.hpp"
#include "match/match_run.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cmath>

using namespace diming;
using diming::testing::TempDir;

namespace {

// Two towns, five civil plates, five police records whose outcome is known by hand:
//   当湖: 人民路1 near its plate (linked, consistent), 人民路2 about 220 m off (linked, not
//         consistent), 人民路9 (no such plate: not linked)  -> 3 records, textual 2, spatial 1
//   乍浦: 长安路1 near (linked, consistent), 长安路5 (not linked) -> 2 records, textual 1, spatial 1
struct Fixture {
    TempDir dir;
    store::Database db = store::Database::open(dir / "r.sqlite", store::Access::create);
    std::int64_t run = 0;

    Fixture() {
        store::migrate(db);
        import::import_divisions(db, diming::testing::source_dir() / "data/divisions/330482.csv", "test");
        db.exec(R"sql(
            INSERT INTO datasets(id, source_kind, file_name, sha256, crs, encoding) VALUES
              (1, 'civil', 'civil', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'EPSG:4490', 'UTF-8'),
              (2, 'police', 'police', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'EPSG:4490', 'UTF-8');
            INSERT INTO source_addresses(dataset_id, row_number, source_id, raw, raw_address, town_code, key_road, key_plate, geom) VALUES
              (1, 1, 'C1', '{}', '人民路1号', '330482001000', '330482001000|人民路', '330482001000|人民路|1', MakePoint(121.0100, 30.7000, 4490)),
              (1, 2, 'C2', '{}', '人民路2号', '330482001000', '330482001000|人民路', '330482001000|人民路|2', MakePoint(121.0102, 30.7000, 4490)),
              (1, 3, 'C3', '{}', '人民路3号', '330482001000', '330482001000|人民路', '330482001000|人民路|3', MakePoint(121.0104, 30.7000, 4490)),
              (1, 4, 'C4', '{}', '长安路1号', '330482101000', '330482101000|长安路', '330482101000|长安路|1', MakePoint(121.0900, 30.6100, 4490)),
              (1, 5, 'C5', '{}', '长安路2号', '330482101000', '330482101000|长安路', '330482101000|长安路|2', MakePoint(121.0902, 30.6100, 4490)),
              (2, 1, 'P1', '{}', '当湖街道人民路1号', '330482001000', '330482001000|人民路', '330482001000|人民路|1', MakePoint(121.0101, 30.7001, 4490)),
              (2, 2, 'P2', '{}', '当湖街道人民路2号', '330482001000', '330482001000|人民路', '330482001000|人民路|2', MakePoint(121.0102, 30.7020, 4490)),
              (2, 3, 'P3', '{}', '当湖街道人民路9号', '330482001000', '330482001000|人民路', '330482001000|人民路|9', MakePoint(121.0110, 30.7000, 4490)),
              (2, 4, 'P4', '{}', '乍浦镇长安路1号', '330482101000', '330482101000|长安路', '330482101000|长安路|1', MakePoint(121.0900, 30.6101, 4490)),
              (2, 5, 'P5', '{}', '乍浦镇长安路5号', '330482101000', '330482101000|长安路', '330482101000|长安路|5', MakePoint(121.0950, 30.6100, 4490));
        )sql");
        match::MatchOptions o;
        o.police_dataset = 2;
        o.civil_dataset = 1;
        o.distance_m = 50;
        run = match::run_match(db, o).run_id;
    }
};

const audit::RateRow& row(const std::vector<audit::RateRow>& rows, const std::string& code) {
    for (const auto& r : rows) {
        if (r.code == code) return r;
    }
    FAIL("no row " << code);
    return rows.front();
}

} // namespace

TEST_CASE("rates by town equal the ones computed by hand") {
    Fixture f;
    const auto a = audit::compute_audit(f.db, f.run);
    const auto& danghu = row(a.towns, "330482001000");
    CHECK(danghu.name == "当湖街道");
    CHECK(danghu.police == 3);
    CHECK(danghu.textual == 2);
    CHECK(danghu.spatial == 1);
    const auto& zhapu = row(a.towns, "330482101000");
    CHECK(zhapu.police == 2);
    CHECK(zhapu.textual == 1);
    CHECK(zhapu.spatial == 1);
    CHECK(a.summary["police_records"] == 5);
    CHECK(a.summary["textual"] == 3);
    CHECK(a.summary["spatial"] == 2);
    CHECK(a.summary["covered"] == 3);
    CHECK(std::abs(a.summary["spatial_rate"].get<double>() - 0.4) < 1e-12);
    CHECK(std::abs(a.summary["coverage"].get<double>() - 0.6) < 1e-12);
    const auto& road = row(a.roads, "人民路");
    CHECK(road.police == 3);
    CHECK(road.textual == 2);
    REQUIRE(a.trend.size() == 1);
}

TEST_CASE("the HTML report stands alone and carries the headline figures") {
    Fixture f;
    const auto a = audit::compute_audit(f.db, f.run);
    audit::write_html(f.db, a, f.dir / "r.html");
    const auto html = diming::testing::read_file(f.dir / "r.html");
    CHECK_THAT(html, Catch::Contains("<div class=\"big\" id=\"spatial-rate\">40.00%</div>"));
    CHECK_THAT(html, Catch::Contains("<div class=\"big\" id=\"textual-rate\">60.00%</div>"));
    CHECK_THAT(html, Catch::Contains("<div class=\"big\" id=\"coverage\">60.00%</div>"));
    CHECK_THAT(html, Catch::Contains("当湖街道"));
    CHECK(html.find("src=\"http") == std::string::npos); // nothing fetched from elsewhere
    CHECK(html.find("href=\"http") == std::string::npos);
}

TEST_CASE("the GeoPackage report opens through GDAL with results and links") {
    Fixture f;
    const auto a = audit::compute_audit(f.db, f.run);
    audit::write_gpkg(f.db, a, f.dir / "r.gpkg");
    auto ds = gdal::open_vector(f.dir / "r.gpkg");
    OGRLayerH results = GDALDatasetGetLayerByName(ds.get(), "results");
    OGRLayerH links = GDALDatasetGetLayerByName(ds.get(), "links");
    REQUIRE(results);
    REQUIRE(links);
    CHECK(OGR_L_GetGeomType(results) == wkbPoint);
    CHECK(OGR_L_GetGeomType(links) == wkbLineString);
    CHECK(OGR_L_GetFeatureCount(results, 1) == 5);
    CHECK(OGR_L_GetFeatureCount(links, 1) == 5); // 3 linked by text, 2 to their road's nearest plate
}

TEST_CASE("CSV and JSON reports hold the same rates") {
    Fixture f;
    const auto a = audit::compute_audit(f.db, f.run);
    audit::write_csv(a, f.dir / "r.csv");
    audit::write_json(a, f.dir / "r.json");
    const auto csv = diming::testing::read_file(f.dir / "r.csv");
    CHECK_THAT(csv, Catch::Contains("town,330482001000,\"当湖街道\",3,2,1,"));
    const auto j = nlohmann::json::parse(diming::testing::read_file(f.dir / "r.json"));
    CHECK(j["towns"].size() == a.towns.size());
    CHECK(j["definitions"]["spatial_match_rate"].get<std::string>().find("within") != std::string::npos);
}

TEST_CASE("the CSV and GeoPackage reports read back, field by field, as the registry's results") {
    Fixture f;
    const auto a = audit::compute_audit(f.db, f.run);
    audit::write_csv(a, f.dir / "r.csv");
    audit::write_gpkg(f.db, a, f.dir / "r.gpkg");
    // The CSV as a client reads it (GDAL's CSV driver): one row per town, community and road.
    const auto csv = gdal::read_csv_table(f.dir / "r.csv", {"group", "code", "name", "police_records", "textual", "spatial", "textual_rate", "spatial_rate"});
    std::size_t towns = 0;
    for (const auto& row : csv.rows) {
        if (row[csv.column("group")] != "town") continue;
        const auto it = std::find_if(a.towns.begin(), a.towns.end(), [&](const audit::RateRow& r) { return r.code == row[csv.column("code")]; });
        REQUIRE(it != a.towns.end());
        INFO("town " << it->code);
        CHECK(row[csv.column("name")] == it->name);
        CHECK(std::stoll(row[csv.column("police_records")]) == it->police);
        CHECK(std::stoll(row[csv.column("textual")]) == it->textual);
        CHECK(std::stoll(row[csv.column("spatial")]) == it->spatial);
        CHECK(std::abs(std::stod(row[csv.column("textual_rate")]) - it->textual_rate()) < 1e-4);
        CHECK(std::abs(std::stod(row[csv.column("spatial_rate")]) - it->spatial_rate()) < 1e-4);
        ++towns;
    }
    CHECK(towns == a.towns.size());
    // The GeoPackage's results: each police record's level, score and distance as stored.
    auto ds = gdal::open_vector(f.dir / "r.gpkg");
    OGRLayerH results = GDALDatasetGetLayerByName(ds.get(), "results");
    REQUIRE(results);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(results);
    auto stored = f.db.prepare("SELECT r.level, r.score, r.distance_m FROM match_results r JOIN source_addresses a ON a.id = r.police_address_id "
                               "WHERE r.run_id = ?1 AND a.source_id = ?2");
    int read = 0;
    OGR_L_ResetReading(results);
    while (gdal::Feature feat{OGR_L_GetNextFeature(results)}) {
        const std::string police = OGR_F_GetFieldAsString(feat.get(), OGR_FD_GetFieldIndex(defn, "police_id"));
        INFO("police record " << police);
        stored.bind(1, f.run).bind(2, police);
        REQUIRE(stored.step());
        CHECK(OGR_F_GetFieldAsString(feat.get(), OGR_FD_GetFieldIndex(defn, "level")) == stored.column_text(0));
        CHECK(std::abs(OGR_F_GetFieldAsDouble(feat.get(), OGR_FD_GetFieldIndex(defn, "score")) - stored.column_double(1)) < 1e-9);
        if (!stored.is_null(2)) CHECK(std::abs(OGR_F_GetFieldAsDouble(feat.get(), OGR_FD_GetFieldIndex(defn, "distance_m")) - stored.column_double(2)) < 1e-6);
        stored.reset();
        ++read;
    }
    CHECK(read == 5);
}
