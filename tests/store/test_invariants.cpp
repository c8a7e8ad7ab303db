// The schema's own guarantees: whatever code writes to the file, these rows cannot exist.

#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "division_chain.hpp"
#include "support/temp_dir.hpp"

using namespace diming;
using diming::testing::TempDir;
using diming::testing::danghu_division_chain;

namespace {

struct Registry {
    TempDir dir;
    store::Database db = open();

    store::Database open() {
        auto d = store::Database::open(dir / "r.sqlite", store::Access::create);
        store::migrate(d);
        d.exec(danghu_division_chain);
        d.exec(R"sql(
            INSERT INTO place_names(id, name, category_code, division_code, status, approval_doc, approval_date)
              VALUES (1, '人民路', 'D-ROAD', '330482001000', 'approved', '平政地〔2020〕3号', '2020-05-01');
            INSERT INTO door_plates(id, plate_type, place_name_id, number, town_code, standard_address, geom)
              VALUES (10, 'door', 1, 12, '330482001000', '平湖市人民路12号', MakePoint(121.01, 30.70, 4490));
        )sql");
        return d;
    }
    int count(const std::string& sql) {
        auto st = db.prepare(sql);
        REQUIRE(st.step());
        return static_cast<int>(st.column_int(0));
    }
};

} // namespace

TEST_CASE("foreign keys are enforced") {
    Registry r;
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO door_plates(plate_type, place_name_id, number, town_code, standard_address, geom) "
                                "VALUES ('door', 999, 1, '330482001000', 'x', MakePoint(121.0, 30.7, 4490))"),
                      Catch::Contains("FOREIGN KEY"));
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO place_names(name, category_code, division_code) VALUES ('新路', 'D-ROAD', '330482999000')"),
                      Catch::Contains("FOREIGN KEY"));
    CHECK_THROWS_WITH(r.db.exec("DELETE FROM place_names WHERE id = 1"), Catch::Contains("FOREIGN KEY"));
    CHECK(r.count("SELECT count(*) FROM place_names") == 1);
}

TEST_CASE("one door number per road and suffix, reusable once cancelled") {
    Registry r;
    const std::string dup = "INSERT INTO door_plates(plate_type, place_name_id, number, suffix, town_code, standard_address, geom) "
                            "VALUES ('door', 1, 12, '', '330482001000', '平湖市人民路12号', MakePoint(121.01, 30.70, 4490))";
    CHECK_THROWS_WITH(r.db.exec(dup), Catch::Contains("UNIQUE"));
    // 12-1 is another plate.
    CHECK_NOTHROW(r.db.exec("INSERT INTO door_plates(plate_type, place_name_id, number, suffix, town_code, standard_address, geom) "
                            "VALUES ('door', 1, 12, '1', '330482001000', '平湖市人民路12-1号', MakePoint(121.01, 30.70, 4490))"));
    r.db.exec("UPDATE door_plates SET status = 'cancelled' WHERE id = 10");
    CHECK_NOTHROW(r.db.exec(dup));
}

TEST_CASE("plates under a door plate need a parent and their designation") {
    Registry r;
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO door_plates(plate_type, place_name_id, building, town_code, standard_address, geom) "
                                "VALUES ('building', 1, '3', '330482001000', 'x', MakePoint(121.01, 30.70, 4490))"),
                      Catch::Contains("CHECK"));
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO door_plates(plate_type, parent_id, place_name_id, town_code, standard_address, geom) "
                                "VALUES ('building', 10, 1, '330482001000', 'x', MakePoint(121.01, 30.70, 4490))"),
                      Catch::Contains("CHECK"));
    CHECK_NOTHROW(r.db.exec("INSERT INTO door_plates(plate_type, parent_id, place_name_id, building, town_code, standard_address, geom) "
                            "VALUES ('building', 10, 1, '3', '330482001000', '平湖市人民路12号3幢', MakePoint(121.01, 30.70, 4490))"));
}

TEST_CASE("history, audit and issuance events are append-only") {
    Registry r;
    r.db.exec("INSERT INTO place_name_history(id, place_name_id, former_name, new_name, decision_doc, decided_on, effective_on) "
              "VALUES (1, 1, '胜利路', '人民路', '平政地〔2021〕7号', '2021-03-01', '2021-04-01')");
    r.db.exec("INSERT INTO audit_log(actor, action, entity) VALUES ('cli:test', 'test', 'place_names')");
    CHECK_THROWS_WITH(r.db.exec("UPDATE place_name_history SET former_name = '解放路'"), Catch::Contains("append-only"));
    CHECK_THROWS_WITH(r.db.exec("DELETE FROM place_name_history"), Catch::Contains("append-only"));
    CHECK_THROWS_WITH(r.db.exec("UPDATE audit_log SET actor = 'someone else'"), Catch::Contains("append-only"));
    CHECK_THROWS_WITH(r.db.exec("DELETE FROM audit_log"), Catch::Contains("append-only"));
    CHECK(r.count("SELECT count(*) FROM place_name_history WHERE former_name = '胜利路'") == 1);
}

TEST_CASE("a renaming cannot take effect before it was decided") {
    Registry r;
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO place_name_history(place_name_id, former_name, new_name, decision_doc, decided_on, effective_on) "
                                "VALUES (1, '胜利路', '人民路', '平政地〔2021〕7号', '2021-03-01', '2021-02-01')"),
                      Catch::Contains("CHECK"));
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO place_name_history(place_name_id, former_name, new_name, decision_doc, decided_on, effective_on) "
                                "VALUES (1, '胜利路', '人民路', '平政地〔2021〕7号', '2021-02-30', '2021-03-01')"),
                      Catch::Contains("CHECK"));
}

TEST_CASE("issuances move only along the legal transitions, and each move is logged") {
    Registry r;
    r.db.exec("INSERT INTO print_orders(id) VALUES (1)");
    r.db.exec("INSERT INTO issuances(id, door_plate_id, kind, created_by) VALUES (1, 10, 'new', 'clerk-a')");
    CHECK_THROWS_WITH(r.db.exec("UPDATE issuances SET status = 'installed' WHERE id = 1"),
                      Catch::Contains("illegal issuance transition"));
    CHECK_NOTHROW(r.db.exec("UPDATE issuances SET status = 'approved' WHERE id = 1"));
    // Ordered needs a print order.
    CHECK_THROWS_WITH(r.db.exec("UPDATE issuances SET status = 'ordered' WHERE id = 1"), Catch::Contains("CHECK"));
    CHECK_NOTHROW(r.db.exec("UPDATE issuances SET status = 'ordered', print_order_id = 1 WHERE id = 1"));
    CHECK_THROWS_WITH(r.db.exec("UPDATE issuances SET status = 'applied' WHERE id = 1"),
                      Catch::Contains("illegal issuance transition"));
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO issuances(door_plate_id, kind, status) VALUES (10, 'new', 'installed')"),
                      Catch::Contains("starts as applied"));
    CHECK(r.count("SELECT count(*) FROM issuance_events WHERE issuance_id = 1 AND to_status = 'applied' AND actor = 'clerk-a'") == 1);
}

TEST_CASE("a division row cannot contradict its own code") {
    Registry r;
    // A town-shaped code claiming to be a village.
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO divisions(code, name, short_name, level, kind, parent_code) "
                                "VALUES ('330482002000','钟埭街道','钟埭街道',5,'village','330482000000')"),
                      Catch::Contains("CHECK"));
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO divisions(code, name, short_name, level, kind, parent_code) "
                                "VALUES ('33048200200A','x','x',4,'town','330482000000')"),
                      Catch::Contains("CHECK"));
}

TEST_CASE("approved names carry their decision document and date") {
    Registry r;
    CHECK_THROWS_WITH(r.db.exec("INSERT INTO place_names(name, category_code, division_code, status) "
                                "VALUES ('新华路', 'D-ROAD', '330482001000', 'approved')"),
                      Catch::Contains("CHECK"));
}
