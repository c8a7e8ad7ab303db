// The workbench in a real browser: Debian's chromium driven by puppeteer-core (tests/web/
// flows.mjs) against a real `diming serve` on the server tests' registry. Each scenario
// prints a JSON report, checked here together with what the registry holds afterwards.
// Screenshots are kept in build/tests/artefacts/workbench-*.png.

#include <catch2/catch.hpp>

#include "server/registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include <cstdio>
#include <cstdlib>
#include <map>

using namespace diming::testing;
using nlohmann::json;

namespace {

const std::filesystem::path web_tests = std::filesystem::path{DIMING_SOURCE_DIR} / "tests" / "web";

std::filesystem::path artefacts() {
    const auto dir = std::filesystem::path{DIMING_BINARY}.parent_path() / "tests" / "artefacts";
    std::filesystem::create_directories(dir);
    return dir;
}

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
    return out + "'";
}

// Runs one scenario of flows.mjs; its report.
json run_flow(const std::string& scenario, const std::string& url, const std::map<std::string, std::string>& env) {
    REQUIRE(std::filesystem::exists(web_tests / "node_modules" / "puppeteer-core")); // ./dev test installs it (npm ci in tests/web)
    std::string cmd = "cd " + quoted(web_tests.string()) + " && env DIMING_URL=" + quoted(url) + " ARTEFACTS=" + quoted(artefacts().string());
    for (const auto& [k, v] : env) cmd += " " + k + "=" + quoted(v);
    cmd += " timeout 240 node flows.mjs " + scenario;
    std::FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int rc = pclose(p);
    INFO(cmd << "\n" << out);
    REQUIRE(rc == 0);
    auto report = json::parse(out.substr(out.find('{')), nullptr, false);
    REQUIRE(!report.is_discarded());
    return report;
}

struct Bench {
    TempDir dir;
    std::filesystem::path db = dir / "registry.sqlite";
    std::string clerk, committee;
    std::unique_ptr<ServerProcess> server;
    Bench() {
        build_registry(db);
        clerk = create_token(db, "clerk-web", "clerk");
        committee = create_token(db, "committee-web", "committee");
    }
    void serve(const std::string& today) {
        server.reset();
        setenv("DIMING_TODAY", today.c_str(), 1);
        server = std::make_unique<ServerProcess>(db, std::vector<std::string>{"--access-log", ""});
        unsetenv("DIMING_TODAY");
    }
    std::map<std::string, std::string> env() const { return {{"CLERK_TOKEN", clerk}, {"COMMITTEE_TOKEN", committee}}; }
};

} // namespace

TEST_CASE("a clerk signs in, issues a plate by clicking beside a road, makes a building's plates, applies from a sheet, approves a batch and orders the print") {
    Bench b;
    b.serve("2026-11-30");
    const auto plates_before = query_int(b.db, "SELECT count(*) FROM door_plates");
    const auto r = run_flow("clerk", b.server->url(), b.env());
    INFO(r.dump(1));
    CHECK(r["errors"].empty());
    CHECK(r["lang"] == "zh-CN");
    CHECK(r["who"].get<std::string>().find("门牌员") != std::string::npos);
    CHECK(r["committee_tab_hidden"] == true);
    CHECK(r["committee_section_hidden"] == true);
    // North of 人民路, past plate 3: the odd side, after 3.
    CHECK(r["proposal"]["road"] == "人民路");
    CHECK(r["proposal"]["side"] == "左侧（单号）");
    CHECK(r["proposal"]["before"] == "3");
    CHECK(std::stoi(r["proposal"]["number"].get<std::string>()) % 2 == 1);
    CHECK(r["issued"]["ok"] == true);
    CHECK(r["issued"]["text"].get<std::string>().find("人民路" + r["proposal"]["number"].get<std::string>() + "号") != std::string::npos);
    CHECK(r["building_preview"].get<std::string>().find("共 15 块") != std::string::npos);
    CHECK(r["building"]["ok"] == true);
    CHECK(query_int(b.db, "SELECT count(*) FROM door_plates WHERE building = '7' AND plate_type = 'room'") == 12);
    // The sheet with an unknown road: its row named, nothing submitted; then the good row alone, written.
    CHECK(r["applications_check"]["ok"] == false);
    CHECK(r["applications_check"]["text"] == "共 2 行，1 行有问题");
    CHECK(r["applications_rows"][0].get<std::string>().find("第 2 行 可发放") == 0);
    CHECK(r["applications_rows"][1].get<std::string>().find("第 3 行 登记簿中没有这个道路或村") == 0);
    CHECK(r["applications_submit_enabled_with_problems"] == false);
    CHECK(r["applications_written"] == "已写入 1 块门牌");
    CHECK(query_int(b.db, "SELECT count(*) FROM issuances WHERE applicant = '赵六'") == 1);
    CHECK(query_int(b.db, "SELECT count(*) FROM issuances WHERE applicant = '钱七'") == 0);
    // 2 door plates and 15 building plates, all applied, then approved in one batch.
    CHECK(r["queue_rows"] == 17);
    CHECK(r["queue_status_cell"] == "已申请");
    CHECK(r["selected"] == "已选 17 条");
    CHECK(r["moved"]["ok"] == true);
    CHECK(query_int(b.db, "SELECT count(*) FROM issuance_events WHERE to_status = 'approved' AND note = '批量审核' AND actor = 'clerk-web'") == 17);
    CHECK(r["order"]["ok"] == true);
    CHECK(query_int(b.db, "SELECT count(*) FROM issuances WHERE status = 'ordered'") == 17);
    CHECK(r["sheet"]["status"] == 200);
    CHECK(r["sheet"]["type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    CHECK(r["proofs_pdf"]["status"] == 200);
    CHECK(r["proofs_pdf"]["type"] == "application/pdf");
    // A certificate for every door, building and room plate of the order, the first with its household.
    const auto certified = query_int(b.db, "SELECT count(*) FROM door_plate_certificates");
    CHECK(certified == query_int(b.db, "SELECT count(*) FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id "
                                       "WHERE i.status = 'ordered' AND d.plate_type <> 'unit'"));
    CHECK(r["certificates_status"].get<std::string>().find("已出具 " + std::to_string(certified) + " 份门牌证") == 0);
    CHECK(query_int(b.db, "SELECT count(*) FROM door_plate_certificates WHERE household = '张三' AND issued_by = 'clerk-web'") == 1);
    CHECK(r["certificates_pdf"]["status"] == 200);
    CHECK(r["certificates_pdf"]["type"] == "application/pdf");
    CHECK(r["sheet"]["length"].get<int>() > 1000);
    CHECK(r["committee_write_with_clerk_cookie"] == 403);
    CHECK(r["write_without_csrf"] == 403);
    CHECK(r["cross_site_form_sent"] == true);
    // Nothing but the page's own writes reached the registry: two plates, the building's 15.
    CHECK(query_int(b.db, "SELECT count(*) FROM door_plates") == plates_before + 17);
}

TEST_CASE("a committee member sees a homophone while typing, previews a renaming and schedules it, and sees the old name in the history once the date has passed") {
    Bench b;
    b.serve("2026-11-30");
    auto env = b.env();
    env["TODAY"] = "2026-11-30";
    env["EFFECTIVE_ON"] = "2027-01-01";
    const auto r = run_flow("committee", b.server->url(), env);
    INFO(r.dump(1));
    CHECK(r["errors"].empty());
    CHECK(r["clerk_tab_hidden"] == true);
    CHECK(r["conflict"].get<std::string>().find("同音") != std::string::npos);
    CHECK(r["conflict"].get<std::string>().find("人民路") != std::string::npos);
    const auto plates = query_int(b.db, "SELECT count(*) FROM door_plates WHERE place_name_id = 2 AND status <> 'cancelled'");
    CHECK(r["preview"].get<std::string>().find("将改写 " + std::to_string(plates) + " 块门牌地址") != std::string::npos);
    CHECK(r["preview"].get<std::string>().find("2027-01-01 生效（预约）") != std::string::npos);
    CHECK(r["commit_enabled_after_preview"] == true);
    CHECK(r["renamed"]["ok"] == true);
    CHECK(r["scheduled"].get<std::string>().find("和平东路") != std::string::npos);
    CHECK(query_text(b.db, "SELECT name FROM place_names WHERE id = 2") == "人民东路");

    // The date comes; the server carries the renaming out when it starts.
    b.serve("2027-01-01");
    CHECK(query_text(b.db, "SELECT name FROM place_names WHERE id = 2") == "和平东路");
    const auto h = run_flow("history", b.server->url(), env);
    INFO(h.dump(1));
    CHECK(h["errors"].empty());
    CHECK(h["history"].get<std::string>().find("人民东路 → 和平东路") != std::string::npos);
    CHECK(h["history"].get<std::string>().find("平政地〔2026〕9号") != std::string::npos);
}

TEST_CASE("the workbench speaks English when asked, statuses and errors included, and switches back to Chinese in place") {
    Bench b;
    b.serve("2026-11-30");
    // One applied issuance for the queue to show.
    {
        httplib::Client c = b.server->client();
        auto res = c.Post("/api/v1/doorplates", {{"Authorization", "Bearer " + b.clerk}}, R"({"place_name_id": 1, "point": [121.0085, 30.7001]})", "application/json");
        REQUIRE(res);
        REQUIRE(res->status == 201);
    }
    const auto r = run_flow("english", b.server->url(), b.env());
    INFO(r.dump(1));
    CHECK(r["errors"].empty());
    CHECK(r["lang"] == "en");
    CHECK(r["search_tab"] == "Search");
    CHECK(r["sign_in"] == "Sign in");
    CHECK(r["who"].get<std::string>().find("door-plate clerk") != std::string::npos);
    CHECK(r["clerk_tab"] == "Plates");
    CHECK(r["status_cell"] == "applied");
    CHECK(r["error"]["ok"] == false);
    CHECK(r["error"]["text"].get<std::string>().find("Not found") == 0);
    CHECK(r["after_switch"] == "门牌");
}

TEST_CASE("a GIS user reviews ten records of the work list by keyboard alone, each a decision the next run applies") {
    TempDir dir;
    const auto db = dir / "r.sqlite";
    const auto profiles = std::filesystem::path{DIMING_SOURCE_DIR} / "importers" / "profiles";
    REQUIRE(run_diming({"sample", "--out", (dir / "s").string(), "--plates", "2000", "--seed", "5"}).exit_code == 0);
    REQUIRE(run_diming({"init", "--db", db.string()}).exit_code == 0);
    REQUIRE(run_diming({"import-divisions", "--db", db.string(), (std::filesystem::path{DIMING_SOURCE_DIR} / "data/divisions/330482.csv").string()}).exit_code == 0);
    REQUIRE(run_diming({"import", "--db", db.string(), "--source", "civil", "--profile", (profiles / "civil-registry.json").string(), (dir / "s/civil.gpkg").string()}).exit_code == 0);
    REQUIRE(run_diming({"import", "--db", db.string(), "--source", "police", "--profile", (profiles / "police-yibiaosanshi.json").string(), (dir / "s/police.csv").string()}).exit_code == 0);
    REQUIRE(run_diming({"match", "--db", db.string(), "--police", "2", "--civil", "1"}).exit_code == 0);
    const auto gis = create_token(db, "gis-web", "gis");
    ServerProcess server{db, {"--access-log", ""}};
    const auto r = run_flow("gis", server.url(), {{"GIS_TOKEN", gis}});
    INFO(r.dump(1));
    CHECK(r["errors"].empty());
    CHECK(r["clerk_tab_hidden"] == true);
    CHECK(r["first_position"].get<std::string>().find("1/") == 0);
    CHECK(r["done_items"] == 10);
    CHECK(query_int(db, "SELECT count(*) FROM match_decisions WHERE decided_by = 'gis-web'") == 10);
    CHECK(query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'match.decide' AND actor = 'gis-web'") == 10);
    CHECK(r["progress_before"] != r["progress_after"]);
    CHECK(r["after_j"] == r["here"]);
    CHECK(r["after_k"] != r["here"]);
    CHECK(r["runs"] == 1);
    CHECK(r["trend_lines"] == 2);
    // The next run applies them: the ten are no longer on the list, and the confirmed ones are manual links.
    REQUIRE(run_diming({"match", "--db", db.string(), "--police", "2", "--civil", "1"}).exit_code == 0);
    CHECK(query_int(db, "SELECT count(*) FROM match_results WHERE run_id = 2 AND decision_id IS NOT NULL") == 10);
    CHECK(query_int(db, "SELECT count(*) FROM match_attention a JOIN match_results r ON r.run_id = a.run_id AND r.police_address_id = a.police_address_id "
                        "WHERE a.run_id = 2 AND r.decision_id IS NOT NULL") == 0);
}

TEST_CASE("an OGC items page opens in a browser as HTML, a table of features with the next page by its link") {
    Bench b;
    b.serve("2026-11-30");
    const auto r = run_flow("ogc-html", b.server->url(), b.env());
    INFO(r.dump(2));
    CHECK(r["errors"].empty());
    CHECK(r["type"] == "text/html; charset=utf-8");
    CHECK(r["rows"] == 5);
    CHECK(std::find(r["headers"].begin(), r["headers"].end(), "standard_address") != r["headers"].end());
    CHECK(r["first_address"].get<std::string>().find("浙江省嘉兴市平湖市") != std::string::npos);
    CHECK(r["counts"].get<std::string>().find("5 on this page of " + std::to_string(query_int(b.db, "SELECT count(*) FROM door_plates"))) == 0);
    CHECK(r["next_url"].get<std::string>().find("after=") != std::string::npos);
    CHECK(r["next_rows"] == 10); // next links double the page
    CHECK(r["collections"].size() == 6);
}

TEST_CASE("the map's search finds a town by its name and a road typed with a homophone, marked as a guess") {
    Bench b;
    b.serve("2026-11-30");
    const auto r = run_flow("search-kinds", b.server->url(), b.env());
    INFO(r.dump(2));
    CHECK(r["errors"].empty());
    CHECK(r["town_first"].get<std::string>().find("当湖街道") == 0);
    CHECK(r["town_first"].get<std::string>().find("街道") != std::string::npos);
    CHECK(r["homophone_first"].get<std::string>().find("人民路") == 0);
    CHECK(r["homophone_first"].get<std::string>().find("同音") != std::string::npos);
}
