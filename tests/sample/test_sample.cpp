#include <catch2/catch.hpp>

#include "core/encoding.hpp"
#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "core/text.hpp"
#include "sample/names.hpp"
#include "sample/random.hpp"
#include "sample/sample.hpp"
#include "support/temp_dir.hpp"

#include <cpl_conv.h>
#include <nlohmann/json.hpp>
#include <ogr_srs_api.h>

#include <cmath>
#include <map>
#include <set>

using namespace diming;
using diming::testing::read_file;
using diming::testing::TempDir;

namespace {

// One 30,000-plate sample per test process: the scale the rates are defined at.
const std::filesystem::path& sample_30k() {
    static TempDir dir;
    static const bool written = [] {
        sample::SampleOptions o;
        o.seed = 20261129;
        o.plates = 30000;
        sample::write_sample(o, dir.path());
        return true;
    }();
    (void)written;
    return dir.path();
}

std::string field(OGRFeatureH f, const char* name) { return OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, name)); }

std::string wkt_of(OGRGeometryH g) {
    char* w = nullptr;
    OGR_G_ExportToWkt(g, &w);
    std::string out{w};
    CPLFree(w);
    return out;
}

} // namespace

TEST_CASE("the same seed writes byte-identical files and another seed different ones") {
    TempDir a, b, c;
    sample::SampleOptions o;
    o.seed = 42;
    o.plates = 3000;
    sample::write_sample(o, a.path());
    sample::write_sample(o, b.path());
    o.seed = 43;
    sample::write_sample(o, c.path());
    for (const char* f : {"civil.gpkg", "police.csv", "truth.csv", "summary.json"}) {
        INFO(f);
        const auto bytes = read_file(a / f);
        CHECK(bytes.size() > 100);
        CHECK(bytes == read_file(b / f));
        CHECK(bytes != read_file(c / f));
    }
}

TEST_CASE("every civil plate lies inside its town's cell and the layers carry EPSG:4490") {
    const auto& dir = sample_30k();
    auto ds = gdal::open_vector(dir / "civil.gpkg");
    std::map<std::string, gdal::Geometry> towns;
    OGRLayerH divisions = GDALDatasetGetLayerByName(ds.get(), "divisions");
    REQUIRE(divisions);
    OGR_L_ResetReading(divisions);
    for (gdal::Feature f{OGR_L_GetNextFeature(divisions)}; f; f.reset(OGR_L_GetNextFeature(divisions))) {
        if (OGR_F_GetFieldAsInteger(f.get(), OGR_F_GetFieldIndex(f.get(), "level")) == 4) {
            towns.emplace(field(f.get(), "code"), gdal::Geometry{OGR_G_Clone(OGR_F_GetGeometryRef(f.get()))});
        }
    }
    CHECK(towns.size() == 9);
    for (const char* name : {"divisions", "roads", "door_plates", "hamlets"}) {
        OGRLayerH layer = GDALDatasetGetLayerByName(ds.get(), name);
        REQUIRE(layer);
        CHECK(std::string{OSRGetAuthorityCode(OGR_L_GetSpatialRef(layer), nullptr)} == "4490");
    }
    OGRLayerH plates = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    CHECK(OGR_L_GetFeatureCount(plates, 1) == 30000);
    std::set<std::string> communities;
    int outside = 0, checked = 0;
    OGR_L_ResetReading(plates);
    for (gdal::Feature f{OGR_L_GetNextFeature(plates)}; f; f.reset(OGR_L_GetNextFeature(plates))) {
        const auto& town = towns.at(field(f.get(), "town_code"));
        if (!OGR_G_Contains(town.get(), OGR_F_GetGeometryRef(f.get()))) ++outside;
        communities.insert(field(f.get(), "community_code"));
        ++checked;
    }
    CHECK(checked == 30000);
    CHECK(outside == 0);
    CHECK(communities.size() > 100); // plates spread over the real communities
}

TEST_CASE("door numbers are odd on the left and even on the right, increasing along the road") {
    const auto& dir = sample_30k();
    auto ds = gdal::open_vector(dir / "civil.gpkg");
    geos::Context ctx;
    std::map<std::string, geos::Geometry> roads;
    OGRLayerH road_layer = GDALDatasetGetLayerByName(ds.get(), "roads");
    OGR_L_ResetReading(road_layer);
    for (gdal::Feature f{OGR_L_GetNextFeature(road_layer)}; f; f.reset(OGR_L_GetNextFeature(road_layer))) {
        roads.emplace(field(f.get(), "road_id"), geos::from_wkt(ctx, wkt_of(OGR_F_GetGeometryRef(f.get()))));
    }
    REQUIRE(roads.size() > 50);

    // road_id -> side (odd/even) -> (distance along, number)
    std::map<std::string, std::map<int, std::vector<std::pair<double, int>>>> along;
    int wrong_side = 0, doors = 0;
    OGRLayerH plates = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    OGR_L_SetAttributeFilter(plates, "plate_type = '门牌' AND hamlet = '' AND suffix = ''");
    OGR_L_ResetReading(plates);
    for (gdal::Feature f{OGR_L_GetNextFeature(plates)}; f; f.reset(OGR_L_GetNextFeature(plates))) {
        const auto& road = roads.at(field(f.get(), "road_id"));
        auto point = geos::from_wkt(ctx, wkt_of(OGR_F_GetGeometryRef(f.get())));
        const double d = GEOSProject_r(ctx.get(), road.get(), point.get());
        // Side from the cross product with the road's direction at that distance.
        auto p0 = geos::own(ctx, GEOSInterpolate_r(ctx.get(), road.get(), std::max(0.0, d - 1e-5)));
        auto p1 = geos::own(ctx, GEOSInterpolate_r(ctx.get(), road.get(), d + 1e-5));
        double x0, y0, x1, y1, px, py;
        GEOSGeomGetX_r(ctx.get(), p0.get(), &x0);
        GEOSGeomGetY_r(ctx.get(), p0.get(), &y0);
        GEOSGeomGetX_r(ctx.get(), p1.get(), &x1);
        GEOSGeomGetY_r(ctx.get(), p1.get(), &y1);
        GEOSGeomGetX_r(ctx.get(), point.get(), &px);
        GEOSGeomGetY_r(ctx.get(), point.get(), &py);
        const double cross = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0);
        const int number = OGR_F_GetFieldAsInteger(f.get(), OGR_F_GetFieldIndex(f.get(), "number"));
        const bool odd = number % 2 == 1;
        if (odd != (cross > 0)) ++wrong_side;
        along[field(f.get(), "road_id")][number % 2].emplace_back(d, number);
        ++doors;
    }
    REQUIRE(doors > 5000);
    CHECK(wrong_side == 0);
    int out_of_order = 0;
    for (auto& [road, sides] : along) {
        for (auto& [parity, v] : sides) {
            std::sort(v.begin(), v.end());
            for (std::size_t i = 1; i < v.size(); ++i) {
                if (v[i].second <= v[i - 1].second) ++out_of_order;
            }
        }
    }
    CHECK(out_of_order == 0);
}

TEST_CASE("standard addresses are unique and every truth id resolves") {
    const auto& dir = sample_30k();
    auto ds = gdal::open_vector(dir / "civil.gpkg");
    OGRLayerH plates = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    std::set<std::string> addresses, plate_ids;
    std::map<std::string, std::string> plate_type;
    OGR_L_ResetReading(plates);
    for (gdal::Feature f{OGR_L_GetNextFeature(plates)}; f; f.reset(OGR_L_GetNextFeature(plates))) {
        CHECK(addresses.insert(field(f.get(), "address")).second);
        plate_ids.insert(field(f.get(), "plate_id"));
        plate_type[field(f.get(), "plate_id")] = field(f.get(), "plate_type");
    }
    CHECK(addresses.size() == 30000);

    const auto police = gdal::read_csv_table(dir / "police.csv", {"地址编码", "标准地址"});
    const auto truth = gdal::read_csv_table(dir / "truth.csv", {"police_id", "civil_plate_id", "variations"});
    REQUIRE(truth.rows.size() == police.rows.size());
    std::set<std::string> police_ids;
    int unregistered = 0;
    for (std::size_t i = 0; i < truth.rows.size(); ++i) {
        const auto& t = truth.rows[i];
        CHECK(t[0] == police.rows[i][police.column("地址编码")]);
        CHECK(police_ids.insert(t[0]).second);
        if (t[1].empty()) {
            // Copies of an unregistered record have no counterpart either; count originals.
            if (t[2].find("duplicate") == std::string::npos) ++unregistered;
        } else {
            INFO(t[1]);
            REQUIRE(plate_ids.contains(t[1]));
            // Police records describe doors and flats, or buildings when the flat was left out.
            if (t[2].find("detail_missing") != std::string::npos) CHECK(plate_type[t[1]] == "楼牌");
            else CHECK(plate_type[t[1]] != "楼牌");
        }
    }
    const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
    CHECK(summary["police"]["unregistered"].get<int>() == unregistered);
    CHECK(summary["police"]["records"].get<std::size_t>() == police.rows.size());
}

TEST_CASE("variation rates at 30,000 plates are within one percentage point of the request") {
    const auto summary = nlohmann::json::parse(read_file(sample_30k() / "summary.json"));
    int checked = 0;
    for (const auto& [name, v] : summary["variations"].items()) {
        INFO(name);
        const double eligible = v["eligible"].get<double>();
        REQUIRE(eligible > 50);
        CHECK(std::abs(v["rate"].get<double>() - v["requested"].get<double>()) <= 0.01);
        ++checked;
    }
    CHECK(checked == static_cast<int>(sample::variation_catalogue().size()));
}

TEST_CASE("requested rates change what the police extract says, and the truth lists it") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 12000;
    o.rates = {{"former_name", 1.0}, {"admin_missing", 1.0}, {"admin_partial", 0.0}, {"numerals", 0.0}, {"typo", 0.0}};
    sample::write_sample(o, dir.path());
    auto ds = gdal::open_vector(dir / "civil.gpkg");
    OGRLayerH roads = GDALDatasetGetLayerByName(ds.get(), "roads");
    std::map<std::string, std::string> former; // current -> former
    OGR_L_ResetReading(roads);
    for (gdal::Feature f{OGR_L_GetNextFeature(roads)}; f; f.reset(OGR_L_GetNextFeature(roads))) {
        if (!field(f.get(), "former_name").empty()) former[field(f.get(), "name")] = field(f.get(), "former_name");
    }
    std::set<std::string> current_on_renamed;
    OGRLayerH plates = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    std::map<std::string, std::string> road_of;
    OGR_L_ResetReading(plates);
    for (gdal::Feature f{OGR_L_GetNextFeature(plates)}; f; f.reset(OGR_L_GetNextFeature(plates))) {
        road_of[field(f.get(), "plate_id")] = field(f.get(), "road");
    }
    const auto police = gdal::read_csv_table(dir / "police.csv", {"街路巷", "标准地址", "省"});
    const auto truth = gdal::read_csv_table(dir / "truth.csv", {"civil_plate_id", "variations"});
    int on_renamed = 0;
    for (std::size_t i = 0; i < police.rows.size(); ++i) {
        const auto& p = police.rows[i];
        CHECK(p[police.column("省")].empty());
        CHECK_FALSE(p[police.column("标准地址")].starts_with("浙江省"));
        const std::string& plate = truth.rows[i][truth.column("civil_plate_id")];
        if (plate.empty()) continue;
        auto it = former.find(road_of[plate]);
        if (it == former.end()) continue;
        ++on_renamed;
        CHECK(p[police.column("街路巷")] == it->second);
        CHECK_THAT(truth.rows[i][truth.column("variations")], Catch::Contains("former_name"));
    }
    REQUIRE_FALSE(former.empty());
    CHECK(on_renamed > 100);
}

TEST_CASE("a GBK police extract decodes through GDAL to the UTF-8 one, field by field") {
    TempDir utf8, gbk;
    sample::SampleOptions o;
    o.plates = 2000;
    sample::write_sample(o, utf8.path());
    o.police_encoding = sample::PoliceEncoding::gbk;
    sample::write_sample(o, gbk.path());
    const auto raw = read_file(gbk / "police.csv");
    CHECK(raw != read_file(utf8 / "police.csv"));
    CHECK(raw.find("浙江省") == std::string::npos); // not UTF-8 inside

    const auto expected = gdal::read_csv_table(utf8 / "police.csv", {"标准地址"});
    text::Charset charset{"GBK"};
    // GDAL hands the GBK bytes through untouched; the header names are GBK too.
    const auto got = gdal::read_csv_table(gbk / "police.csv", {});
    REQUIRE(got.columns.size() == expected.columns.size());
    for (std::size_t c = 0; c < got.columns.size(); ++c) CHECK(charset.to_utf8(got.columns[c]) == expected.columns[c]);
    REQUIRE(got.rows.size() == expected.rows.size());
    for (std::size_t r = 0; r < got.rows.size(); ++r) {
        for (std::size_t c = 0; c < got.columns.size(); ++c) CHECK(charset.to_utf8(got.rows[r][c]) == expected.rows[r][c]);
    }
}

TEST_CASE("police coordinates are in the requested CRS") {
    TempDir a, b;
    sample::SampleOptions o;
    o.plates = 500;
    o.rates = {{"zero_coords", 0.0}, {"swapped_coords", 0.0}, {"far_off", 0.0}};
    o.police_crs = sample::PoliceCrs::gk120;
    sample::write_sample(o, a.path());
    o.police_crs = sample::PoliceCrs::gcj02;
    sample::write_sample(o, b.path());
    const auto gk = gdal::read_csv_table(a / "police.csv", {"经度", "纬度"});
    const auto gcj = gdal::read_csv_table(b / "police.csv", {"经度", "纬度"});
    for (const auto& row : gk.rows) {
        const double e = std::stod(row[gk.column("经度")]), n = std::stod(row[gk.column("纬度")]);
        CHECK(e > 590000);  // CM 120°E + 500 km false easting: Pinghu lies ~100 km east of it
        CHECK(e < 625000);
        CHECK(n > 3380000);
        CHECK(n < 3415000);
    }
    for (const auto& row : gcj.rows) {
        const double lon = std::stod(row[gcj.column("经度")]), lat = std::stod(row[gcj.column("纬度")]);
        CHECK(lon > 120.95);
        CHECK(lon < 121.26);
        CHECK(lat > 30.59);
        CHECK(lat < 30.86);
    }
}

TEST_CASE("bad sample options are refused with the option named") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 0;
    CHECK_THROWS_WITH(sample::write_sample(o, dir.path()), Catch::Contains("--plates"));
    o.plates = 10;
    o.rates = {{"no_such_variation", 0.5}};
    CHECK_THROWS_WITH(sample::write_sample(o, dir.path()), Catch::Contains("no_such_variation"));
    o.rates = {{"typo", 1.5}};
    CHECK_THROWS_WITH(sample::write_sample(o, dir.path()), Catch::Contains("between 0 and 1"));
    CHECK_THROWS_WITH(sample::parse_police_crs("wgs84"), Catch::Contains("gcj02"));
}

TEST_CASE("a sample of a city's size goes on past the two-character road names with three-character ones, none repeated or homophone") {
    sample::Random rng{3};
    sample::Names names{testing::source_dir() / "data", rng};
    const auto two_character = names.road_names_left();
    REQUIRE(two_character > 1000);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < two_character; ++i) CHECK(seen.insert(names.next_road().name).second);
    // Past them: three characters and a generic, each new, the pinyin of each new too.
    std::set<std::string> spellings;
    for (int i = 0; i < 20000; ++i) {
        const auto r = names.next_road();
        INFO(r.name << " " << r.pinyin);
        CHECK(seen.insert(r.name).second);
        CHECK(text::code_points(r.name) >= 4);
        CHECK(spellings.insert(sample::pinyin_key(r.pinyin)).second);
    }
    CHECK(names.next_former_name().name.size() > 0); // former names draw on the same space
}

TEST_CASE("a sample of a whole city lays each county's towns inside the county and writes the divisions a registry needs") {
    TempDir dir;
    sample::SampleOptions o;
    o.seed = 7;
    o.plates = 20000;
    o.counties = {"330400"}; // the city: every county data/sample/counties.csv lays out
    sample::write_sample(o, dir.path());

    // divisions.csv: one province, one city, the seven counties, each county's towns and communities.
    const auto div = gdal::read_csv_table(dir / "divisions.csv", {"code", "name"});
    std::map<std::string, std::string> name_of;
    for (const auto& r : div.rows) CHECK(name_of.emplace(r[div.column("code")], r[div.column("name")]).second);
    int counties = 0;
    for (const auto& [code, name] : name_of) counties += code.ends_with("000000") && code.substr(4, 2) != "00";
    CHECK(counties == 7);
    CHECK(name_of.at("330481000000") == "海宁市");

    auto ds = gdal::open_vector(dir / "civil.gpkg");
    geos::Context ctx;
    std::map<std::string, gdal::Geometry> county_cells, town_cells;
    OGRLayerH divisions = GDALDatasetGetLayerByName(ds.get(), "divisions");
    OGR_L_ResetReading(divisions);
    for (gdal::Feature f{OGR_L_GetNextFeature(divisions)}; f; f.reset(OGR_L_GetNextFeature(divisions))) {
        const int level = OGR_F_GetFieldAsInteger(f.get(), OGR_F_GetFieldIndex(f.get(), "level"));
        auto& cells = level == 3 ? county_cells : town_cells;
        if (level <= 4) cells.emplace(field(f.get(), "code"), gdal::Geometry{OGR_G_Clone(OGR_F_GetGeometryRef(f.get()))});
    }
    REQUIRE(county_cells.size() == 7);
    for (const auto& [code, cell] : town_cells) {
        INFO(code);
        REQUIRE(name_of.contains(code));
        const auto& county = county_cells.at(code.substr(0, 6) + "000000");
        gdal::Geometry outside{OGR_G_Difference(cell.get(), county.get())};
        CHECK(OGR_G_Area(outside.get()) < 1e-9); // nested: a town is all inside its county
    }
    // Plates in every county, each inside its town.
    std::map<std::string, int> plates_in;
    int outside = 0;
    OGRLayerH plates = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    OGR_L_ResetReading(plates);
    for (gdal::Feature f{OGR_L_GetNextFeature(plates)}; f; f.reset(OGR_L_GetNextFeature(plates))) {
        const std::string town = field(f.get(), "town_code");
        if (!OGR_G_Contains(town_cells.at(town).get(), OGR_F_GetGeometryRef(f.get()))) ++outside;
        ++plates_in[town.substr(0, 6)];
    }
    CHECK(outside == 0);
    REQUIRE(plates_in.size() == 7);
    CHECK(plates_in.at("330481") > plates_in.at("330424")); // shares follow data/sample/counties.csv
    // The police extract names each record's own county (a record's id starts with its town's code).
    const auto police = gdal::read_csv_table(dir / "police.csv", {"地址编码", "区县"});
    int named = 0;
    for (const auto& r : police.rows) {
        const std::string& county = r[police.column("区县")];
        if (county.empty()) continue;
        INFO(r[police.column("地址编码")]);
        CHECK(county == name_of.at(r[police.column("地址编码")].substr(0, 6) + "000000"));
        ++named;
    }
    CHECK(named > 10000);
    const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
    CHECK(summary.at("counties").size() == 7);

    o.counties = {"110101"};
    CHECK_THROWS_WITH(sample::write_sample(o, dir.path()), Catch::Contains("--counties"));
}
