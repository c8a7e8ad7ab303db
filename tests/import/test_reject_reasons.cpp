// Every reason an import can reject a row for (import::reject_reasons()), produced by a
// fixture and asserted by name: police rows, civil place names, door plates and divisions.

#include <catch2/catch.hpp>

#include "importers/divisions.hpp"
#include "importers/import.hpp"
#include "importers/rejects.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace diming;
using diming::testing::TempDir;
using nlohmann::json;

namespace {

struct Registry {
    TempDir dir;
    store::Database db = open();

    store::Database open() {
        auto d = store::Database::open(dir / "r.sqlite", store::Access::create);
        store::migrate(d);
        import::import_divisions(d, testing::source_dir() / "data/divisions/330482.csv", "test");
        return d;
    }
    // Imports a file by a profile given as JSON; every row may be rejected.
    import::ImportResult load(const std::string& file, const json& profile, import::SourceKind kind = import::SourceKind::civil) {
        import::ImportRequest r;
        r.dataset = dir / file;
        r.source = kind;
        r.profile = import::profile_from_json(profile.dump(), file + " profile");
        r.rejects = dir / (file + ".rejects.csv");
        r.actor = "test";
        r.max_reject_rate = 1;
        return import::import_dataset(db, r);
    }
};

json feature(json properties, json geometry) { return {{"type", "Feature"}, {"properties", std::move(properties)}, {"geometry", std::move(geometry)}}; }
json point(double lon, double lat) { return {{"type", "Point"}, {"coordinates", {lon, lat}}}; }
json line(double lon, double lat) { return {{"type", "LineString"}, {"coordinates", {{lon, lat}, {lon + 0.01, lat}}}}; }

void write_geojson(const std::filesystem::path& path, const std::vector<json>& features) {
    json fc{{"type", "FeatureCollection"}, {"features", features}};
    fc["crs"] = {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:EPSG::4490"}}}};
    testing::write_file(path, fc.dump());
}

// Reason key -> how many rows it rejected, added over several imports.
void add(std::map<std::string, std::int64_t>& seen, const import::ImportResult& r) {
    for (const auto& [k, n] : r.rejected_by_reason) seen[k] += n;
}

} // namespace

TEST_CASE("every reject reason is produced by a fixture and named in the rejects file") {
    Registry reg;
    std::map<std::string, std::int64_t> seen;

    // Police rows: ids, addresses, coordinates, encodings.
    const std::string long_address(4200, 'x');
    std::string csv = "id,addr,x,y\n"
                      "1,人民路12号,121.0153,30.7002\n"
                      ",人民路13号,121.0153,30.7002\n"          // id-empty
                      "1,人民路14号,121.0153,30.7002\n"         // id-duplicate
                      "4,,121.0153,30.7002\n"                   // address-empty
                      "5,人民路15号,0,0\n"                      // coordinates-zero
                      "6,人民路16号,30.7002,121.0153\n"         // coordinates-swapped
                      "7,人民路17号,116.39,39.91\n"             // coordinates-outside-extent
                      "8,人民路18号,12a,30.7\n"                 // coordinates-not-numbers
                      "9,人民路\xff" "19号,121.0153,30.7002\n"  // encoding
                      "10,人民路20号,inf,30.7\n"                // coordinates-untransformable
                      "11," + long_address + ",121.0153,30.7002\n"; // address-unparseable
    csv += std::string{"12,人民路"} + '\0' + "21号,121.0153,30.7002\n"; // nul-byte
    testing::write_file(reg.dir / "police.csv", csv);
    const json police_profile{{"encoding", "UTF-8"}, {"extent", {120.9, 30.55, 121.3, 30.9}},
                              {"layers", {{{"target", "addresses"}, {"id", "id"}, {"address", "addr"}, {"x", "x"}, {"y", "y"}}}}};
    const auto police = reg.load("police.csv", police_profile, import::SourceKind::police);
    CHECK(police.rows_imported == 1);
    add(seen, police);

    // A point layer given a line: geometry-not-point.
    write_geojson(reg.dir / "lines.geojson", {feature({{"id", "L1"}, {"addr", "人民路30号"}}, line(121.01, 30.70)),
                                              feature({{"id", "L2"}, {"addr", "人民路32号"}}, point(121.01, 30.70))});
    add(seen, reg.load("lines.geojson", {{"layers", {{{"target", "addresses"}, {"id", "id"}, {"address", "addr"}}}}}, import::SourceKind::police));

    // Place names.
    write_geojson(reg.dir / "roads.geojson", {
        feature({{"rid", "R1"}, {"name", "人民路"}, {"cat", "D-ROAD"}, {"town", "330482001000"}}, line(121.00, 30.70)),
        feature({{"rid", "R2"}, {"name", ""}, {"cat", "D-ROAD"}, {"town", "330482001000"}}, line(121.00, 30.71)),                 // name-empty
        feature({{"rid", "R3"}, {"name", std::string(41 * 3, 'x')}, {"cat", "D-ROAD"}, {"town", "330482001000"}}, line(121.0, 30.72)), // name-too-long (41 characters)
        feature({{"rid", "R4"}, {"name", "某某处"}, {"cat", ""}, {"town", "330482001000"}}, line(121.00, 30.73)),               // category-unknown
        feature({{"rid", "R5"}, {"name", "东门路"}, {"cat", "D-ROAD"}, {"town", "330482999000"}}, line(121.00, 30.74)),         // division-unknown
        feature({{"rid", "R6"}, {"name", "西门路"}, {"cat", "D-ROAD"}, {"town", "330482001000"}, {"former", "旧西路"}}, line(121.0, 30.75)), // history-incomplete
        feature({{"rid", "R1"}, {"name", "南门路"}, {"cat", "D-ROAD"}, {"town", "330482001000"}}, line(121.00, 30.76)),         // id-duplicate
        feature({{"rid", "R8"}, {"name", "北门路"}, {"cat", "D-ROAD"}, {"town", "330482001000"}}, line(100.0, 20.0)),           // coordinates-outside-extent
    });
    const json roads_profile{{"extent", {120.9, 30.55, 121.3, 30.9}},
                             {"layers", {{{"target", "place_names"}, {"id", "rid"},
                                          {"fields", {{"name", "name"}, {"category", "cat"}, {"division_code", "town"}, {"former_name", "former"}}}}}}};
    const auto roads = reg.load("roads.geojson", roads_profile);
    CHECK(roads.rows_imported == 1);
    add(seen, roads);

    // Door plates on 人民路 (id R1).
    auto plate = [](const char* id, const char* type, json number, const char* road, const char* town, const char* building, const char* address,
                    json geometry, const char* suffix = "") {
        return feature({{"pid", id}, {"type", type}, {"number", number}, {"road", road}, {"town", town}, {"building", building},
                        {"address", address}, {"suffix", suffix}},
                       geometry);
    };
    write_geojson(reg.dir / "plates.geojson", {
        plate("P1", "门牌", "12", "人民路", "330482001000", "", "平湖市人民路12号", point(121.0150, 30.7001)),
        plate("P2", "告示牌", "13", "人民路", "330482001000", "", "平湖市人民路13号", point(121.0150, 30.7001)),   // plate-type-unknown
        plate("P3", "门牌", "14", "无此路", "330482001000", "", "平湖市无此路14号", point(121.0150, 30.7001)),     // road-unknown
        plate("P4", "门牌", "16", "人民路", "330482999000", "", "平湖市人民路16号", point(121.0150, 30.7001)),     // division-unknown
        plate("P5", "门牌", "十八", "人民路", "330482001000", "", "平湖市人民路十八号", point(121.0150, 30.7001)), // number-invalid
        plate("P6", "楼牌", "99", "人民路", "330482001000", "1", "平湖市人民路99号1幢", point(121.0150, 30.7001)), // parent-missing
        plate("P7", "门牌", "12", "人民路", "330482001000", "", "平湖市人民路12号", point(121.0151, 30.7001)),     // plate-duplicate
        plate("P8", "门牌", "20", "人民路", "330482001000", "", "", point(121.0150, 30.7001)),                     // address-empty
        plate("P9", "门牌", "22", "人民路", "330482001000", "", "平湖市人民路22号", nullptr),                      // geometry-missing
        plate("P10", "门牌", "24", "人民路", "330482001000", "", "平湖市人民路24-甲号", point(121.0150, 30.7001), "-"), // constraint (suffix)
    });
    const json plates_profile{{"extent", {120.9, 30.55, 121.3, 30.9}},
                              {"layers", {{{"target", "door_plates"}, {"id", "pid"}, {"address", "address"},
                                           {"fields", {{"plate_type", "type"}, {"number", "number"}, {"road", "road"}, {"town_code", "town"},
                                                       {"building", "building"}, {"suffix", "suffix"}}}}}}};
    const auto plates = reg.load("plates.geojson", plates_profile);
    CHECK(plates.rows_imported == 1);
    add(seen, plates);

    // Division boundaries: an unknown code, a bow-tie polygon, none at all.
    write_geojson(reg.dir / "divisions.geojson", {
        feature({{"code", "330482001000"}}, {{"type", "Polygon"}, {"coordinates", {{{121.0, 30.69}, {121.02, 30.69}, {121.02, 30.71}, {121.0, 30.71}, {121.0, 30.69}}}}}),
        feature({{"code", "330482999000"}}, {{"type", "Polygon"}, {"coordinates", {{{121.0, 30.69}, {121.02, 30.69}, {121.02, 30.71}, {121.0, 30.71}, {121.0, 30.69}}}}}),
        feature({{"code", "330482101000"}}, {{"type", "Polygon"}, {"coordinates", {{{121.0, 30.69}, {121.02, 30.71}, {121.02, 30.69}, {121.0, 30.71}, {121.0, 30.69}}}}}),
        feature({{"code", "330482102000"}}, nullptr),
    });
    const auto divisions = reg.load("divisions.geojson", {{"layers", {{{"target", "divisions"}, {"fields", {{"code", "code"}}}}}}});
    CHECK(divisions.rows_imported == 1);
    add(seen, divisions);

    // Every reason in the catalogue was met, and nothing else was.
    std::set<std::string> catalogue;
    for (const auto& r : import::reject_reasons()) {
        catalogue.insert(r.key);
        INFO("reject reason " << r.key << " (" << r.zh << ")");
        CHECK(seen[r.key] >= 1);
        CHECK(std::string{r.zh}.size() > 0);
    }
    for (const auto& [key, n] : seen) {
        INFO(key);
        CHECK(catalogue.count(key) == 1);
    }
    // The rejects file names each: row, field and reason, read back as a spreadsheet would.
    const auto rejects = testing::read_file(reg.dir / "plates.geojson.rejects.csv");
    CHECK(rejects.rfind("\xEF\xBB\xBF" "layer,row,field,reason,raw", 0) == 0);
    CHECK_THAT(rejects, Catch::Contains(",plate_type,") && Catch::Contains(",road,") && Catch::Contains(",number,"));
    // The registry kept only the good rows.
    auto st = reg.db.prepare("SELECT (SELECT count(*) FROM door_plates), (SELECT count(*) FROM place_names WHERE source_ref = 'R1')");
    REQUIRE(st.step());
    CHECK(st.column_int(0) == 1);
    CHECK(st.column_int(1) == 1);
}
