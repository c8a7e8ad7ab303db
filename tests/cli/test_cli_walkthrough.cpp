// Every `diming` subcommand, run as a GIS officer, a committee member and a clerk would, one
// after the other on one registry: exit codes and what each prints. The list of subcommands
// comes from `diming --help` itself, so a new one without a step here fails.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "store/database.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

using namespace diming::testing;
using nlohmann::json;

namespace {

// The subcommands a --help text lists.
std::vector<std::string> subcommands_in(const std::string& help) {
    std::vector<std::string> out;
    const auto at = help.find("Subcommands:");
    if (at == std::string::npos) return out;
    std::istringstream lines{help.substr(at)};
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::smatch m;
        if (std::regex_search(line, m, std::regex{R"(^  ([a-z][a-z-]*)\s)"})) out.push_back(m[1]);
    }
    return out;
}

struct Walk {
    TempDir dir;
    std::string db = (dir / "r.sqlite").string();
    std::set<std::string> ran; // "names approve", "init", ...

    // Runs `diming args…` in the walk's folder and requires the exit code.
    CommandResult run(const std::vector<std::string>& args, int exit_code = 0) {
        const auto r = run_diming(args, dir.path());
        INFO("diming " << [&] {
            std::string s;
            for (const auto& a : args) s += a + " ";
            return s;
        }() << "\nstdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err.substr(0, 2000));
        REQUIRE(r.exit_code == exit_code);
        ran.insert(subcommand_has_children(args[0]) ? args[0] + " " + args[1] : args[0]);
        return r;
    }
    static bool subcommand_has_children(const std::string& name) {
        static const std::set<std::string> parents{"names", "plates", "print-orders", "token", "audit", "tiles"};
        return parents.count(name) == 1;
    }
    std::int64_t query(const std::string& sql) const {
        auto st = diming::store::Database::open(db, diming::store::Access::read_only).prepare(sql);
        REQUIRE(st.step());
        return st.column_int(0);
    }
    std::string text(const std::string& sql) const {
        auto db_ = diming::store::Database::open(db, diming::store::Access::read_only);
        auto st = db_.prepare(sql);
        REQUIRE(st.step());
        return st.column_text(0);
    }
};

} // namespace

TEST_CASE("every diming subcommand runs in a walk through a bureau's day, with its exit code and output checked") {
    Walk w;
    const std::string profiles = (source_dir() / "importers/profiles").string();
    // GIS: a registry, its divisions, both datasets, a match run and its reports.
    CHECK_THAT(w.run({"sample", "--out", "s", "--plates", "300"}).out, Catch::Contains("300 civil plates"));
    CHECK_THAT(w.run({"init", "--db", w.db}).out, Catch::Contains("schema version 0 -> "));
    CHECK_THAT(w.run({"import-divisions", "--db", w.db, (source_dir() / "data/divisions/330482.csv").string()}).out, Catch::Contains("148 divisions"));
    CHECK_THAT(w.run({"import", "--db", w.db, "--source", "civil", "--profile", profiles + "/civil-registry.json", "s/civil.gpkg"}).out,
               Catch::Contains("dataset 1 (civil)") && Catch::Contains("rejected 0"));
    CHECK_THAT(w.run({"import", "--db", w.db, "--source", "police", "--profile", profiles + "/police-yibiaosanshi.json", "s/police.csv"}).out,
               Catch::Contains("dataset 2 (police)"));
    const auto guessed = json::parse(w.run({"import", "--guess", "s/police.csv"}).out);
    CHECK(guessed["layers"][0]["address"] == "标准地址");
    CHECK_THAT(w.run({"match", "--db", w.db, "--police", "2", "--civil", "1"}).out, Catch::Contains("match run 1"));
    CHECK_THAT(w.run({"match", "--db", w.db, "--evaluate", "1", "--truth", "s/truth.csv"}).out, Catch::Contains("100.00%"));
    for (const std::string format : {"html", "csv", "json", "gpkg"}) {
        w.run({"audit", "report", "--db", w.db, "--run", "1", "--format", format, "--out", "report." + format});
        CHECK(std::filesystem::file_size(w.dir / ("report." + format)) > 100);
    }
    CHECK(json::parse(read_file(w.dir / "report.json")).contains("towns"));
    CHECK_THAT(w.run({"parse", "当湖街道人民路12号3幢2单元301室"}).out, Catch::Contains("人民路"));
    write_file(w.dir / "gold.conll", "人 B-road\n民 I-road\n路 E-road\n1 B-roadno\n2 I-roadno\n号 E-roadno\n\n");
    CHECK_THAT(w.run({"eval-parse", "gold.conll"}).out, Catch::Contains("road"));

    // Anyone: search and geocode.
    const auto hits = json::parse(w.run({"names", "search", "--db", w.db, "--limit", "3"}).out)["hits"];
    REQUIRE(hits.size() == 3);
    const std::string road = hits[0]["name"];
    const auto road_id = hits[0]["id"].get<std::int64_t>();
    CHECK(json::parse(w.run({"names", "search", "--db", w.db, road}).out)["hits"][0]["name"] == road);
    CHECK(json::parse(w.run({"names", "show", "--db", w.db, std::to_string(road_id)}).out)["name"] == road);
    const auto geocoded = json::parse(w.run({"geocode", "--db", w.db, road + "1号"}).out);
    CHECK(geocoded["hits"].size() >= 1);
    CHECK(json::parse(w.run({"geocode", "--db", w.db, "--reverse", "121.02,30.73", "--radius", "2000"}).out).contains("plates"));

    // The committee: propose, approve, reject, retire, rename.
    const auto proposed = std::stoll(w.run({"names", "propose", "--db", w.db, "试验新路", "--category", "D-ROAD", "--division", "330482001000"}).out);
    CHECK(w.text("SELECT status FROM place_names WHERE id = " + std::to_string(proposed)) == "proposed");
    w.run({"names", "propose", "--db", w.db, road, "--category", "D-ROAD", "--division", "330482001000"}, 3); // a duplicate
    w.run({"names", "approve", "--db", w.db, std::to_string(proposed), "--doc", "平政地〔2026〕1号", "--date", "2026-11-01"});
    CHECK(w.text("SELECT status FROM place_names WHERE id = " + std::to_string(proposed)) == "approved");
    const auto second = std::stoll(w.run({"names", "propose", "--db", w.db, "试验二路", "--category", "D-ROAD", "--division", "330482001000"}).out);
    w.run({"names", "reject", "--db", w.db, std::to_string(second), "--reason", "与规划不符"});
    CHECK(w.text("SELECT status FROM place_names WHERE id = " + std::to_string(second)) == "rejected");
    w.run({"names", "retire", "--db", w.db, std::to_string(proposed), "--doc", "平政地〔2026〕2号", "--date", "2026-11-02"});
    CHECK(w.text("SELECT status FROM place_names WHERE id = " + std::to_string(proposed)) == "retired");
    const auto renamed = json::parse(w.run({"names", "rename", "--db", w.db, std::to_string(road_id), "--to", "试验改名街", "--doc", "平政地〔2026〕3号",
                                            "--decided", "2026-11-01", "--effective", "2026-11-02"}).out);
    CHECK(renamed["former_name"] == road);
    CHECK(renamed["plates_readdressed"].get<int>() > 0);
    // A renaming for a later date is scheduled; on that date `names apply-due` carries it out.
    const auto later = hits[2]["id"].get<std::int64_t>();
    const auto scheduled = json::parse(w.run({"names", "rename", "--db", w.db, std::to_string(later), "--to", "试验将来街", "--doc", "平政地〔2026〕4号",
                                              "--decided", "2026-11-01", "--effective", "2099-01-01"}).out);
    CHECK(scheduled["status"] == "scheduled");
    CHECK(w.text("SELECT name FROM place_names WHERE id = " + std::to_string(later)) != "试验将来街");
    CHECK(json::parse(w.run({"names", "apply-due", "--db", w.db}).out)["renamed"].empty());
    setenv("DIMING_TODAY", "2099-01-01", 1);
    const auto due = json::parse(w.run({"names", "apply-due", "--db", w.db}).out);
    unsetenv("DIMING_TODAY");
    CHECK(due["renamed"] == json::array({later}));
    CHECK(w.text("SELECT name FROM place_names WHERE id = " + std::to_string(later)) == "试验将来街");

    // A clerk: a plate, its issuance through a print order, installed.
    const auto other = hits[1]["id"].get<std::int64_t>();
    auto db = diming::store::Database::open(w.db, diming::store::Access::read_only);
    auto st = db.prepare("SELECT printf('%.7f,%.7f', X(geom), Y(geom)) FROM door_plates WHERE place_name_id = ?1 AND plate_type = 'door' ORDER BY number LIMIT 1");
    st.bind(1, other);
    REQUIRE(st.step());
    const std::string point = st.column_text(0);
    CHECK(json::parse(w.run({"plates", "issue", "--db", w.db, "--place", std::to_string(other), "--point", point, "--dry-run"}).out)["door_plate_id"] == 0);
    const auto issued = json::parse(w.run({"plates", "issue", "--db", w.db, "--place", std::to_string(other), "--point", point, "--applicant", "张三"}).out);
    const auto issuance = std::to_string(issued["issuance_id"].get<std::int64_t>());
    CHECK(json::parse(w.run({"plates", "issuances", "--db", w.db, "--status", "applied"}).out)["issuances"].size() >= 1);
    w.run({"plates", "move", "--db", w.db, issuance, "--to", "installed"}, 3); // not a legal move from applied
    w.run({"plates", "move", "--db", w.db, issuance, "--to", "approved"});
    const auto order = std::stoll(w.run({"print-orders", "create", "--db", w.db, "--issuance", issuance, "--printer", "嘉兴标牌厂"}).out);
    w.run({"print-orders", "export", "--db", w.db, std::to_string(order), "--out", "order.csv"});
    CHECK_THAT(read_file(w.dir / "order.csv"), Catch::Contains(issued["standard_address"].get<std::string>().substr(0, 12)));
    w.run({"print-orders", "export", "--db", w.db, std::to_string(order), "--out", "order.xlsx"});
    CHECK(std::filesystem::exists(w.dir / "order.xlsx"));
    w.run({"print-orders", "export", "--db", w.db, std::to_string(order), "--out", "order.pdf"}, 3); // the QR codes need --public-url
    w.run({"print-orders", "export", "--db", w.db, std::to_string(order), "--out", "order.pdf", "--public-url", "https://dm.example.gov.cn"});
    CHECK(read_file(w.dir / "order.pdf").rfind("%PDF-", 0) == 0);
    w.run({"print-orders", "certificates", "--db", w.db, std::to_string(order), "--out", "certificates.pdf", "--public-url",
           "https://dm.example.gov.cn", "--household", issuance + "=张三"});
    CHECK(w.text("SELECT household FROM door_plate_certificates WHERE issuance_id = " + issuance) == "张三");
    w.run({"print-orders", "printed", "--db", w.db, std::to_string(order)});
    CHECK(w.text("SELECT status FROM issuances WHERE id = " + issuance) == "printed");
    w.run({"plates", "move", "--db", w.db, issuance, "--to", "installed"});
    CHECK(w.text("SELECT status FROM door_plates WHERE id = " + std::to_string(issued["door_plate_id"].get<std::int64_t>())) == "active");

    // An administrator: tokens, the served routes, an offline tile pyramid.
    const auto secret = w.run({"token", "create", "--db", w.db, "--name", "clerk-2", "--role", "clerk"}).out;
    CHECK(secret.rfind("dmg_", 0) == 0);
    const auto listed = w.run({"token", "list", "--db", w.db}).out;
    CHECK_THAT(listed, Catch::Contains("clerk-2") && !Catch::Contains(secret.substr(0, 20)));
    w.run({"token", "revoke", "--db", w.db, "--name", "clerk-2"});
    CHECK_THAT(w.run({"token", "list", "--db", w.db}).out, Catch::Contains("revoked"));
    w.run({"token", "revoke", "--db", w.db, "--name", "clerk-2"}, 3);
    CHECK_THAT(w.run({"serve", "--db", w.db, "--routes"}).out, Catch::Contains("/api/v1/doorplates"));
    CHECK_THAT(w.run({"tiles", "export", "--db", w.db, "--out", "t.mbtiles", "--minzoom", "12", "--maxzoom", "13"}).out, Catch::Contains("tiles written"));
    auto mbtiles = diming::gdal::open_vector(w.dir / "t.mbtiles");
    CHECK(GDALDatasetGetLayerCount(mbtiles.get()) >= 2);
    CHECK_THAT(w.run({"demo", "--dir", "demo"}).out, Catch::Contains("6. parse"));
    // The province: the county's registry published to a real PostGIS.
    {
        PostgresCluster pg;
        pg.create_database("province");
        CHECK_THAT(w.run({"publish", "--db", w.db, "--to", "PG:" + pg.conninfo("province")}).out, Catch::Contains("a full copy"));
        CHECK(pg.count("province", "SELECT count(*) FROM diming.addresses") == w.query("SELECT count(*) FROM door_plates"));
    }

    // Every subcommand diming lists was run above.
    const auto top = run_diming({"--help"});
    std::vector<std::string> all;
    for (const auto& sub : subcommands_in(top.out)) {
        const auto children = subcommands_in(run_diming({sub, "--help"}).out);
        if (children.empty()) all.push_back(sub);
        for (const auto& child : children) all.push_back(sub + " " + child);
    }
    REQUIRE(all.size() >= 25);
    for (const auto& c : all) {
        INFO("diming " << c << " is not run in this walk");
        CHECK(w.ran.count(c) == 1);
    }
}
