#include <catch2/catch.hpp>

#include "match/evaluation.hpp"
#include "match/match_run.hpp"
#include "core/proj.hpp"
#include "sample/sample.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "match/sample_registry.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace diming;
using diming::testing::TempDir;

using Registry = diming::testing::SampleRegistry;


TEST_CASE("matched pairs meet the precision and recall bars on two seeds, unregistered records unmatched") {
    for (std::uint64_t seed : {7u, 20261129u}) {
        INFO("seed " << seed);
        Registry r{seed};
        const auto s = r.run();
        const auto ev = match::evaluate_run(r.db, s.run_id, r.dir / "s/truth.csv");
        CHECK(ev.overall.truth_pairs > 5000);
        CHECK(ev.overall.precision() >= 0.995);
        CHECK(ev.overall.recall() >= 0.98);
        CHECK(ev.unregistered > 50);
        CHECK(ev.unregistered_linked == 0);
        for (const char* v : {"former_name", "unit_words", "numerals", "typo", "no_hao", "village_dropped", "text_short"}) {
            INFO(v);
            if (ev.by_variation.contains(v)) CHECK(ev.by_variation.at(v).recall() >= 0.98);
        }
    }
}

TEST_CASE("a registry of several counties matches as one does, villages of one name in two towns told apart") {
    Registry r{5, 20000, {}, {"330400"}};
    // Village names repeat across the city's towns, as they do in any real city.
    const auto namesakes = r.count("SELECT count(*) FROM divisions WHERE level = 5 AND short_name IN "
                                   "(SELECT short_name FROM divisions WHERE level = 5 GROUP BY short_name HAVING count(*) > 1) "
                                   "AND code IN (SELECT community_code FROM source_addresses WHERE dataset_id = " + std::to_string(r.civil) + ")");
    REQUIRE(namesakes > 10);
    // Each civil address is read as its own village, not as a namesake elsewhere.
    CHECK(r.count("SELECT count(*) FROM source_addresses s JOIN door_plates d ON d.id = s.door_plate_id "
                  "WHERE s.dataset_id = " + std::to_string(r.civil) + " AND s.community_code <> d.community_code") == 0);
    CHECK(r.count("SELECT count(*) FROM source_addresses s JOIN door_plates d ON d.id = s.door_plate_id "
                  "WHERE s.dataset_id = " + std::to_string(r.civil) + " AND s.community_code = d.community_code") > 2000);
    const auto s = r.run();
    const auto ev = match::evaluate_run(r.db, s.run_id, r.dir / "s/truth.csv");
    CHECK(ev.overall.truth_pairs > 15000);
    CHECK(ev.overall.precision() >= 0.995);
    CHECK(ev.overall.recall() >= 0.98);
    CHECK(ev.unregistered_linked == 0);
    // Each record keyed to its own village, never to its namesake's: no key shared by two plates.
    CHECK(s.ties == 0);
}

TEST_CASE("a heavier mix of variations still matches") {
    Registry r{3, 6000, {{"typo", 0.2}, {"former_name", 1.0}, {"numerals", 0.3}, {"unit_words", 0.6}, {"town_wrong", 0.2}}};
    const auto s = r.run();
    const auto ev = match::evaluate_run(r.db, s.run_id, r.dir / "s/truth.csv");
    CHECK(ev.overall.precision() >= 0.995);
    CHECK(ev.overall.recall() >= 0.98);
}

TEST_CASE("each level comes with its reason") {
    Registry r;
    const auto s = r.run();
    auto reason = [&](const std::string& level) {
        auto st = r.db.prepare("SELECT reason FROM match_results WHERE run_id = ?1 AND level = ?2 LIMIT 1");
        st.bind_all(s.run_id, level);
        REQUIRE(st.step());
        return st.column_text(0);
    };
    CHECK_THAT(reason("exact"), Catch::Contains("agree (") && Catch::Contains("m apart"));
    CHECK_THAT(reason("room"), Catch::Contains("room") && Catch::Contains("agree (room key)"));
    CHECK_THAT(reason("fuzzy"), Catch::Contains("read as"));
    CHECK_THAT(reason("road"), Catch::Contains("is registered but not number"));
    CHECK(r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(s.run_id) + " AND level = 'unmatched' AND civil_address_id IS NOT NULL") == 0);
    // A renamed road written by its former name links to the plate on the current road.
    CHECK(r.count("SELECT count(*) FROM match_results WHERE reason LIKE '%is a former name of%' AND level IN ('exact','room','building','plate')") > 10);
}

TEST_CASE("a misspelt road is read as a same-sounding place near its point, never as one across the city") {
    Registry r{11, 6000, {{"typo", 0.2}}};
    const auto first = r.run();
    // (police id, civil id) of records read as another road's name.
    std::vector<std::pair<std::int64_t, std::int64_t>> fuzzy;
    {
        auto st = r.db.prepare("SELECT police_address_id, civil_address_id FROM match_results WHERE run_id = ?1 AND level = 'fuzzy' "
                               "AND reason LIKE '%one character differs%' ORDER BY police_address_id LIMIT 10");
        st.bind(1, first.run_id);
        while (st.step()) fuzzy.emplace_back(st.column_int(0), st.column_int(1));
    }
    REQUIRE(fuzzy.size() == 10);
    auto linked_to = [&](std::int64_t run, std::int64_t police) {
        auto st = r.db.prepare("SELECT coalesce(civil_address_id, 0), level FROM match_results WHERE run_id = ?1 AND police_address_id = ?2");
        st.bind_all(run, police);
        REQUIRE(st.step());
        return std::pair{st.column_int(0), st.column_text(1)};
    };
    auto move = [&](double east) {
        auto st = r.db.prepare("UPDATE source_addresses SET geom = MakePoint(X(geom) + ?1, Y(geom), 4490) WHERE id = ?2");
        for (const auto& [police, civil] : fuzzy) st.bind_all(east, police).run();
    };
    // ~480 m off (a police point a few hundred metres out): still read as that road.
    move(0.005);
    const auto near = r.run();
    for (const auto& [police, civil] : fuzzy) CHECK(linked_to(near.run_id, police) == std::pair<std::int64_t, std::string>{civil, "fuzzy"});
    // ~6 km off: the road of that plate is another part of the county, not what the record meant.
    move(0.06);
    const auto far = r.run();
    for (const auto& [police, civil] : fuzzy) CHECK(linked_to(far.run_id, police).first != civil);
}

TEST_CASE("spatial consistency is decided at the distance threshold, inclusively") {
    Registry r;
    const auto s = r.run(50);
    CHECK(r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(s.run_id) + " AND distance_m <= 50 AND spatially_consistent = 0") == 0);
    CHECK(r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(s.run_id) + " AND distance_m > 50 AND spatially_consistent = 1") == 0);
    // A tighter threshold can only lower the spatial rate, never the textual one.
    const auto tight = r.run(10);
    CHECK(tight.textual == s.textual);
    CHECK(tight.spatial < s.spatial);
}

TEST_CASE("a re-run produces identical results") {
    Registry r;
    const auto a = r.run();
    const auto b = r.run();
    CHECK(a.by_level == b.by_level);
    CHECK(r.count("SELECT count(*) FROM match_results x JOIN match_results y ON x.police_address_id = y.police_address_id "
                  "WHERE x.run_id = " + std::to_string(a.run_id) + " AND y.run_id = " + std::to_string(b.run_id) +
                  " AND x.level = y.level AND coalesce(x.civil_address_id, -1) = coalesce(y.civil_address_id, -1) AND x.reason = y.reason") ==
          a.police_records);
}

TEST_CASE("the run and its summary are stored and audited") {
    Registry r;
    const auto s = r.run();
    auto st = r.db.prepare("SELECT summary FROM match_runs WHERE id = ?1");
    st.bind(1, s.run_id);
    REQUIRE(st.step());
    const auto j = nlohmann::json::parse(st.column_text(0));
    CHECK(j["textual"] == s.textual);
    CHECK(j["police_records"] == s.police_records);
    CHECK(r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(s.run_id)) == s.police_records);
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action = 'match.run'") == 1);
    CHECK_THROWS_WITH(([&] {
                          match::MatchOptions o;
                          o.police_dataset = r.civil;
                          o.civil_dataset = r.police;
                          match::run_match(r.db, o);
                      }()),
                      Catch::Contains("is a civil dataset, not police"));
}

TEST_CASE("the match distance is inclusive: a pair exactly at it counts, a millimetre past it does not") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    store::migrate(db);
    import::import_divisions(db, diming::testing::source_dir() / "data/divisions/330482.csv", "test");
    // One civil plate; one police record that agrees with it by text (plate key), one that
    // agrees with nothing (only the distance can link it), each some tens of metres away.
    db.exec(R"sql(
        INSERT INTO datasets(id, source_kind, file_name, sha256, crs, encoding) VALUES
          (1, 'civil', 'civil', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'EPSG:4490', 'UTF-8'),
          (2, 'police', 'police', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'EPSG:4490', 'UTF-8');
        INSERT INTO source_addresses(dataset_id, row_number, source_id, raw, raw_address, town_code, key_road, key_plate, geom) VALUES
          (1, 1, 'C1', '{}', '人民路1号', '330482001000', '330482001000|人民路', '330482001000|人民路|1', MakePoint(121.0010, 30.7001, 4490)),
          (2, 1, 'P1', '{}', '人民路1号', '330482001000', '330482001000|人民路', '330482001000|人民路|1', MakePoint(121.0013, 30.7003, 4490)),
          (2, 2, 'P2', '{}', '无名处', '', '', '', MakePoint(121.0008, 30.6998, 4490));
    )sql");
    // The distances as the matcher measures them: EPSG:4549 metres.
    const proj::Transformation gk{"EPSG:4490", "EPSG:4549"};
    auto metres = [&](double lon1, double lat1, double lon2, double lat2) {
        const auto a = gk.forward({lon1, lat1}), b = gk.forward({lon2, lat2});
        return std::hypot(a.x - b.x, a.y - b.y);
    };
    const double textual = metres(121.0010, 30.7001, 121.0013, 30.7003), nearest = metres(121.0010, 30.7001, 121.0008, 30.6998);
    REQUIRE(textual > 20);
    REQUIRE(nearest > 20);
    auto run = [&](double distance) {
        match::MatchOptions o;
        o.police_dataset = 2;
        o.civil_dataset = 1;
        o.distance_m = distance;
        o.actor = "test";
        return match::run_match(db, o);
    };
    auto level_of = [&](std::int64_t run_id, const char* police) {
        auto st = db.prepare("SELECT r.level FROM match_results r JOIN source_addresses a ON a.id = r.police_address_id WHERE r.run_id = ?1 AND a.source_id = ?2");
        st.bind(1, run_id).bind(2, std::string{police});
        REQUIRE(st.step());
        return st.column_text(0);
    };
    // The textual pair is spatially consistent exactly at its distance, not a millimetre inside it.
    CHECK(run(textual).spatial == 1);
    CHECK(run(textual - 0.001).spatial == 0);
    CHECK(run(textual).textual == 1);
    // The record with no text in common is linked by distance exactly at it, and not a millimetre short.
    const auto at = run(nearest);
    CHECK(level_of(at.run_id, "P2") == "spatial");
    const auto short_of = run(nearest - 0.001);
    CHECK(level_of(short_of.run_id, "P2") == "unmatched");
    // A metre either way moves it too.
    CHECK(level_of(run(nearest + 1).run_id, "P2") == "spatial");
    CHECK(level_of(run(nearest - 1).run_id, "P2") == "unmatched");
    // Scored against a truth: a link to the plate the truth names is correct, to any other is not.
    diming::testing::write_file(dir / "right.csv", "police_id,civil_plate_id,variations\nP1,C1,\n");
    diming::testing::write_file(dir / "wrong.csv", "police_id,civil_plate_id,variations\nP1,C9,\n");
    const auto right = match::evaluate_run(db, at.run_id, dir / "right.csv");
    CHECK(right.overall.linked == 1);
    CHECK(right.overall.correct == 1);
    const auto wrong = match::evaluate_run(db, at.run_id, dir / "wrong.csv");
    CHECK(wrong.overall.linked == 1);
    CHECK(wrong.overall.correct == 0);
    CHECK(wrong.overall.precision() == 0.0);
}
