// The real `diming` binary, run as a user would.

#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

using diming::testing::run_diming;
using diming::testing::TempDir;

TEST_CASE("diming --help lists the subcommands and each has its own --help") {
    const auto top = run_diming({"--help"});
    CHECK(top.exit_code == 0);
    const char* subcommands[] = {"init", "import-divisions", "sample", "parse", "eval-parse", "demo"};
    for (const char* sub : subcommands) {
        INFO(sub);
        CHECK_THAT(top.out, Catch::Contains(sub));
        const auto help = run_diming({sub, "--help"});
        CHECK(help.exit_code == 0);
        CHECK_THAT(help.out, Catch::Contains(std::string{"diming "} + sub));
    }
}

TEST_CASE("an unknown subcommand or a missing option is a usage error") {
    CHECK(run_diming({"frobnicate"}).exit_code != 0);
    const auto r = run_diming({"init"});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("--db"));
}

TEST_CASE("diming init creates the database once and then does nothing") {
    TempDir dir;
    const auto db = (dir / "r.sqlite").string();
    const auto first = run_diming({"init", "--db", db});
    CHECK(first.exit_code == 0);
    CHECK_THAT(first.out, Catch::Contains("migration(s) applied"));
    const auto second = run_diming({"init", "--db", db});
    CHECK(second.exit_code == 0);
    CHECK_THAT(second.out, Catch::Contains("nothing to do"));
}

TEST_CASE("diming init refuses a database from a newer diming with exit code 4") {
    TempDir dir;
    const auto path = dir / "newer.sqlite";
    {
        auto db = diming::store::Database::open(path, diming::store::Access::create);
        diming::store::migrate(db);
        db.exec("INSERT INTO schema_migrations(version, name) VALUES (999, 'from_the_future')");
    }
    const auto r = run_diming({"init", "--db", path.string()});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("newer than this diming knows"));
}

TEST_CASE("diming import-divisions loads a file and reports bad input with exit code 3") {
    TempDir dir;
    const auto db = (dir / "r.sqlite").string();
    REQUIRE(run_diming({"init", "--db", db}).exit_code == 0);
    const auto ok = run_diming({"import-divisions", "--db", db, (diming::testing::source_dir() / "data/divisions/330482.csv").string()});
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Catch::Contains("9 towns/subdistricts, 136 communities/villages"));

    diming::testing::write_file(dir / "bad.csv", "code,name\n12345,坏\n");
    const auto bad = run_diming({"import-divisions", "--db", db, (dir / "bad.csv").string()});
    CHECK(bad.exit_code == 3);
    CHECK_THAT(bad.err, Catch::Contains("bad.csv:2: field code"));

    const auto uninitialised = run_diming({"import-divisions", "--db", (dir / "absent.sqlite").string(),
                                           (dir / "bad.csv").string()});
    CHECK(uninitialised.exit_code == 4);
}

TEST_CASE("diming demo runs end to end and says where its database is") {
    TempDir dir;
    const auto r = run_diming({"demo", "--dir", dir.path().string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("9 towns/subdistricts, 136 communities/villages"));
    CHECK_THAT(r.out, Catch::Contains((dir / "pinghu.sqlite").string()));
    CHECK_THAT(r.out, Catch::Contains("door_plates.geom  POINT  EPSG:4490  indexed"));
    CHECK_THAT(r.out, Catch::Contains("3000 civil plates"));
    CHECK(std::filesystem::exists(dir / "sample" / "police.csv"));
    // Running it again starts afresh rather than failing on the old file.
    CHECK(run_diming({"demo", "--dir", dir.path().string()}).exit_code == 0);
}

TEST_CASE("diming sample writes the four files and refuses bad options with exit code 3") {
    TempDir dir;
    const auto ok = run_diming({"sample", "--out", dir.path().string(), "--plates", "500", "--police-encoding", "gbk",
                                "--rate", "typo=0.2"});
    INFO(ok.err);
    REQUIRE(ok.exit_code == 0);
    CHECK_THAT(ok.out, Catch::Contains("500 civil plates"));
    for (const char* f : {"civil.gpkg", "police.csv", "truth.csv", "summary.json"}) CHECK(std::filesystem::exists(dir / f));
    CHECK(run_diming({"sample", "--out", dir.path().string(), "--police-crs", "wgs84"}).exit_code == 3);
    CHECK(run_diming({"sample", "--out", dir.path().string(), "--rate", "typo=lots"}).exit_code == 3);
    CHECK(run_diming({"sample", "--out", dir.path().string(), "--rate", "nonsense=0.1"}).exit_code == 3);
    const auto list = run_diming({"sample", "--list-variations"});
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("former_name"));
}

TEST_CASE("diming parse prints components and keys, as JSON with --json") {
    const auto r = run_diming({"parse", "--json", "平湖人民路12号3幢2-301"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["keys"]["room"] == "|人民路|12|3|2|301");
    CHECK(j["components"][0]["level"] == "county");
    CHECK(j["components"][0]["text"] == "平湖市");
    CHECK(j["components"][0]["source"] == "平湖");
    const auto text = run_diming({"parse", "当湖街道人民路十二号"});
    CHECK_THAT(text.out, Catch::Contains("number: 12  (written 十二号)"));
}

TEST_CASE("diming parse --file streams lines, reports bad ones and keeps going") {
    TempDir dir;
    diming::testing::write_file(dir / "in.txt", "人民路12号\n\xff\xfe broken\n新华路5号\n");
    const auto r = run_diming({"parse", "--json", "--file", (dir / "in.txt").string()});
    CHECK(r.exit_code == 3);
    std::istringstream lines{r.out};
    std::string line;
    std::vector<nlohmann::json> out;
    while (std::getline(lines, line)) out.push_back(nlohmann::json::parse(line));
    REQUIRE(out.size() == 3);
    CHECK(out[0]["keys"]["plate"] == "|人民路|12");
    CHECK(out[1]["input_error"].get<std::string>().find("UTF-8") != std::string::npos);
    CHECK(out[1]["where"].get<std::string>().ends_with("in.txt:2"));
    CHECK(out[2]["keys"]["plate"] == "|新华路|5");
}

TEST_CASE("diming eval-parse scores a CoNLL file") {
    TempDir dir;
    // Two tiny hand-labelled addresses (our own, not external data).
    diming::testing::write_file(dir / "tiny.conll",
        "平 B-district\n湖 I-district\n市 E-district\n人 B-road\n民 I-road\n路 E-road\n1 B-roadno\n2 I-roadno\n号 E-roadno\n\n"
        "新 B-road\n华 I-road\n路 E-road\n5 B-roadno\n号 E-roadno\n3 B-houseno\n幢 E-houseno\n");
    const auto r = run_diming({"eval-parse", (dir / "tiny.conll").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("2 addresses"));
    CHECK_THAT(r.out, Catch::Contains("micro (all)          6       6       6  100.0%  100.0%  100.0%"));
    // A miss is reported with what was predicted instead: 人民 is a road only to the file.
    diming::testing::write_file(dir / "miss.conll", "人 B-poi\n民 I-poi\n路 E-poi\n1 B-roadno\n2 I-roadno\n号 E-roadno\n");
    const auto m = run_diming({"eval-parse", (dir / "miss.conll").string()});
    REQUIRE(m.exit_code == 0);
    CHECK_THAT(m.out, Catch::Contains("missed gold entities") && Catch::Contains("poi") && Catch::Contains(" road 1"));
}
