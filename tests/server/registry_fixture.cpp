#include "registry_fixture.hpp"

#include <catch2/catch.hpp>

#include "importers/divisions.hpp"
#include "match/match_run.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <stdexcept>
#include <string>

namespace diming::testing {

void build_registry(const std::filesystem::path& db_path) {
    auto db = store::Database::open(db_path, store::Access::create);
    store::migrate(db);
    import::import_divisions(db, source_dir() / "data/divisions/330482.csv", "test");
    auto village = db.prepare("SELECT code FROM divisions WHERE level = 5 AND kind = 'village' ORDER BY code LIMIT 1");
    village.step();
    const std::string village_code = village.column_text(0);

    store::Transaction tx{db};
    db.prepare(R"sql(
        INSERT INTO place_names(id, name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, meaning, geom) VALUES
          (1, '人民路',   'Renmin Lu',     'renminlu',     'rml',  'D-ROAD', '330482001000', 'registered', '以人民命名', GeomFromText('LINESTRING(121.000 30.700, 121.010 30.700)', 4490)),
          (2, '人民东路', 'Renmin Donglu', 'renmindonglu', 'rmdl', 'D-ROAD', '330482001000', 'registered', NULL, GeomFromText('LINESTRING(121.010 30.705, 121.020 30.705)', 4490)),
          (3, '新人民路', 'Xinrenmin Lu',  'xinrenminlu',  'xrml', 'D-ROAD', '330482101000', 'registered', NULL, GeomFromText('LINESTRING(121.080 30.610, 121.090 30.610)', 4490)),
          (4, '长安路',   'Chang''an Lu',  'changanlu',    'cal',  'D-ROAD', '330482101000', 'registered', NULL, GeomFromText('LINESTRING(121.080 30.620, 121.090 30.620)', 4490)),
          (5, '朱家浜',   'Zhujiabang',    'zhujiabang',   'zjb',  '222',    ?1,             'registered', NULL, GeomFromText('POINT(121.050 30.800)', 4490))
    )sql").bind(1, village_code).run();
    db.exec(R"sql(
        INSERT INTO place_name_history(place_name_id, former_name, former_pinyin, new_name, decision_doc, decided_on, effective_on, reason)
          VALUES (4, '胜利路', 'Shengli Lu', '长安路', '平政地〔2015〕3号', '2015-03-01', '2015-04-01', '重名');
        INSERT INTO place_name_aliases(place_name_id, alias, note) VALUES (2, '老东街', '旧称');
    )sql");
    auto plate = db.prepare(
        "INSERT INTO door_plates(id, plate_type, parent_id, place_name_id, number, suffix, building, unit, room, town_code, standard_address, geom) "
        "VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, ?10, MakePoint(?11, ?12, 4490))");
    const std::string danghu = "浙江省嘉兴市平湖市当湖街道";
    plate.bind_all(1, "door", nullptr, 1, 1, "", "", "", "330482001000", danghu + "人民路1号", 121.0010, 30.7001).run();
    plate.bind_all(2, "door", nullptr, 1, 2, "", "", "", "330482001000", danghu + "人民路2号", 121.0010, 30.6999).run();
    plate.bind_all(3, "door", nullptr, 1, 3, "", "", "", "330482001000", danghu + "人民路3号", 121.0020, 30.7001).run();
    plate.bind_all(4, "door", nullptr, 1, 12, "", "", "", "330482001000", danghu + "人民路12号", 121.0060, 30.6999).run();
    plate.bind_all(5, "building", 4, 1, nullptr, "1", "", "", "330482001000", danghu + "人民路12号1幢", 121.0061, 30.6998).run();
    plate.bind_all(6, "room", 5, 1, nullptr, "1", "1", "101", "330482001000", danghu + "人民路12号1幢1单元101室", 121.0061, 30.6998).run();
    plate.bind_all(7, "door", nullptr, 4, 5, "", "", "", "330482101000", "浙江省嘉兴市平湖市乍浦镇长安路5号", 121.0850, 30.6201).run();
    for (int n = 1; n <= paging_plates; ++n) {
        plate.bind_all(100 + n, "door", nullptr, 2, n, "", "", "", "330482001000", danghu + "人民东路" + std::to_string(n) + "号",
                       121.010 + n * 0.00004, 30.705 + (n % 2 ? 0.0001 : -0.0001)).run();
    }
    db.exec(R"sql(
        INSERT INTO datasets(id, source_kind, file_name, sha256, crs, encoding) VALUES
          (1, 'civil', 'civil', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'EPSG:4490', 'UTF-8'),
          (2, 'police', 'police', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'EPSG:4490', 'UTF-8');
        INSERT INTO source_addresses(dataset_id, row_number, source_id, raw, raw_address, town_code, key_road, key_plate, door_plate_id, geom) VALUES
          (1, 1, 'C1', '{}', '人民路1号', '330482001000', '330482001000|人民路', '330482001000|人民路|1', 1, MakePoint(121.0010, 30.7001, 4490)),
          (1, 2, 'C2', '{}', '人民路2号', '330482001000', '330482001000|人民路', '330482001000|人民路|2', 2, MakePoint(121.0010, 30.6999, 4490)),
          (1, 3, 'C3', '{}', '长安路5号', '330482101000', '330482101000|长安路', '330482101000|长安路|5', 7, MakePoint(121.0850, 30.6201, 4490)),
          (2, 1, 'P1', '{}', '当湖街道人民路1号', '330482001000', '330482001000|人民路', '330482001000|人民路|1', NULL, MakePoint(121.0011, 30.7001, 4490)),
          (2, 2, 'P2', '{}', '当湖街道人民路2号', '330482001000', '330482001000|人民路', '330482001000|人民路|2', NULL, MakePoint(121.0010, 30.6999, 4490)),
          (2, 3, 'P3', '{}', '乍浦镇长安路9号', '330482101000', '330482101000|长安路', '330482101000|长安路|9', NULL, MakePoint(121.0870, 30.6201, 4490));
    )sql");
    tx.commit();
    match::MatchOptions o;
    o.police_dataset = 2;
    o.civil_dataset = 1;
    o.distance_m = 50;
    match::run_match(db, o);
}

std::int64_t query_int(const std::filesystem::path& db_path, const std::string& sql) {
    auto db = store::Database::open(db_path, store::Access::read_only);
    auto s = db.prepare(sql);
    s.step();
    return s.column_int(0);
}

std::string query_text(const std::filesystem::path& db_path, const std::string& sql) {
    auto db = store::Database::open(db_path, store::Access::read_only);
    auto s = db.prepare(sql);
    s.step();
    return s.column_text(0);
}

std::string create_token(const std::filesystem::path& db_path, const std::string& name, const std::string& role) {
    const auto r = run_diming({"token", "create", "--db", db_path.string(), "--name", name, "--role", role});
    if (r.exit_code != 0) throw std::runtime_error{"diming token create failed: " + r.err};
    return r.out.substr(0, r.out.find('\n'));
}

void add_long_road(const std::filesystem::path& db_path, int plates) {
    auto db = store::Database::open(db_path, store::Access::read_write);
    store::Transaction tx{db};
    db.exec("INSERT INTO place_names(id, name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, geom) VALUES "
            "(6, '北环路', 'Beihuan Lu', 'beihuanlu', 'bhl', 'D-ROAD', '330482001000', 'registered', "
            "GeomFromText('LINESTRING(121.03 30.72, 121.13 30.72)', 4490))");
    auto plate = db.prepare(
        "INSERT INTO door_plates(plate_type, place_name_id, number, town_code, standard_address, geom) "
        "VALUES ('door', 6, ?1, '330482001000', ?2, MakePoint(?3, ?4, 4490))");
    for (int n = 1; n <= plates; ++n) {
        plate.bind_all(n, "浙江省嘉兴市平湖市当湖街道北环路" + std::to_string(n) + "号", 121.03 + n * 0.00001, 30.72 + (n % 2 ? 0.0001 : -0.0001)).run();
    }
    tx.commit();
}

httplib::Result ServedRegistry::get(const std::string& path, const httplib::Headers& headers) const {
    auto c = server->client();
    return c.Get(path.c_str(), headers);
}

nlohmann::json ServedRegistry::get_json(const std::string& path, int status, const std::string& type) const {
    auto r = get(path);
    REQUIRE(r);
    INFO(path << " -> " << r->status << " " << r->body.substr(0, 500));
    REQUIRE(r->status == status);
    CHECK(r->get_header_value("Content-Type") == type);
    return nlohmann::json::parse(r->body);
}

} // namespace diming::testing
