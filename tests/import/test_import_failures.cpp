// Imports that must fail whole, with a message a GIS officer can act on, and leave both the
// registry and the file they read exactly as they were.

#include <catch2/catch.hpp>

#include "core/digest.hpp"
#include "importers/divisions.hpp"
#include "importers/import.hpp"
#include "sample/sample.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

using namespace diming;
using diming::testing::run_diming;
using diming::testing::TempDir;

namespace {

const std::filesystem::path profiles = diming::testing::source_dir() / "importers/profiles";
const std::string divisions_csv = (diming::testing::source_dir() / "data/divisions/330482.csv").string();

std::int64_t count(const std::filesystem::path& db_path, const std::string& sql) {
    auto db = store::Database::open(db_path, store::Access::read_only);
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.column_int(0);
}

// A registry made by `diming init` (and its divisions unless told otherwise).
std::string new_registry(const TempDir& dir, bool with_divisions = true) {
    const auto db = (dir / "r.sqlite").string();
    REQUIRE(run_diming({"init", "--db", db}).exit_code == 0);
    if (with_divisions) REQUIRE(run_diming({"import-divisions", "--db", db, divisions_csv}).exit_code == 0);
    return db;
}

std::vector<std::string> police_import(const std::string& db, const std::filesystem::path& file, const TempDir& dir) {
    return {"import", "--db", db, "--source", "police", "--profile", (profiles / "police-yibiaosanshi.json").string(),
            "--rejects", (dir / "rejects.csv").string(), file.string()};
}

const char* police_header = "地址编码,省,市,区县,乡镇街道,社区村委会,街路巷,门牌号,小区,楼栋,单元,户室,标准地址,经度,纬度\n";

std::string police_row(int i, double lon, double lat) {
    return "P" + std::to_string(i) + ",浙江省,嘉兴市,平湖市,当湖街道,,人民路," + std::to_string(i) + "号,,,,,平湖市当湖街道人民路" +
           std::to_string(i) + "号," + std::to_string(lon) + "," + std::to_string(lat) + "\n";
}

// A police extract of n rows, the first `outside` of them in Paris (outside any Chinese registry).
std::filesystem::path police_csv(const TempDir& dir, int n, int outside, const std::string& name = "police.csv") {
    std::string text = police_header;
    for (int i = 1; i <= n; ++i) text += i <= outside ? police_row(i, 2.35, 48.85) : police_row(i, 121.0153, 30.7002);
    diming::testing::write_file(dir / name, text);
    return dir / name;
}

} // namespace

TEST_CASE("an import into a registry without divisions fails with exit 3, writes nothing and says what to do") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 300;
    sample::write_sample(o, dir / "s");
    const auto db = new_registry(dir, false);
    const auto r = run_diming({"import", "--db", db, "--source", "civil", "--profile", (profiles / "civil-registry.json").string(),
                               "--rejects", (dir / "rejects.csv").string(), (dir / "s/civil.gpkg").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("no administrative divisions") && Catch::Contains("diming import-divisions --db " + db));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
    CHECK(count(db, "SELECT count(*) FROM door_plates") == 0);
    // Once the divisions are there, the same file imports (the failed attempt left no dataset behind).
    REQUIRE(run_diming({"import-divisions", "--db", db, divisions_csv}).exit_code == 0);
    const auto again = run_diming({"import", "--db", db, "--source", "civil", "--profile", (profiles / "civil-registry.json").string(),
                                   "--rejects", (dir / "rejects.csv").string(), (dir / "s/civil.gpkg").string()});
    CHECK(again.exit_code == 0);
    CHECK(count(db, "SELECT count(*) FROM datasets WHERE status = 'active'") == 1);
}

TEST_CASE("an import whose every row is rejected fails and writes nothing") {
    TempDir dir;
    const auto db = new_registry(dir);
    const auto r = run_diming(police_import(db, police_csv(dir, 20, 20), dir));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("every one of its 20 rows was rejected") && Catch::Contains("coordinates-outside-extent 20") &&
                          Catch::Contains("crs"));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 0);
    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'dataset.import'") == 0);
}

TEST_CASE("an import rejecting more than --max-reject-rate of its rows fails, and at or under it, it imports") {
    TempDir dir;
    const auto db = new_registry(dir);
    // 6 of 10 rejected: over the default 0.5.
    const auto over = run_diming(police_import(db, police_csv(dir, 10, 6, "six.csv"), dir));
    CHECK(over.exit_code == 3);
    CHECK_THAT(over.err, Catch::Contains("6 of 10 rows (60.0%) were rejected") && Catch::Contains("--max-reject-rate 0.5"));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
    // 5 of 10 is exactly the limit: imported, with its rejects.
    const auto at = run_diming(police_import(db, police_csv(dir, 10, 5, "five.csv"), dir));
    CHECK(at.exit_code == 0);
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 5);
    // A stricter limit refuses what the default allows; 1 allows anything but an empty import.
    auto strict = police_import(db, police_csv(dir, 10, 1, "one.csv"), dir);
    strict.insert(strict.end() - 1, {"--max-reject-rate", "0.05"});
    CHECK(run_diming(strict).exit_code == 3);
    auto lax = police_import(db, police_csv(dir, 10, 6, "six.csv"), dir);
    lax.insert(lax.end() - 1, {"--max-reject-rate", "1"});
    CHECK(run_diming(lax).exit_code == 0);
    CHECK(count(db, "SELECT count(*) FROM datasets") == 2);
    auto bad = police_import(db, police_csv(dir, 10, 0, "ok.csv"), dir);
    bad.insert(bad.end() - 1, {"--max-reject-rate", "1.5"});
    CHECK(run_diming(bad).exit_code == 2);
}

TEST_CASE("door plates naming roads a registry without place names lacks fail, saying to import the roads") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 200;
    sample::write_sample(o, dir / "s");
    // The civil profile without its roads layer: every plate names an unknown road.
    auto profile = nlohmann::json::parse(diming::testing::read_file(profiles / "civil-registry.json"));
    auto& layers = profile["layers"];
    for (auto it = layers.begin(); it != layers.end();) it = (*it)["target"] == "place_names" ? layers.erase(it) : it + 1;
    diming::testing::write_file(dir / "plates-only.json", profile.dump());
    const auto db = new_registry(dir);
    const auto r = run_diming({"import", "--db", db, "--source", "civil", "--profile", (dir / "plates-only.json").string(),
                               "--max-reject-rate", "1", "--rejects", (dir / "rejects.csv").string(), (dir / "s/civil.gpkg").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("no place names at all") && Catch::Contains("Import the roads first"));
    CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
    CHECK(count(db, "SELECT count(*) FROM door_plates") == 0);
}

TEST_CASE("a CSV line longer than GDAL reads stops the import at that row: exit 3, nothing written") {
    TempDir dir;
    const auto db = new_registry(dir);
    std::string text = police_header;
    for (int i = 1; i <= 5; ++i) text += police_row(i, 121.0153, 30.7002);
    // Row 6: a line over GDAL's limit for CSV lines. The limit (10 MB by default) is lowered to
    // 1 MB for this test: GDAL grows its line buffer a little at a time, and under the
    // sanitizers' allocator every step copies it (a 10 MB line then takes minutes).
    setenv("OGR_CSV_MAX_LINE_SIZE", "1000000", 1);
    text += "P6,浙江省,嘉兴市,平湖市,当湖街道,,人民路,6号,,,,," + std::string(1536 * 1024, 'x') + ",121.0153,30.7002\n";
    for (int i = 7; i <= 9; ++i) text += police_row(i, 121.0153, 30.7002);
    diming::testing::write_file(dir / "long.csv", text);
    for (bool strict : {false, true}) {
        auto args = police_import(db, dir / "long.csv", dir);
        if (strict) args.insert(args.end() - 1, "--strict");
        const auto r = run_diming(args);
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("long.csv") && Catch::Contains("row 6") && Catch::Contains("nothing is written"));
        CHECK(count(db, "SELECT count(*) FROM datasets") == 0);
        CHECK(count(db, "SELECT count(*) FROM source_addresses") == 0);
    }
    unsetenv("OGR_CSV_MAX_LINE_SIZE");
}

TEST_CASE("a GeoPackage or another SQLite file given as --db is refused untouched") {
    TempDir dir;
    sample::SampleOptions o;
    o.plates = 200;
    sample::write_sample(o, dir / "s");
    const auto gpkg = dir / "s/civil.gpkg";
    const auto before = sha256_of_path(gpkg);
    // The arguments swapped: the source as --db, the registry as the dataset.
    const auto db = new_registry(dir);
    const auto swapped = run_diming({"import", "--db", gpkg.string(), "--source", "civil", "--profile",
                                     (profiles / "civil-registry.json").string(), db});
    CHECK(swapped.exit_code == 4);
    CHECK_THAT(swapped.err, Catch::Contains("is a GeoPackage, not a diming registry") && Catch::Contains("nothing was changed"));
    CHECK_THAT(swapped.err, !Catch::Contains("diming init --db " + gpkg.string()));
    CHECK(run_diming({"init", "--db", gpkg.string()}).exit_code == 4);
    CHECK(run_diming({"import-divisions", "--db", gpkg.string(), divisions_csv}).exit_code == 4);
    CHECK(run_diming({"serve", "--db", gpkg.string()}).exit_code == 4);
    CHECK(sha256_of_path(gpkg) == before);
    CHECK_FALSE(std::filesystem::exists(gpkg.string() + "-wal"));
    // Any SQLite file that is not a registry, likewise.
    {
        auto other = store::Database::open(dir / "other.sqlite", store::Access::create);
        other.exec("CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('keep me')");
    }
    const auto other_before = sha256_of_path(dir / "other.sqlite");
    CHECK_THROWS_WITH(store::Database::open(dir / "other.sqlite", store::Access::read_write),
                      Catch::Contains("an SQLite database of something else, not a diming registry"));
    CHECK_THROWS_AS(store::Database::open(dir / "other.sqlite", store::Access::create), store::database_error);
    CHECK(sha256_of_path(dir / "other.sqlite") == other_before);
    // A registry and an empty file stay writable; the import reads its source without changing it.
    CHECK_NOTHROW(store::Database::open(db, store::Access::read_write));
    diming::testing::write_file(dir / "empty.sqlite", "");
    CHECK_NOTHROW(store::Database::open(dir / "empty.sqlite", store::Access::create));
    const auto r = run_diming({"import", "--db", db, "--source", "civil", "--profile", (profiles / "civil-registry.json").string(),
                               "--rejects", (dir / "rejects.csv").string(), gpkg.string()});
    CHECK(r.exit_code == 0);
    CHECK(sha256_of_path(gpkg) == before);
}

TEST_CASE("a symlink loop, an empty file, a folder and a NUL byte each get their own clear error") {
    TempDir dir;
    const auto db = new_registry(dir);
    std::filesystem::create_symlink(dir / "loop-b.csv", dir / "loop-a.csv");
    std::filesystem::create_symlink(dir / "loop-a.csv", dir / "loop-b.csv");
    const auto loop = run_diming(police_import(db, dir / "loop-a.csv", dir));
    CHECK(loop.exit_code == 3);
    CHECK_THAT(loop.err, Catch::Contains("loop-a.csv") && Catch::Contains("symbolic links"));
    CHECK_THAT(loop.err, !Catch::Contains("internal error"));
    const auto loop_db = run_diming(police_import((dir / "loop-a.csv").string(), police_csv(dir, 3, 0), dir));
    CHECK(loop_db.exit_code == 4);
    CHECK_THAT(loop_db.err, Catch::Contains("symbolic links"));

    diming::testing::write_file(dir / "empty.csv", "");
    const auto empty = run_diming(police_import(db, dir / "empty.csv", dir));
    CHECK(empty.exit_code == 3);
    CHECK_THAT(empty.err, Catch::Contains("empty.csv: the file is empty (0 bytes)"));

    std::filesystem::create_directory(dir / "folder");
    diming::testing::write_file(dir / "folder/readme.txt", "not data");
    const auto folder = run_diming(police_import(db, dir / "folder", dir));
    CHECK(folder.exit_code == 3);
    CHECK_THAT(folder.err, Catch::Contains("is a folder") && Catch::Contains("name the data file inside it"));
    CHECK_THAT(folder.err, !Catch::Contains("unknown GDAL error"));

    diming::testing::write_file(dir / "junk.csv.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
    const auto junk = run_diming(police_import(db, dir / "junk.csv.gz", dir));
    CHECK(junk.exit_code == 3);
    CHECK_THAT(junk.err, !Catch::Contains("unknown GDAL error"));

    // Row 2's 标准地址 has a NUL in it: GDAL would hand over only the text before it.
    std::string text = police_header + police_row(1, 121.0153, 30.7002);
    std::string row2 = police_row(2, 121.0153, 30.7002);
    row2.insert(row2.find("人民路2号,121"), std::string("\0", 1));
    text += row2 + police_row(3, 121.0153, 30.7002);
    diming::testing::write_file(dir / "nul.csv", text);
    const auto nul = run_diming(police_import(db, dir / "nul.csv", dir));
    CHECK(nul.exit_code == 0);
    CHECK_THAT(nul.out, Catch::Contains("rejected, nul-byte: 1"));
    const auto rejects = diming::testing::read_file(dir / "rejects.csv");
    CHECK_THAT(rejects, Catch::Contains("nul,2,标准地址,a NUL byte"));
    CHECK(count(db, "SELECT count(*) FROM source_addresses") == 2);
}

TEST_CASE("the first and the last row of a file are read like every other: imported, or rejected under their own numbers") {
    TempDir dir;
    const auto db = new_registry(dir);
    // Good at both ends.
    const auto good = run_diming(police_import(db, police_csv(dir, 7, 0, "good.csv"), dir));
    REQUIRE(good.exit_code == 0);
    CHECK(count(db, "SELECT count(*) FROM source_addresses WHERE row_number IN (1, 7) AND source_id IN ('P1', 'P7')") == 2);
    CHECK(count(db, "SELECT max(row_number) FROM source_addresses") == 7);
    // Bad at both ends (and no newline after the last row).
    std::string text = police_header + police_row(1, 2.35, 48.85);
    for (int i = 2; i <= 6; ++i) text += police_row(i, 121.0153, 30.7002);
    std::string last = police_row(7, 0, 0);
    last.pop_back();
    diming::testing::write_file(dir / "ends.csv", text + last);
    const auto ends = run_diming(police_import(db, dir / "ends.csv", dir));
    REQUIRE(ends.exit_code == 0);
    const auto rejects = diming::testing::read_file(dir / "rejects.csv");
    CHECK_THAT(rejects, Catch::Contains("\nends,1,coordinates,") && Catch::Contains("\nends,7,coordinates,\"coordinates are 0,0\""));
    CHECK(count(db, "SELECT count(*) FROM source_addresses WHERE dataset_id = 2") == 5);
    CHECK(count(db, "SELECT min(row_number) FROM source_addresses WHERE dataset_id = 2") == 2);
    CHECK(count(db, "SELECT max(row_number) FROM source_addresses WHERE dataset_id = 2") == 6);
}
