#include <catch2/catch.hpp>

#include "core/encoding.hpp"
#include "core/gdal.hpp"
#include "core/proj.hpp"
#include "crs/consumer_map.hpp"
#include "importers/divisions.hpp"
#include "importers/import.hpp"
#include "sample/sample.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <cpl_conv.h>
#include <nlohmann/json.hpp>
#include <ogr_srs_api.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <thread>

using namespace diming;
using diming::testing::TempDir;

namespace {

const std::filesystem::path profiles = diming::testing::source_dir() / "importers/profiles";

store::Database registry(const TempDir& dir, const std::string& name = "r.sqlite") {
    auto db = store::Database::open(dir / name, store::Access::create);
    store::migrate(db);
    import::import_divisions(db, diming::testing::source_dir() / "data/divisions/330482.csv", "test");
    return db;
}

std::int64_t count(const store::Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.column_int(0);
}

import::ImportRequest request(const std::filesystem::path& dataset, import::SourceKind source, import::Profile profile, const TempDir& dir) {
    import::ImportRequest r;
    r.dataset = dataset;
    r.source = source;
    r.profile = std::move(profile);
    r.rejects = dir / (dataset.filename().string() + ".rejects.csv");
    r.actor = "test";
    return r;
}

// A police-like profile for fixtures with columns id, addr, x, y (or a point geometry).
import::Profile fixture_profile(bool xy, const std::string& crs = "", const std::string& encoding = "UTF-8") {
    nlohmann::json layer{{"target", "addresses"}, {"id", "id"}, {"address", "addr"}};
    if (xy) {
        layer["x"] = "x";
        layer["y"] = "y";
    }
    nlohmann::json p{{"name", "fixture"}, {"encoding", encoding}, {"layers", {layer}}};
    if (!crs.empty()) p["crs"] = crs;
    return import::profile_from_json(p.dump(), "fixture profile");
}

struct Point {
    std::string id, addr;
    double x, y;
};

const std::vector<Point> points{
    {"A1", "浙江省嘉兴市平湖市当湖街道人民路12号", 121.0153, 30.7002},
    {"A2", "平湖市当湖街道人民路14号3幢2单元301室", 121.0155, 30.7004},
    {"A3", "新埭镇星光村杨家浜5号", 121.0050, 30.8000},
};

// Writes `points` with GDAL's driver into a layer called "addresses" (geometry, or x/y columns).
void write_fixture(const std::string& driver, const std::filesystem::path& path, bool xy, const std::vector<std::string>& layer_options = {}) {
    auto ds = gdal::create_vector(driver, path);
    OGRSpatialReferenceH srs = nullptr;
    if (!xy) {
        srs = OSRNewSpatialReference(nullptr);
        OSRImportFromEPSG(srs, 4490);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    gdal::StringList opts{layer_options};
    OGRLayerH layer = GDALDatasetCreateLayer(ds.get(), "addresses", srs, xy ? wkbNone : wkbPoint, opts.get());
    if (srs) OSRRelease(srs);
    REQUIRE(layer);
    for (const char* name : {"id", "addr", "x", "y"}) {
        OGRFieldDefnH fd = OGR_Fld_Create(name, OFTString);
        OGR_Fld_SetWidth(fd, 200);
        OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    for (const auto& p : points) {
        gdal::Feature f{OGR_F_Create(OGR_L_GetLayerDefn(layer))};
        OGR_F_SetFieldString(f.get(), 0, p.id.c_str());
        OGR_F_SetFieldString(f.get(), 1, p.addr.c_str());
        OGR_F_SetFieldString(f.get(), 2, std::to_string(p.x).c_str());
        OGR_F_SetFieldString(f.get(), 3, std::to_string(p.y).c_str());
        if (!xy) {
            OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_SetPoint_2D(g, 0, p.x, p.y);
            OGR_F_SetGeometryDirectly(f.get(), g);
        }
        REQUIRE(OGR_L_CreateFeature(layer, f.get()) == OGRERR_NONE);
    }
}

void check_fixture_imported(const store::Database& db, std::int64_t dataset) {
    auto st = db.prepare("SELECT source_id, raw_address, X(geom), Y(geom), key_plate FROM source_addresses WHERE dataset_id = ?1 ORDER BY row_number");
    st.bind(1, dataset);
    std::size_t i = 0;
    while (st.step()) {
        REQUIRE(i < points.size());
        CHECK(st.column_text(0) == points[i].id);
        CHECK(st.column_text(1) == points[i].addr);
        CHECK(std::abs(st.column_double(2) - points[i].x) < 1e-6);
        CHECK(std::abs(st.column_double(3) - points[i].y) < 1e-6);
        CHECK_FALSE(st.column_text(4).empty());
        ++i;
    }
    CHECK(i == points.size());
}

// Metres between two EPSG:4490 points, measured in EPSG:4549.
double metres(crs::LonLat a, crs::LonLat b) {
    static const proj::Transformation gk{"EPSG:4490", "EPSG:4549"};
    const auto pa = gk.forward({a.lon, a.lat}), pb = gk.forward({b.lon, b.lat});
    return std::hypot(pa.x - pb.x, pa.y - pb.y);
}

} // namespace

TEST_CASE("every format GDAL writes imports the same records") {
    struct Format {
        const char* driver;
        const char* file;
        bool xy;
        std::vector<std::string> options;
    };
    const Format formats[] = {{"CSV", "a.csv", true, {}},
                              {"XLSX", "a.xlsx", true, {}},
                              {"ESRI Shapefile", "a.shp", false, {"ENCODING=UTF-8"}}, // writes a .cpg
                              {"GPKG", "a.gpkg", false, {}},
                              {"GeoJSON", "a.geojson", false, {}},
                              {"OpenFileGDB", "a.gdb", false, {}}};
    for (const auto& f : formats) {
        INFO(f.driver);
        TempDir dir;
        auto db = registry(dir);
        write_fixture(f.driver, dir / f.file, f.xy, f.options);
        const auto r = import::import_dataset(db, request(dir / f.file, import::SourceKind::police, fixture_profile(f.xy), dir));
        CHECK(r.rows_read == 3);
        CHECK(r.rows_imported == 3);
        CHECK(r.rows_rejected == 0);
        check_fixture_imported(db, r.dataset_id);
        CHECK(count(db, "SELECT count(*) FROM datasets WHERE sha256 <> '' AND rows_imported = 3") == 1);
    }
}

TEST_CASE("a GBK Shapefile imports as UTF-8, with or without its .cpg") {
    TempDir dir;
    auto db = registry(dir);
    write_fixture("ESRI Shapefile", dir / "gbk.shp", false, {"ENCODING=GBK"});
    REQUIRE(std::filesystem::exists(dir / "gbk.cpg"));
    {
        // The DBF really holds GBK bytes.
        const auto dbf = diming::testing::read_file(dir / "gbk.dbf");
        CHECK(dbf.find("人民路") == std::string::npos);
        CHECK(dbf.find(text::Charset{"GBK"}.from_utf8("人民路")) != std::string::npos);
    }
    auto r = import::import_dataset(db, request(dir / "gbk.shp", import::SourceKind::police, fixture_profile(false), dir));
    CHECK(r.rows_imported == 3);
    check_fixture_imported(db, r.dataset_id);
    // Without the .cpg the profile's encoding tells.
    std::filesystem::remove(dir / "gbk.cpg");
    auto req = request(dir / "gbk.shp", import::SourceKind::civil, fixture_profile(false, "", "GBK"), dir);
    r = import::import_dataset(db, req);
    CHECK(r.rows_imported == 3);
    check_fixture_imported(db, r.dataset_id);
}

TEST_CASE("a GBK police extract imports like its UTF-8 twin") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 1500;
    sample::write_sample(o, dir / "utf8");
    o.police_encoding = sample::PoliceEncoding::gbk;
    sample::write_sample(o, dir / "gbk");
    auto db = registry(dir);
    auto profile = import::load_profile(profiles / "police-yibiaosanshi.json");
    const auto a = import::import_dataset(db, request(dir / "utf8/police.csv", import::SourceKind::police, profile, dir));
    profile.encoding = "GBK";
    const auto b = import::import_dataset(db, request(dir / "gbk/police.csv", import::SourceKind::police, profile, dir));
    CHECK(a.rows_imported == b.rows_imported);
    CHECK(a.rows_imported > 1000);
    CHECK(count(db, "SELECT count(*) FROM source_addresses x JOIN source_addresses y ON x.row_number = y.row_number "
                    "WHERE x.dataset_id = 1 AND y.dataset_id = 2 AND x.raw_address = y.raw_address AND x.key_room = y.key_room") == a.rows_imported);
    // Read as UTF-8, the GBK header matches no mapped column: refused up front, with the likely cause.
    profile.encoding = "UTF-8";
    auto req = request(dir / "gbk/police.csv", import::SourceKind::civil, profile, dir);
    CHECK_THROWS_WITH(import::import_dataset(db, req), Catch::Contains("is the file GBK?"));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 2);
}

TEST_CASE("GCJ-02, BD-09 and Gauss-Kruger coordinates land within a metre of the truth") {
    struct Crs {
        const char* name;
        std::function<crs::LonLat(crs::LonLat)> from_truth;
    };
    const proj::Transformation gk{"EPSG:4490", "EPSG:4549"};
    const Crs systems[] = {
        {"gcj02", [](crs::LonLat p) { return crs::gcj02_from_wgs84(p); }},
        {"bd09", [](crs::LonLat p) { return crs::bd09_from_wgs84(p); }},
        {"EPSG:4549", [&](crs::LonLat p) { const auto e = gk.forward({p.lon, p.lat}); return crs::LonLat{e.x, e.y}; }},
        {"EPSG:4490", [](crs::LonLat p) { return p; }},
    };
    for (const auto& s : systems) {
        INFO(s.name);
        TempDir dir;
        auto db = registry(dir);
        std::string csv = "id,addr,x,y\n";
        for (const auto& p : points) {
            const auto c = s.from_truth({p.x, p.y});
            char line[256];
            std::snprintf(line, sizeof line, "%s,%s,%.9f,%.9f\n", p.id.c_str(), p.addr.c_str(), c.lon, c.lat);
            csv += line;
        }
        diming::testing::write_file(dir / "p.csv", csv);
        const auto r = import::import_dataset(db, request(dir / "p.csv", import::SourceKind::police, fixture_profile(true, s.name), dir));
        REQUIRE(r.rows_imported == 3);
        auto st = db.prepare("SELECT X(geom), Y(geom) FROM source_addresses ORDER BY row_number");
        for (const auto& p : points) {
            REQUIRE(st.step());
            CHECK(metres({st.column_double(0), st.column_double(1)}, {p.x, p.y}) < 1.0);
        }
    }
}

TEST_CASE("GCJ-02 and BD-09 conversions round-trip within half a metre across Pinghu") {
    for (double lon = 120.95; lon <= 121.25; lon += 0.05) {
        for (double lat = 30.60; lat <= 30.85; lat += 0.05) {
            const crs::LonLat p{lon, lat};
            const auto g = crs::gcj02_from_wgs84(p);
            CHECK(metres(p, g) > 100); // the offset is real (hundreds of metres here)
            CHECK(metres(crs::wgs84_from_gcj02(g), p) < 0.5);
            CHECK(metres(crs::wgs84_from_bd09(crs::bd09_from_wgs84(p)), p) < 0.5);
        }
    }
}

TEST_CASE("a bad file, layer, column, CRS or profile fails before anything is written") {
    TempDir dir;
    auto db = registry(dir);
    write_fixture("GPKG", dir / "a.gpkg", false);
    auto attempt = [&](const std::filesystem::path& file, const import::Profile& p, const std::string& layer = "") {
        auto req = request(file, import::SourceKind::police, p, dir);
        req.layer = layer;
        return import::import_dataset(db, req);
    };
    CHECK_THROWS_WITH(attempt(dir / "missing.gpkg", fixture_profile(false)), Catch::Contains("no such file"));
    diming::testing::write_file(dir / "junk.gpkg", "not a geopackage at all");
    CHECK_THROWS_WITH(attempt(dir / "junk.gpkg", fixture_profile(false)), Catch::Contains("cannot open"));
    CHECK_THROWS_WITH(attempt(dir / "a.gpkg", fixture_profile(false), "nope"), Catch::Contains("no layer 'nope' (it has: addresses)"));
    CHECK_THROWS_WITH(attempt(dir / "a.gpkg", import::profile_from_json(R"({"layers":[{"target":"addresses","address":"地址"}]})", "p")),
                      Catch::Contains("has no column(s) 地址"));
    CHECK_THROWS_WITH(attempt(dir / "a.gpkg", fixture_profile(false, "EPSG:999999")), Catch::Contains("unknown or unusable CRS 'EPSG:999999'"));
    CHECK_THROWS_WITH(import::profile_from_json("{\"layers\": [", "p.json"), Catch::Contains("p.json: not valid JSON"));
    CHECK_THROWS_WITH(import::profile_from_json(R"({"layers":[{"target":"roads"}]})", "p.json"), Catch::Contains("target 'roads'"));
    CHECK_THROWS_WITH(import::profile_from_json(R"({"layers":[{"target":"addresses","fields":{"colour":"c"}}]})", "p.json"),
                      Catch::Contains("fields.colour is not a field of target addresses"));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 0);
}

TEST_CASE("bad rows go to the rejects file with row, field and reason, and the rest imports") {
    TempDir dir;
    auto db = registry(dir);
    diming::testing::write_file(dir / "p.csv",
                                "id,addr,x,y\n"
                                "1,人民路12号,121.0153,30.7002\n"
                                "2,,121.0153,30.7002\n"                 // empty address
                                "3,人民路14号,0,0\n"                    // zero coordinates
                                "4,人民路16号,30.7002,121.0153\n"       // swapped
                                "5,人民路18号,116.39,39.91\n"           // Beijing: outside
                                "1,人民路20号,121.0153,30.7002\n"       // duplicate id
                                "7,人民路22号,12a,30.7\n"               // not a number
                                "8,人民路\xff" "24号,121.0153,30.7002\n" // invalid UTF-8
                                "9,人民路26号,,\n");                    // no coordinates: kept, flagged
    auto profile = fixture_profile(true);
    profile.extent = std::array<double, 4>{120.9, 30.55, 121.3, 30.9};
    auto req = request(dir / "p.csv", import::SourceKind::police, profile, dir);
    req.max_reject_rate = 1; // seven bad rows of nine, on purpose
    const auto r = import::import_dataset(db, req);
    CHECK(r.rows_read == 9);
    CHECK(r.rows_imported == 2);
    CHECK(r.rows_rejected == 7);
    CHECK(r.rejected_by_reason.at("address-empty") == 1);
    CHECK(r.rejected_by_reason.at("coordinates-zero") == 1);
    CHECK(r.rejected_by_reason.at("coordinates-swapped") == 1);
    CHECK(r.rejected_by_reason.at("coordinates-outside-extent") == 1);
    CHECK(r.rejected_by_reason.at("id-duplicate") == 1);
    CHECK(r.rejected_by_reason.at("coordinates-not-numbers") == 1);
    CHECK(r.rejected_by_reason.at("encoding") == 1);
    const auto rejects = gdal::read_csv_table(r.rejects_file, {"layer", "row", "field", "reason", "raw"});
    REQUIRE(rejects.rows.size() == 7);
    CHECK(rejects.rows[0][1] == "2");
    CHECK(rejects.rows[0][2] == "addr");
    CHECK(rejects.rows[2][3].find("swapped") != std::string::npos);
    CHECK(nlohmann::json::parse(rejects.rows[4][4])["id"] == "1"); // the raw values, verbatim
    CHECK(count(db, "SELECT count(*) FROM source_addresses WHERE flags = 'no-coordinates' AND geom IS NULL") == 1);
    CHECK(count(db, "SELECT rows_rejected FROM datasets") == 7);
    // What was stored is JSON a reader can use: the raw values in the columns' order (named
    // once, in source_layers), read by name through source_address_fields.
    auto st = db.prepare("SELECT raw, components, (SELECT value FROM source_address_fields f WHERE f.source_address_id = a.id AND f.field = 'addr') "
                         "FROM source_addresses a");
    while (st.step()) {
        CHECK(nlohmann::json::parse(st.column_text(0)).size() == 4);
        CHECK_THAT(st.column_text(2), Catch::Contains("人民路"));
        CHECK(nlohmann::json::parse(st.column_text(1))["road"] == "人民路");
    }
    CHECK(count(db, "SELECT count(*) FROM source_layers WHERE columns = '[\"id\",\"addr\",\"x\",\"y\"]'") == 1);
}

TEST_CASE("each layer's raw fields are read back by name, two layers of other columns in one file, and an older record's object too") {
    TempDir dir;
    auto db = registry(dir);
    {
        auto ds = gdal::create_vector("GPKG", dir / "two.gpkg");
        OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
        OSRImportFromEPSG(srs, 4490);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        const std::vector<std::pair<const char*, std::vector<const char*>>> layers{{"east", {"id", "addr"}}, {"west", {"note", "addr", "id"}}};
        int n = 0;
        for (const auto& [name, columns] : layers) {
            OGRLayerH layer = GDALDatasetCreateLayer(ds.get(), name, srs, wkbPoint, nullptr);
            REQUIRE(layer);
            for (const char* c : columns) {
                OGRFieldDefnH fd = OGR_Fld_Create(c, OFTString);
                OGR_L_CreateField(layer, fd, TRUE);
                OGR_Fld_Destroy(fd);
            }
            for (int i = 0; i < 3; ++i, ++n) {
                gdal::Feature f{OGR_F_Create(OGR_L_GetLayerDefn(layer))};
                OGR_F_SetFieldString(f.get(), OGR_F_GetFieldIndex(f.get(), "id"), (std::string{name} + std::to_string(i)).c_str());
                OGR_F_SetFieldString(f.get(), OGR_F_GetFieldIndex(f.get(), "addr"), ("平湖市当湖街道人民路" + std::to_string(n + 1) + "号").c_str());
                if (OGR_F_GetFieldIndex(f.get(), "note") >= 0) OGR_F_SetFieldString(f.get(), OGR_F_GetFieldIndex(f.get(), "note"), "门口有树");
                OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
                OGR_G_SetPoint_2D(g, 0, 121.015 + n * 0.0001, 30.70);
                OGR_F_SetGeometryDirectly(f.get(), g);
                REQUIRE(OGR_L_CreateFeature(layer, f.get()) == OGRERR_NONE);
            }
        }
        OSRRelease(srs);
    }
    nlohmann::json east{{"layer", "east"}, {"target", "addresses"}, {"id", "id"}, {"address", "addr"}};
    nlohmann::json west{{"layer", "west"}, {"target", "addresses"}, {"id", "id"}, {"address", "addr"}};
    const auto profile = import::profile_from_json(nlohmann::json{{"name", "two"}, {"layers", {east, west}}}.dump(), "two layers");
    import::import_dataset(db, request(dir / "two.gpkg", import::SourceKind::police, profile, dir));
    CHECK(count(db, "SELECT count(*) FROM source_layers") == 2);
    CHECK(count(db, "SELECT count(*) FROM source_layers a JOIN source_layers b ON a.layer < b.layer AND a.first_id <= b.last_id AND b.first_id <= a.last_id") == 0);
    // Every record's id and address come back under their names, from its own layer's order.
    auto st = db.prepare("SELECT a.source_id, a.raw_address, "
                         "(SELECT value FROM source_address_fields f WHERE f.source_address_id = a.id AND f.field = 'id'), "
                         "(SELECT value FROM source_address_fields f WHERE f.source_address_id = a.id AND f.field = 'addr'), "
                         "(SELECT layer FROM source_address_fields f WHERE f.source_address_id = a.id AND f.field = 'addr'), "
                         "(SELECT count(*) FROM source_address_fields f WHERE f.source_address_id = a.id) FROM source_addresses a");
    int rows = 0;
    while (st.step()) {
        INFO(st.column_text(0));
        CHECK(st.column_text(2) == st.column_text(0));
        CHECK(st.column_text(3) == st.column_text(1));
        CHECK(st.column_text(0).starts_with(st.column_text(4)));
        CHECK(st.column_int(5) == (st.column_text(4) == "west" ? 3 : 2));
        ++rows;
    }
    CHECK(rows == 6);
    CHECK(count(db, "SELECT count(*) FROM source_address_fields WHERE field = 'note' AND value = '门口有树'") == 3);
    // A record stored before the raw fields were arrays keeps its object, read the same way.
    db.exec("INSERT INTO source_addresses(dataset_id, row_number, source_id, raw) SELECT id, 99, 'old', '{\"id\":\"old\",\"addr\":\"人民路1号\"}' FROM datasets");
    CHECK(count(db, "SELECT count(*) FROM source_address_fields f JOIN source_addresses a ON a.id = f.source_address_id "
                    "WHERE a.source_id = 'old' AND ((f.field = 'id' AND f.value = 'old') OR (f.field = 'addr' AND f.value = '人民路1号'))") == 2);
}

TEST_CASE("rows parsed on several cores are written in the file's order, ids checked in that order across batches") {
    TempDir dir;
    auto db = registry(dir);
    // Thousands of rows: many batches, parsed in parallel. A repeated id is the later row's
    // fault however far apart the two are, also when the first was rejected for another reason.
    std::string csv = "id,addr,x,y\n";
    for (int i = 1; i <= 6000; ++i) {
        std::string id = std::to_string(i), addr = "人民路" + std::to_string(i) + "号";
        if (i == 5000) id = "7";       // same id as row 7, thousands of rows before
        if (i == 10) addr = "";         // rejected (no address); its id is still taken
        if (i == 5500) id = "10";      // so this one repeats it
        if (i == 5999) id = "5999x";   // distinct
        csv += id + "," + addr + ",121.0" + std::to_string(100 + i % 50) + ",30.70" + std::to_string(10 + i % 80) + "\n";
    }
    diming::testing::write_file(dir / "p.csv", csv);
    auto profile = fixture_profile(true);
    profile.extent = std::array<double, 4>{120.9, 30.55, 121.3, 30.9};
    const auto r = import::import_dataset(db, request(dir / "p.csv", import::SourceKind::police, profile, dir));
    CHECK(r.rows_read == 6000);
    CHECK(r.rows_imported == 5997);
    CHECK(r.rejected_by_reason.at("id-duplicate") == 2);
    CHECK(r.rejected_by_reason.at("address-empty") == 1);
    const auto rejects = gdal::read_csv_table(r.rejects_file, {"layer", "row", "field", "reason", "raw"});
    REQUIRE(rejects.rows.size() == 3);
    CHECK(rejects.rows[0][1] == "10");
    CHECK(rejects.rows[1][1] == "5000");
    CHECK(rejects.rows[1][2] == "id");
    CHECK(rejects.rows[1][3] == "id 7 appears again");
    CHECK(rejects.rows[2][1] == "5500");
    // Written in the file's order: row numbers and ids rise together.
    CHECK(count(db, "SELECT count(*) FROM source_addresses a JOIN source_addresses b ON b.id = a.id + 1 WHERE b.row_number <= a.row_number") == 0);
    CHECK(count(db, "SELECT count(*) FROM source_addresses WHERE raw_address <> '人民路' || row_number || '号'") == 0);
    CHECK(count(db, "SELECT count(*) FROM idx_source_addresses_geom") == 5997);
}

TEST_CASE("strict mode fails the whole import on one bad row") {
    TempDir dir;
    auto db = registry(dir);
    diming::testing::write_file(dir / "p.csv", "id,addr,x,y\n1,人民路12号,121.0153,30.7002\n2,,121.0153,30.7002\n");
    auto req = request(dir / "p.csv", import::SourceKind::police, fixture_profile(true), dir);
    req.strict = true;
    CHECK_THROWS_WITH(import::import_dataset(db, req), Catch::Contains("--strict") && Catch::Contains("row 2: addr: empty address"));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 0);
}

TEST_CASE("the same file again is refused unless --replace, which swaps the dataset") {
    TempDir dir;
    auto db = registry(dir);
    write_fixture("GPKG", dir / "a.gpkg", false);
    const auto first = import::import_dataset(db, request(dir / "a.gpkg", import::SourceKind::police, fixture_profile(false), dir));
    CHECK_THROWS_WITH(import::import_dataset(db, request(dir / "a.gpkg", import::SourceKind::police, fixture_profile(false), dir)),
                      Catch::Contains("already imported as dataset " + std::to_string(first.dataset_id)) && Catch::Contains("--replace"));
    auto req = request(dir / "a.gpkg", import::SourceKind::police, fixture_profile(false), dir);
    req.replace = true;
    const auto second = import::import_dataset(db, req);
    CHECK(second.replaced_dataset_id == first.dataset_id);
    CHECK(count(db, "SELECT count(*) FROM datasets WHERE status = 'active'") == 1);
    CHECK(count(db, "SELECT count(*) FROM datasets WHERE status = 'replaced'") == 1);
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 3);
}

TEST_CASE("the sample civil registry and police extract import with the shipped profiles") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 3000;
    sample::write_sample(o, dir / "s");
    auto db = registry(dir);
    const auto civil = import::import_dataset(db, request(dir / "s/civil.gpkg", import::SourceKind::civil,
                                                          import::load_profile(profiles / "civil-registry.json"), dir));
    CHECK(civil.rows_rejected == 0);
    CHECK(civil.imported_by_target.at("door_plates") == 3000);
    CHECK(count(db, "SELECT count(*) FROM door_plates") == 3000);
    CHECK(count(db, "SELECT count(*) FROM divisions WHERE geom IS NOT NULL AND level = 4") == 9);
    // Flats hang on buildings, buildings on doors; rural plates on a village place name.
    CHECK(count(db, "SELECT count(*) FROM door_plates r JOIN door_plates b ON b.id = r.parent_id WHERE r.plate_type = 'room' AND b.plate_type = 'building'") ==
          count(db, "SELECT count(*) FROM door_plates WHERE plate_type = 'room'"));
    CHECK(count(db, "SELECT count(*) FROM door_plates d JOIN place_names p ON p.id = d.place_name_id WHERE d.hamlet <> '' AND p.category_code = '21610'") ==
          count(db, "SELECT count(*) FROM door_plates WHERE hamlet <> ''"));
    CHECK(count(db, "SELECT count(*) FROM place_name_history") == count(db, "SELECT count(*) FROM place_names WHERE id IN (SELECT place_name_id FROM place_name_history)"));
    CHECK(count(db, "SELECT count(*) FROM source_addresses WHERE door_plate_id IS NOT NULL") == 3000);
    const auto police = import::import_dataset(db, request(dir / "s/police.csv", import::SourceKind::police,
                                                           import::load_profile(profiles / "police-yibiaosanshi.json"), dir));
    const auto summary = nlohmann::json::parse(diming::testing::read_file(dir / "s/summary.json"));
    // Rejected exactly: the zero and the swapped coordinates.
    CHECK(police.rows_rejected == summary["variations"]["zero_coords"]["applied"].get<std::int64_t>() +
                                      summary["variations"]["swapped_coords"]["applied"].get<std::int64_t>());
    CHECK(police.rows_imported + police.rows_rejected == summary["police"]["records"].get<std::int64_t>());
    // With the registry's roads known, a police record and its civil plate share the plate key.
    CHECK(count(db, "SELECT count(*) FROM source_addresses p JOIN source_addresses c ON c.key_plate = p.key_plate "
                    "WHERE p.dataset_id = 2 AND c.dataset_id = 1 AND p.key_plate <> ''") > 1000);
    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'dataset.import'") == 2);
}

TEST_CASE("an import killed with SIGKILL leaves the database as it was") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 150000;
    sample::write_sample(o, dir / "s");
    {
        auto db = registry(dir);
        db.exec("INSERT INTO datasets(source_kind, file_name, sha256, crs, encoding) VALUES ('civil', 'earlier', '" +
                std::string(64, 'a') + "', 'EPSG:4490', 'UTF-8')");
    }
    const auto db_path = (dir / "r.sqlite").string();
    const int pid = diming::testing::start_diming({"import", "--db", db_path, "--source", "police", "--profile",
                                                   (profiles / "police-yibiaosanshi.json").string(), "--rejects",
                                                   (dir / "rej.csv").string(), (dir / "s/police.csv").string()});
    // Kill it once it is writing: the file (or its journal) grows while rows go in.
    auto written = [&] { return diming::testing::database_bytes(db_path); };
    const auto before = written();
    bool writing = false;
    // Up to a minute: a sanitizer build takes a while to read and fingerprint the file first.
    for (int i = 0; i < 6000 && !writing; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        writing = written() > before + 4 * 1024 * 1024;
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    CHECK(writing);
    auto db = store::Database::open(db_path, store::Access::read_write);
    CHECK(count(db, "SELECT count(*) FROM datasets") == 1);
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 0);
    CHECK(count(db, "SELECT count(*) FROM idx_source_addresses_geom") == 0);
    CHECK(count(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = 'gii_source_addresses_geom'") == 1);
    auto ok = db.prepare("PRAGMA integrity_check");
    REQUIRE(ok.step());
    CHECK(ok.column_text(0) == "ok");
}

TEST_CASE("a guessed profile fits both sample layouts") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 300;
    sample::write_sample(o, dir.path());
    const auto police = nlohmann::json::parse(import::guess_profile(dir / "police.csv", ""));
    REQUIRE(police["layers"].size() == 1);
    const auto& l = police["layers"][0];
    CHECK(l["target"] == "addresses");
    CHECK(l["id"] == "地址编码");
    CHECK(l["address"] == "标准地址");
    CHECK(l["x"] == "经度");
    CHECK(l["y"] == "纬度");
    CHECK(l["fields"]["road"] == "街路巷");
    CHECK(l["fields"]["town"] == "乡镇街道");
    const auto civil = nlohmann::json::parse(import::guess_profile(dir / "civil.gpkg", ""));
    std::map<std::string, std::string> targets;
    for (const auto& layer : civil["layers"]) targets[layer["layer"]] = layer["target"];
    CHECK(targets["divisions"] == "divisions");
    CHECK(targets["roads"] == "place_names");
    CHECK(targets["door_plates"] == "door_plates");
    CHECK(civil["crs"] == "EPSG:4490");
    // A guessed profile is a valid profile.
    CHECK_NOTHROW(import::profile_from_json(police.dump(), "guess"));
}

TEST_CASE("a police extract's own columns settle what its free text lacks or says otherwise, noted for the match reason") {
    TempDir dir;
    auto db = registry(dir);
    // 一标三实 columns beside 标准地址: the text lacks the number (row 1), says another number
    // (row 2), lacks the building, unit and room given bare (row 3); row 4 agrees; in row 5 the
    // text's natural village is the columns' street (the same part, read as another level).
    diming::testing::write_file(dir / "p.csv",
                                "地址编码,省,市,区县,乡镇街道,社区村委会,街路巷,门牌号,小区,楼栋,单元,户室,标准地址,经度,纬度\n"
                                "P1,,,平湖市,当湖街道,,人民路,12号,,,,,平湖市当湖街道人民路,121.0153,30.7002\n"
                                "P2,,,平湖市,当湖街道,,人民路,14号,,,,,平湖市当湖街道人民路12号,121.0153,30.7002\n"
                                "P3,,,平湖市,当湖街道,,人民路,14号,,3,2,301,平湖市当湖街道人民路14号,121.0153,30.7002\n"
                                "P4,,,平湖市,当湖街道,,人民路,16号,,,,,平湖市当湖街道人民路16号,121.0153,30.7002\n"
                                "P5,,,平湖市,乍浦镇,,袁加弄,14号,,,,,平湖市乍浦镇建利村袁加弄14号,121.1024,30.6495\n");
    auto profile = import::load_profile(profiles / "police-yibiaosanshi.json");
    profile.crs = "EPSG:4490";
    const auto r = import::import_dataset(db, request(dir / "p.csv", import::SourceKind::police, profile, dir));
    REQUIRE(r.rows_imported == 5);
    auto row = [&](const std::string& id) {
        auto st = db.prepare("SELECT key_plate, key_building, key_room, components FROM source_addresses WHERE source_id = ?1");
        st.bind(1, id);
        REQUIRE(st.step());
        return std::array<std::string, 4>{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3)};
    };
    CHECK(row("P1")[0] == "330482001000|人民路|12");
    CHECK(row("P1")[3].find("door number 12 from the columns (the text has none)") != std::string::npos);
    CHECK(row("P2")[0] == "330482001000|人民路|14");
    CHECK(row("P2")[3].find("door number: the columns say 14, the text 12; the columns are taken") != std::string::npos);
    CHECK(row("P3")[1] == "330482001000|人民路|14|3");
    CHECK(row("P3")[2] == "330482001000|人民路|14|3|2|301");
    CHECK(row("P4")[0] == "330482001000|人民路|16");
    CHECK(row("P4")[3].find("columns") == std::string::npos);
    CHECK(row("P5")[3].find("columns") == std::string::npos);
}
