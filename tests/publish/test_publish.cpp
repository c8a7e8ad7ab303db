// `diming publish` into a real PostgreSQL 15 + PostGIS 3 (a throwaway cluster): two counties
// in one province schema, a renaming republished as only what it changed, rows the registry no
// longer has deleted, GDAL reading what was published, and a failure mid-publish leaving the
// province's copy (and both sides' records) as they were.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "server/registry_fixture.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <gdal.h>

#include <set>
#include <sstream>
#include <string>

using namespace diming::testing;
namespace store = diming::store;
namespace gdal = diming::gdal;

namespace {

// A second county (海宁市, 330481) with one town, one road and `plates` door plates.
void build_second_county(const std::filesystem::path& db_path, int plates) {
    auto db = store::Database::open(db_path, store::Access::create);
    store::migrate(db);
    store::Transaction tx{db};
    db.exec(R"sql(
        INSERT INTO divisions(code, name, short_name, level, kind, parent_code) VALUES
          ('330000000000', '浙江省', '浙江省', 1, 'province', NULL),
          ('330400000000', '嘉兴市', '嘉兴市', 2, 'city', '330000000000'),
          ('330481000000', '海宁市', '海宁市', 3, 'county', '330400000000'),
          ('330481001000', '海洲街道', '海洲街道', 4, 'subdistrict', '330481000000');
        INSERT INTO place_names(id, name, pinyin, category_code, division_code, status, geom) VALUES
          (1, '文苑路', 'Wenyuan Lu', 'D-ROAD', '330481001000', 'registered', GeomFromText('LINESTRING(120.680 30.510, 120.690 30.510)', 4490));
    )sql");
    auto plate = db.prepare("INSERT INTO door_plates(plate_type, place_name_id, number, town_code, standard_address, geom) "
                            "VALUES ('door', 1, ?1, '330481001000', ?2, MakePoint(?3, 30.5101, 4490))");
    for (int n = 1; n <= plates; ++n) plate.bind_all(n, "浙江省嘉兴市海宁市海洲街道文苑路" + std::to_string(n) + "号", 120.680 + n * 0.0001).run();
    tx.commit();
}

// GDAL's PostgreSQL driver, as QGIS and ogr2ogr use it.
gdal::Dataset open_postgis(const std::string& conninfo) {
    gdal::Dataset ds{GDALOpenEx(("PG:" + conninfo).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)};
    REQUIRE(ds);
    return ds;
}

CommandResult publish(const std::filesystem::path& db, const PostgresCluster& pg, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"publish", "--db", db.string(), "--to", "PG:" + pg.conninfo("province")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_diming(args);
}

} // namespace

TEST_CASE("two counties publish into one province schema, and a renaming republished sends only the road, its renaming and its plates") {
    PostgresCluster pg;
    pg.create_database("province");
    TempDir dir;
    const auto pinghu = dir / "pinghu.sqlite", haining = dir / "haining.sqlite";
    build_registry(pinghu);
    build_second_county(haining, 40);

    auto first = publish(pinghu, pg);
    INFO(first.out << first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(first.out.find("a full copy (the province has no copy of this county yet)") != std::string::npos);
    REQUIRE(publish(haining, pg).exit_code == 0);

    const auto plates = query_int(pinghu, "SELECT count(*) FROM door_plates");
    CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses WHERE county_code = '330482'") == plates);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses_330481") == 40);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.counties") == 2);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.place_names WHERE county_code = '330482'") == query_int(pinghu, "SELECT count(*) FROM place_names"));
    CHECK(pg.count("province", "SELECT count(*) FROM diming.place_name_history WHERE county_code = '330482'") == 1);
    // Only the county's own divisions (not the province and city above it), with their rates.
    CHECK(pg.count("province", "SELECT count(*) FROM diming.divisions WHERE county_code = '330481'") == 2);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.match_rates WHERE division_code = '330482000000'") == 1);
    CHECK(pg.query("province", "SELECT police_records FROM diming.match_rates WHERE division_code = '330482000000'") == "3");
    // Points arrive exactly; a street sits in its own partition.
    CHECK(pg.query("province", "SELECT ST_AsText(geom) FROM diming.addresses WHERE county_code = '330482' AND id = 1") == "POINT(121.001 30.7001)");
    CHECK(pg.query("province", "SELECT ST_SRID(geom) FROM diming.addresses_330482 LIMIT 1") == "4490");
    CHECK(pg.query("province", "SELECT name FROM diming.place_names_330481 WHERE id = 1") == "文苑路");

    // Nothing changed: nothing is sent.
    auto again = publish(pinghu, pg);
    REQUIRE(again.exit_code == 0);
    CHECK(again.out.find("standard addresses  0 written, 0 deleted") != std::string::npos);

    // A renaming: the road, its renaming and every plate on it, nothing else.
    const auto before_haining = pg.query("province", "SELECT string_agg(DISTINCT publication_id::text, ',') FROM diming.addresses_330481");
    auto renamed = run_diming({"names", "rename", "1", "--db", pinghu.string(), "--to", "和平路", "--doc", "平政地〔2026〕9号", "--decided", "2026-11-01",
                               "--effective", "2026-11-01"});
    INFO(renamed.out << renamed.err);
    REQUIRE(renamed.exit_code == 0);
    auto republished = publish(pinghu, pg);
    INFO(republished.out << republished.err);
    REQUIRE(republished.exit_code == 0);
    const auto publication = pg.query("province", "SELECT publication_id FROM diming.counties WHERE county_code = '330482'");
    std::set<std::string> sent, on_road;
    {
        const auto ids = pg.query("province", "SELECT string_agg(id::text, ',' ORDER BY id) FROM diming.addresses WHERE publication_id = " + publication);
        std::stringstream ss{ids};
        for (std::string id; std::getline(ss, id, ',');) sent.insert(id);
        auto db = store::Database::open(pinghu, store::Access::read_only);
        auto s = db.prepare("SELECT id FROM door_plates WHERE place_name_id = 1");
        while (s.step()) on_road.insert(std::to_string(s.column_int(0)));
    }
    CHECK(sent == on_road);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.place_names WHERE publication_id = " + publication) == 1);
    CHECK(pg.query("province", "SELECT name FROM diming.place_names WHERE county_code = '330482' AND id = 1") == "和平路");
    CHECK(pg.query("province", "SELECT former_name FROM diming.place_name_history WHERE publication_id = " + publication) == "人民路");
    CHECK(pg.query("province", "SELECT standard_address FROM diming.addresses WHERE county_code = '330482' AND id = 1").find("和平路1号") != std::string::npos);
    CHECK(pg.query("province", "SELECT string_agg(DISTINCT publication_id::text, ',') FROM diming.addresses_330481") == before_haining);
    // Recorded on both sides.
    CHECK(query_int(pinghu, "SELECT count(*) FROM publications") == 3);
    CHECK(query_int(pinghu, "SELECT json_extract(counts, '$.addresses.written') FROM publications ORDER BY id DESC LIMIT 1") ==
          static_cast<std::int64_t>(on_road.size()));
    CHECK(query_int(pinghu, "SELECT count(*) FROM audit_log WHERE action = 'registry.publish'") == 3);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.publications WHERE county_code = '330482'") == 3);

    // A row the registry no longer has is deleted from the province's copy.
    {
        auto db = store::Database::open(pinghu, store::Access::read_write);
        db.exec("DELETE FROM door_plates WHERE id = 350"); // 人民东路250号: nothing refers to it
    }
    auto deleted = publish(pinghu, pg);
    REQUIRE(deleted.exit_code == 0);
    CHECK(deleted.out.find("standard addresses  0 written, 1 deleted") != std::string::npos);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses WHERE county_code = '330482' AND id = 350") == 0);

    // GDAL reads what was published: the whole province's addresses, and a county's partition.
    {
        auto ds = open_postgis(pg.conninfo("province") + " tables=diming.addresses,diming.place_names");
        OGRLayerH addresses = GDALDatasetGetLayerByName(ds.get(), "diming.addresses");
        REQUIRE(addresses);
        CHECK(OGR_L_GetFeatureCount(addresses, 1) == plates - 1 + 40);
        CHECK(wkbFlatten(OGR_L_GetGeomType(addresses)) == wkbPoint);
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(addresses);
        REQUIRE(srs);
        CHECK(std::string{OSRGetAuthorityCode(srs, nullptr)} == "4490");
        CHECK(std::string{OGR_L_GetFIDColumn(addresses)} == "fid");
        OGR_L_SetAttributeFilter(addresses, "county_code = '330482' AND id = 7");
        OGRFeatureH f = OGR_L_GetNextFeature(addresses);
        REQUIRE(f);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        CHECK(OGR_G_GetX(g, 0) == Approx(121.0850).margin(1e-12));
        CHECK(std::string{OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "standard_address"))} == "浙江省嘉兴市平湖市乍浦镇长安路5号");
        OGR_F_Destroy(f);
        CHECK(GDALDatasetGetLayerByName(ds.get(), "diming.place_names"));
    }
    {
        auto ds = open_postgis(pg.conninfo("province"));
        CHECK(GDALDatasetGetLayerByName(ds.get(), "diming.addresses_330481"));
        CHECK(GDALDatasetGetLayerByName(ds.get(), "diming.divisions_330482"));
    }
}

TEST_CASE("a publication that fails midway leaves the province's copy and both records as they were, and the next one sends it all") {
    PostgresCluster pg;
    pg.create_database("province");
    TempDir dir;
    const auto pinghu = dir / "pinghu.sqlite";
    build_registry(pinghu);
    REQUIRE(publish(pinghu, pg).exit_code == 0);

    // The province refuses one row, after the place names of the same publication went in.
    pg.query("province", R"sql(
        CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the province refuses %', NEW.standard_address; END $$;
        CREATE TRIGGER refuse BEFORE UPDATE ON diming.addresses_330482 FOR EACH ROW WHEN (NEW.id = 3) EXECUTE FUNCTION refuse();
    )sql");
    REQUIRE(run_diming({"names", "rename", "1", "--db", pinghu.string(), "--to", "和平路", "--doc", "平政地〔2026〕9号", "--decided", "2026-11-01",
                        "--effective", "2026-11-01"})
                .exit_code == 0);
    const auto publications = pg.count("province", "SELECT count(*) FROM diming.publications");
    auto failed = publish(pinghu, pg);
    INFO(failed.out << failed.err);
    CHECK(failed.exit_code == 4);
    CHECK(failed.err.find("county 330482 was not published") != std::string::npos);
    CHECK(failed.err.find("the province's copy is as it was") != std::string::npos);
    CHECK(failed.err.find("the province refuses") != std::string::npos);
    CHECK(pg.query("province", "SELECT name FROM diming.place_names WHERE county_code = '330482' AND id = 1") == "人民路");
    CHECK(pg.count("province", "SELECT count(*) FROM diming.place_name_history") == 1);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses WHERE standard_address LIKE '%和平路%'") == 0);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.publications") == publications);
    CHECK(query_int(pinghu, "SELECT count(*) FROM publications") == 1);

    pg.query("province", "DROP TRIGGER refuse ON diming.addresses_330482");
    auto done = publish(pinghu, pg);
    INFO(done.out << done.err);
    REQUIRE(done.exit_code == 0);
    CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses WHERE standard_address LIKE '%和平路%'") ==
          query_int(pinghu, "SELECT count(*) FROM door_plates WHERE place_name_id = 1"));

    // Another registry file for the same county replaces the copy whole, as --full does.
    const auto rebuilt = dir / "rebuilt.sqlite";
    build_registry(rebuilt);
    auto replaced = publish(rebuilt, pg);
    INFO(replaced.out << replaced.err);
    REQUIRE(replaced.exit_code == 0);
    CHECK(replaced.out.find("the province's copy came from another registry file") != std::string::npos);
    CHECK(pg.query("province", "SELECT name FROM diming.place_names WHERE county_code = '330482' AND id = 1") == "人民路");
    CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses") == query_int(rebuilt, "SELECT count(*) FROM door_plates"));
    auto full = publish(rebuilt, pg, {"--full"});
    CHECK(full.out.find("a full copy (asked for (--full))") != std::string::npos);
}

TEST_CASE("publish refuses what it cannot do, saying why, and changes nothing") {
    TempDir dir;
    const auto pinghu = dir / "pinghu.sqlite";
    build_registry(pinghu);
    auto unreachable = run_diming({"publish", "--db", pinghu.string(), "--to", "PG:host=" + (dir / "nowhere").string() + " dbname=province user=x password=secret"});
    CHECK(unreachable.exit_code == 4);
    CHECK(unreachable.err.find("cannot connect to PostgreSQL") != std::string::npos);
    CHECK(unreachable.err.find("secret") == std::string::npos);
    auto schema = run_diming({"publish", "--db", pinghu.string(), "--to", "dbname=x", "--schema", "a;drop"});
    CHECK(schema.exit_code == 3);
    CHECK(schema.err.find("--schema") != std::string::npos);
    auto county = run_diming({"publish", "--db", pinghu.string(), "--to", "dbname=x", "--county", "330481"});
    CHECK(county.exit_code == 3);
    CHECK(county.err.find("no county 330481") != std::string::npos);
    CHECK(query_int(pinghu, "SELECT count(*) FROM publications") == 0);
}
