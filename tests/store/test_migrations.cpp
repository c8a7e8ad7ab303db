#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <vector>

using namespace diming;
using diming::testing::TempDir;

namespace {

int count(const store::Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return static_cast<int>(st.column_int(0));
}

std::string schema_dump(const store::Database& db) {
    std::string out;
    auto st = db.prepare("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name");
    while (st.step()) out += st.column_text(0) + "\n";
    return out;
}

std::vector<store::Migration> bundled_plus(store::Migration extra) {
    std::vector<store::Migration> all{store::bundled_migrations().begin(), store::bundled_migrations().end()};
    all.push_back(std::move(extra));
    return all;
}

} // namespace

TEST_CASE("a new database receives every bundled migration in order") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    const auto r = store::migrate(db);
    const auto bundled = store::bundled_migrations();
    REQUIRE(bundled.size() >= 7);
    CHECK(r.from_version == 0);
    CHECK(r.to_version == bundled.back().version);
    CHECK(r.applied.size() == bundled.size());
    CHECK(r.applied.front() == "001_spatial_metadata");
    CHECK(store::schema_version(db) == bundled.back().version);
    CHECK(count(db, "SELECT count(*) FROM schema_migrations") == static_cast<int>(bundled.size()));
    for (const char* table : {"divisions", "place_names", "place_name_history", "door_plates", "datasets",
                              "source_addresses", "match_runs", "match_results", "issuances", "print_orders",
                              "api_tokens", "audit_log"}) {
        INFO(table);
        CHECK(db.has_table(table));
    }
}

TEST_CASE("re-running the migrations on a current database is a no-op") {
    TempDir dir;
    {
        auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
        store::migrate(db);
    }
    auto db = store::Database::open(dir / "r.sqlite", store::Access::read_write);
    const auto before = schema_dump(db);
    const auto r = store::migrate(db);
    CHECK(r.applied.empty());
    CHECK(r.from_version == r.to_version);
    CHECK(schema_dump(db) == before);
    CHECK_NOTHROW(store::require_current_schema(db));
}

TEST_CASE("connections have foreign keys on and the writer uses WAL") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    CHECK(count(db, "PRAGMA foreign_keys") == 1);
    auto mode = db.prepare("PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.column_text(0) == "wal");
    CHECK(count(db, "SELECT CheckSpatialMetaData() >= 0") == 1); // SpatiaLite is loaded
}

TEST_CASE("a database whose schema is newer than this build is refused and left untouched") {
    TempDir dir;
    const auto path = dir / "newer.sqlite";
    {
        auto db = store::Database::open(path, store::Access::create);
        store::migrate(db, bundled_plus({999, "from_the_future", "CREATE TABLE future_thing(x INTEGER);"}));
        REQUIRE(store::schema_version(db) == 999);
    }
    auto db = store::Database::open(path, store::Access::read_write);
    const auto before = schema_dump(db);
    REQUIRE_THROWS_AS(store::migrate(db), store::schema_error);
    try {
        store::migrate(db);
    } catch (const store::schema_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("newer than this diming knows"));
        CHECK_THAT(e.what(), Catch::Contains("999"));
    }
    CHECK_THROWS_AS(store::require_current_schema(db), store::schema_error);
    CHECK(schema_dump(db) == before);
    CHECK(store::schema_version(db) == 999);
}

TEST_CASE("a failed migration leaves the database as it was") {
    TempDir dir;
    const auto path = dir / "r.sqlite";
    auto db = store::Database::open(path, store::Access::create);
    store::migrate(db);
    db.exec("INSERT INTO divisions(code, name, short_name, level, kind) VALUES ('330000000000','浙江省','浙江省',1,'province')");
    const auto before = schema_dump(db);
    const int version = store::schema_version(db);

    SECTION("an SQL error half-way through") {
        const auto broken = bundled_plus({900, "broken",
                                          "CREATE TABLE half_done(x INTEGER);\n"
                                          "INSERT INTO divisions(code, name, short_name, level, kind) VALUES ('340000000000','安徽省','安徽省',1,'province');\n"
                                          "SELECT no_such_function(1);"});
        REQUIRE_THROWS_WITH(store::migrate(db, broken), Catch::Contains("900_broken failed, nothing of it was applied"));
    }
    SECTION("a SpatiaLite function that reports failure with 0") {
        const auto broken = bundled_plus({900, "bad_geometry_column",
                                          "CREATE TABLE half_done(x INTEGER);\n"
                                          "SELECT AddGeometryColumn('no_such_table', 'geom', 4490, 'POINT', 'XY');"});
        REQUIRE_THROWS_WITH(store::migrate(db, broken), Catch::Contains("returned 0"));
    }
    CHECK(schema_dump(db) == before);
    CHECK(store::schema_version(db) == version);
    CHECK_FALSE(db.has_table("half_done"));
    CHECK(count(db, "SELECT count(*) FROM divisions") == 1);
}

TEST_CASE("a database whose applied migrations have other names is refused") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    store::migrate(db, std::vector<store::Migration>{{1, "someone_elses", "CREATE TABLE t(x);"}});
    REQUIRE_THROWS_WITH(store::migrate(db), Catch::Contains("does not come from this diming lineage"));
}

TEST_CASE("opening a missing database for reading names the file and the fix") {
    TempDir dir;
    REQUIRE_THROWS_WITH(store::Database::open(dir / "absent.sqlite", store::Access::read_only),
                        Catch::Contains("absent.sqlite") && Catch::Contains("diming init"));
}

TEST_CASE("a file that is not a database is refused with SQLite's reason") {
    TempDir dir;
    diming::testing::write_file(dir / "notes.sqlite", std::string(4096, 'x'));
    REQUIRE_THROWS_AS(store::Database::open(dir / "notes.sqlite", store::Access::read_write), store::database_error);
}
