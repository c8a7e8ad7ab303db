#include <catch2/catch.hpp>

#include "importers/divisions.hpp"
#include "importers/import.hpp"
#include "match/evaluation.hpp"
#include "match/match_run.hpp"
#include "sample/sample.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

using namespace diming;
using diming::testing::TempDir;

namespace {

const std::filesystem::path profiles = diming::testing::source_dir() / "importers/profiles";

struct Registry {
    TempDir dir;
    store::Database db = store::Database::open(dir / "r.sqlite", store::Access::create);
    std::int64_t civil = 0, police = 0;

    explicit Registry(std::uint64_t seed = 1, std::int64_t plates = 6000, std::map<std::string, double> rates = {}) {
        store::migrate(db);
        import::import_divisions(db, diming::testing::source_dir() / "data/divisions/330482.csv", "test");
        sample::SampleOptions o;
        o.seed = seed;
        o.plates = plates;
        o.rates = std::move(rates);
        sample::write_sample(o, dir / "s");
        civil = load(dir / "s/civil.gpkg", import::SourceKind::civil, "civil-registry.json");
        police = load(dir / "s/police.csv", import::SourceKind::police, "police-yibiaosanshi.json");
    }

    std::int64_t load(const std::filesystem::path& file, import::SourceKind kind, const char* profile) {
        import::ImportRequest r;
        r.dataset = file;
        r.source = kind;
        r.profile = import::load_profile(profiles / profile);
        r.rejects = dir / (file.filename().string() + ".rejects.csv");
        r.actor = "test";
        return import::import_dataset(db, r).dataset_id;
    }

    match::MatchSummary run(double distance = 50) {
        match::MatchOptions o;
        o.police_dataset = police;
        o.civil_dataset = civil;
        o.distance_m = distance;
        o.actor = "test";
        return match::run_match(db, o);
    }

    std::int64_t count(const std::string& sql) {
        auto st = db.prepare(sql);
        REQUIRE(st.step());
        return st.column_int(0);
    }
};

} // namespace

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
        for (const char* v : {"former_name", "unit_words", "numerals", "typo"}) {
            INFO(v);
            if (ev.by_variation.contains(v)) CHECK(ev.by_variation.at(v).recall() >= 0.98);
        }
    }
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
