#pragma once
// A registry with the sample civil registry and police extract imported (tests of the
// matcher and of match governance).

#include "importers/divisions.hpp"
#include "importers/import.hpp"
#include "match/match_run.hpp"
#include "sample/sample.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

namespace diming::testing {

inline const std::filesystem::path profiles = source_dir() / "importers/profiles";

struct SampleRegistry {
    TempDir dir;
    diming::store::Database db = diming::store::Database::open(dir / "r.sqlite", diming::store::Access::create);
    std::int64_t civil = 0, police = 0;

    explicit SampleRegistry(std::uint64_t seed = 1, std::int64_t plates = 6000, std::map<std::string, double> rates = {},
                            std::vector<std::string> counties = {"330482"}) {
        diming::store::migrate(db);
        diming::sample::SampleOptions o;
        o.seed = seed;
        o.plates = plates;
        o.rates = std::move(rates);
        o.counties = std::move(counties);
        diming::sample::write_sample(o, dir / "s");
        diming::import::import_divisions(db, dir / "s/divisions.csv", "test"); // the counties the sample lays out
        civil = load(dir / "s/civil.gpkg", diming::import::SourceKind::civil, "civil-registry.json");
        police = load(dir / "s/police.csv", diming::import::SourceKind::police, "police-yibiaosanshi.json");
    }

    std::int64_t load(const std::filesystem::path& file, diming::import::SourceKind kind, const char* profile) {
        diming::import::ImportRequest r;
        r.dataset = file;
        r.source = kind;
        r.profile = diming::import::load_profile(profiles / profile);
        r.rejects = dir / (file.filename().string() + ".rejects.csv");
        r.actor = "test";
        return diming::import::import_dataset(db, r).dataset_id;
    }

    diming::match::MatchSummary run(double distance = 50, std::size_t part_records = 200000) {
        diming::match::MatchOptions o;
        o.part_records = part_records;
        o.police_dataset = police;
        o.civil_dataset = civil;
        o.distance_m = distance;
        o.actor = "test";
        return diming::match::run_match(db, o);
    }

    std::int64_t count(const std::string& sql) {
        auto st = db.prepare(sql);
        REQUIRE(st.step());
        return st.column_int(0);
    }
};


} // namespace diming::testing
