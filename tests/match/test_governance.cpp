// Match governance on the sample registry: decisions survive re-runs and a newer delivery
// of the police extract, rejected links never come back, hand links stay whatever the
// matcher would choose, corrected addresses are matched in place of the original, and the
// governed rate rises by exactly what the decisions account for while the automatic rate
// stays as it was.

#include <catch2/catch.hpp>

#include "audit/audit.hpp"
#include "core/gdal.hpp"
#include "match/governance.hpp"
#include "match/run_history.hpp"
#include "match/work_list.hpp"
#include "match/sample_registry.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace diming;
using Registry = diming::testing::SampleRegistry;

namespace {

struct Row {
    std::int64_t police = 0;
    std::optional<std::int64_t> civil, auto_civil;
    std::string level, auto_level, decision_kind, reason;
    bool changed = false;
};

Row result(store::Database& db, std::int64_t run, std::int64_t police) {
    auto s = db.prepare("SELECT civil_address_id, level, auto_level, auto_civil_address_id, decision_kind, reason, changed_since_decision "
                        "FROM match_results WHERE run_id = ?1 AND police_address_id = ?2");
    s.bind_all(run, police);
    REQUIRE(s.step());
    Row r;
    r.police = police;
    if (!s.is_null(0)) r.civil = s.column_int(0);
    r.level = s.column_text(1);
    r.auto_level = s.column_text(2);
    if (!s.is_null(3)) r.auto_civil = s.column_int(3);
    r.decision_kind = s.column_text(4);
    r.reason = s.column_text(5);
    r.changed = s.column_int(6) != 0;
    return r;
}

// Police records of a run at a level, first n.
std::vector<std::int64_t> at_level(store::Database& db, std::int64_t run, const std::string& level, int n) {
    auto s = db.prepare("SELECT police_address_id FROM match_results WHERE run_id = ?1 AND level = ?2 ORDER BY police_address_id LIMIT ?3");
    s.bind_all(run, level, n);
    std::vector<std::int64_t> out;
    while (s.step()) out.push_back(s.column_int(0));
    return out;
}

nlohmann::json summary(store::Database& db, std::int64_t run) {
    auto s = db.prepare("SELECT summary FROM match_runs WHERE id = ?1");
    s.bind(1, run);
    REQUIRE(s.step());
    return nlohmann::json::parse(s.column_text(0));
}

match::DecisionResult decide(store::Database& db, const std::string& kind, std::int64_t police, std::optional<std::int64_t> civil = std::nullopt,
                             const std::string& corrected = {}) {
    match::DecisionRequest r;
    r.kind = kind;
    r.police_address_id = police;
    r.civil_address_id = civil;
    r.corrected_address = corrected;
    r.reason = "test";
    return match::decide(db, r, "gis-1");
}

} // namespace

TEST_CASE("a rejected link is never proposed again, a hand link and a confirmation stay, and the automatic figures do not move") {
    Registry r{11, 3000};
    const auto first = r.run();
    const auto linked = at_level(r.db, first.run_id, "plate", 3);
    REQUIRE(linked.size() == 3);
    const auto a = result(r.db, first.run_id, linked[0]), b = result(r.db, first.run_id, linked[1]), c = result(r.db, first.run_id, linked[2]);

    decide(r.db, "reject", a.police, a.civil);
    decide(r.db, "link", b.police, c.civil); // b by hand to c's plate, which the matcher would never choose for b
    decide(r.db, "confirm", c.police, c.civil);
    const auto second = r.run();

    const auto a2 = result(r.db, second.run_id, a.police);
    CHECK(a2.civil != a.civil);
    CHECK(a2.auto_civil == a.civil);      // what the matcher found by itself is kept beside it
    CHECK(a2.auto_level == "plate");
    CHECK(a2.decision_kind == "reject");
    const auto b2 = result(r.db, second.run_id, b.police);
    CHECK(b2.level == "manual");
    CHECK(b2.civil == c.civil);
    CHECK(b2.auto_civil == b.civil);
    const auto c2 = result(r.db, second.run_id, c.police);
    CHECK(c2.level == "manual");
    CHECK(c2.civil == c.civil);

    // The automatic figures are the first run's, exactly; the governed ones say what was decided.
    const auto s1 = summary(r.db, first.run_id), s2 = summary(r.db, second.run_id);
    CHECK(s2["textual"] == s1["textual"]);
    CHECK(s2["textual_rate"] == s1["textual_rate"]);
    CHECK(s2["by_level"] == s1["by_level"]);
    CHECK(s2["governed"]["manual"] == 2);
    CHECK(s2["governed"]["decided"] == 3);
    // A third run, no new decisions: the same again.
    const auto third = r.run();
    CHECK(result(r.db, third.run_id, a.police).civil == a2.civil);
    CHECK(result(r.db, third.run_id, b.police).civil == c.civil);

    // Withdrawn: back to the automatic answer.
    decide(r.db, "withdraw", b.police);
    const auto fourth = r.run();
    CHECK(result(r.db, fourth.run_id, b.police).civil == b.civil);
    CHECK(result(r.db, fourth.run_id, b.police).level == "plate");
    CHECK(r.count("SELECT count(*) FROM match_decisions") == 4); // history kept
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action = 'match.decide' AND actor = 'gis-1'") == 4);
}

TEST_CASE("the governed rate rises by exactly what the decisions account for") {
    Registry r{12, 3000};
    const auto first = r.run();
    const auto s1 = summary(r.db, first.run_id);
    // At this size the sample's unregistered records are 'road' records: the road is known,
    // the number not. Ten of them linked by hand to the plate the matcher offered, ten others
    // marked demolished (no address to match: out of the denominator).
    const auto road = at_level(r.db, first.run_id, "road", 20);
    REQUIRE(road.size() == 20);
    for (std::size_t i = 0; i < 10; ++i) {
        const auto row = result(r.db, first.run_id, road[i]);
        REQUIRE(row.civil);
        decide(r.db, "link", row.police, row.civil);
        decide(r.db, "demolished", road[i + 10]);
    }
    const auto second = r.run();
    const auto s2 = summary(r.db, second.run_id);
    CHECK(s2["textual"] == s1["textual"]);
    CHECK(s2["governed"]["police_records"].get<std::int64_t>() == s1["police_records"].get<std::int64_t>() - 10);
    CHECK(s2["governed"]["textual"].get<std::int64_t>() == s1["textual"].get<std::int64_t>() + 10);
    CHECK(s2["governed"]["textual_rate"].get<double>() > s1["textual_rate"].get<double>());
    // The audit by town carries both: the automatic rate as before, the governed one beside it.
    const auto before = audit::compute_audit(r.db, first.run_id), after = audit::compute_audit(r.db, second.run_id);
    std::int64_t textual = 0, governed = 0, governed_police = 0;
    for (std::size_t i = 0; i < after.towns.size(); ++i) {
        CHECK(after.towns[i].textual == before.towns[i].textual);
        textual += after.towns[i].textual;
        governed += after.towns[i].governed_textual;
        governed_police += after.towns[i].governed_police;
    }
    CHECK(textual == s1["textual"].get<std::int64_t>());
    CHECK(governed == s2["governed"]["textual"].get<std::int64_t>());
    CHECK(governed_police == s2["governed"]["police_records"].get<std::int64_t>());
}

TEST_CASE("a corrected police address is matched in place of the original, which stays as it was") {
    Registry r{13, 3000};
    const auto first = r.run();
    // A police record the matcher could not link (its number is not registered), corrected to a civil plate's own address.
    const auto unmatched = at_level(r.db, first.run_id, "road", 1);
    REQUIRE(unmatched.size() == 1);
    auto plate = r.db.prepare("SELECT id, raw_address FROM source_addresses WHERE dataset_id = ?1 AND key_plate <> '' ORDER BY id LIMIT 1 OFFSET 100");
    plate.bind(1, r.civil);
    REQUIRE(plate.step());
    const auto civil_id = plate.column_int(0);
    const auto corrected = plate.column_text(1);
    auto raw = r.db.prepare("SELECT raw_address FROM source_addresses WHERE id = ?1");
    raw.bind(1, unmatched[0]);
    REQUIRE(raw.step());
    const std::string original = raw.column_text(0);
    decide(r.db, "police_wrong", unmatched[0], std::nullopt, corrected);
    const auto second = r.run();
    const auto row = result(r.db, second.run_id, unmatched[0]);
    CHECK(match::is_textual(row.level));
    CHECK(row.civil == civil_id);
    CHECK(row.auto_level == "road");
    CHECK(row.reason.find("corrected address") != std::string::npos);
    auto still = r.db.prepare("SELECT raw_address FROM source_addresses WHERE id = ?1");
    still.bind(1, unmatched[0]);
    REQUIRE(still.step());
    CHECK(still.column_text(0) == original);
    // Bad decisions are refused and change nothing.
    const auto decisions = r.count("SELECT count(*) FROM match_decisions");
    CHECK_THROWS_AS(decide(r.db, "police_wrong", unmatched[0]), refusal);               // no corrected address
    CHECK_THROWS_AS(decide(r.db, "link", unmatched[0]), refusal);                       // no civil record
    CHECK_THROWS_AS(decide(r.db, "link", unmatched[0], unmatched[0]), refusal);         // a police record is not civil
    CHECK_THROWS_AS(decide(r.db, "confirm", civil_id, civil_id), refusal);              // a civil record is not police
    CHECK_THROWS_AS(decide(r.db, "maybe", unmatched[0]), refusal);
    CHECK_THROWS_AS(decide(r.db, "demolished", 99999999), refusal);
    CHECK(r.count("SELECT count(*) FROM match_decisions") == decisions);
}

TEST_CASE("a newer delivery of the police extract carries the decisions over by 地址编码 and flags the records that changed") {
    Registry r{14, 3000};
    const auto first = r.run();
    const auto linked = at_level(r.db, first.run_id, "plate", 2);
    REQUIRE(linked.size() == 2);
    const auto a = result(r.db, first.run_id, linked[0]), b = result(r.db, first.run_id, linked[1]);
    decide(r.db, "reject", a.police, a.civil);
    decide(r.db, "confirm", b.police, b.civil);

    // The new delivery: the same records, one of them (b) written differently.
    auto code = r.db.prepare("SELECT source_id, raw_address FROM source_addresses WHERE id = ?1");
    code.bind(1, b.police);
    REQUIRE(code.step());
    const std::string b_code = code.column_text(0), b_raw = code.column_text(1);
    std::ifstream in{r.dir / "s/police.csv"};
    std::ofstream out{r.dir / "s/police-2.csv"};
    bool edited = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(b_code + ",", 0) == 0) {
            const auto at = line.find(b_raw);
            REQUIRE(at != std::string::npos);
            line.replace(at, b_raw.size(), b_raw + "（新）");
            edited = true;
        }
        out << line << '\n';
    }
    out.close();
    REQUIRE(edited);
    import::ImportRequest req;
    req.dataset = r.dir / "s/police-2.csv";
    req.source = import::SourceKind::police;
    req.profile = import::load_profile(diming::testing::profiles / "police-yibiaosanshi.json");
    req.rejects = r.dir / "p2.rejects.csv";
    req.actor = "test";
    r.police = import::import_dataset(r.db, req).dataset_id;

    const auto second = r.run();
    auto by_code = [&](const std::string& source_id) {
        auto s = r.db.prepare("SELECT id FROM source_addresses WHERE dataset_id = ?1 AND source_id = ?2");
        s.bind_all(r.police, source_id);
        REQUIRE(s.step());
        return s.column_int(0);
    };
    code.reset();
    code.bind(1, a.police);
    REQUIRE(code.step());
    const auto a_new = result(r.db, second.run_id, by_code(code.column_text(0)));
    CHECK(a_new.decision_kind == "reject");
    CHECK(a_new.civil != a.civil);
    CHECK_FALSE(a_new.changed);
    const auto b_new = result(r.db, second.run_id, by_code(b_code));
    CHECK(b_new.level == "manual");
    CHECK(b_new.civil == b.civil);
    CHECK(b_new.changed);
    CHECK(b_new.reason.find("changed since the decision") != std::string::npos);
    CHECK(summary(r.db, second.run_id)["governed"]["changed_since_decision"] == 1);
}

TEST_CASE("reporting a civil plate missing makes a plate application for the clerks, linked back to the decision") {
    Registry r{15, 3000};
    const auto first = r.run();
    // A record whose road is registered but whose number is not: the plate the civil side lacks.
    const auto road = at_level(r.db, first.run_id, "road", 30);
    REQUIRE(!road.empty());
    std::optional<match::DecisionResult> made;
    std::string refused;
    for (const auto id : road) {
        try {
            made = decide(r.db, "civil_missing", id);
            break;
        } catch (const refusal& e) {
            // its number may be taken, or its point on the other side of the road: the next
            refused += std::string{e.what()} + "\n";
        }
    }
    INFO(refused);
    REQUIRE(made);
    REQUIRE(made->issuance_id);
    CHECK(r.count("SELECT count(*) FROM issuances WHERE id = " + std::to_string(*made->issuance_id) + " AND status = 'applied' AND applicant LIKE '比对治理%'") == 1);
    CHECK(r.count("SELECT count(*) FROM match_decisions WHERE issuance_id = " + std::to_string(*made->issuance_id)) == 1);
    CHECK(r.count("SELECT count(*) FROM door_plates WHERE id = " + std::to_string(*made->door_plate_id) + " AND status = 'planned'") == 1);
}

TEST_CASE("a community's work list is ranked by worth, and deciding its top records raises its governed rate by exactly that") {
    Registry r{16, 6000};
    const auto first = r.run();
    // The community with the most records to look at.
    auto busiest = r.db.prepare("SELECT community_code, count(*) FROM match_attention WHERE run_id = ?1 AND community_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1");
    busiest.bind(1, first.run_id);
    REQUIRE(busiest.step());
    const std::string community = busiest.column_text(0);
    match::WorkListQuery q;
    q.community = community;
    q.limit = 200;
    const auto list = match::work_list(r.db, q);
    REQUIRE(!list["items"].empty());
    double previous = 1e9;
    for (const auto& it : list["items"]) {
        CHECK(it["worth"].get<double>() <= previous); // best worth first
        previous = it["worth"].get<double>();
        CHECK(it["community_code"] == community);
        CHECK(it["status"] == "open");
    }
    // A road with several problem records outranks a lone record.
    CHECK(list["items"].front()["road_problems"].get<int>() >= list["items"].back()["road_problems"].get<int>());

    const auto audit_of = [&](std::int64_t run) {
        for (const auto& c : audit::compute_audit(r.db, run).communities) {
            if (c.code == community) return c;
        }
        FAIL("community " << community << " not in the audit");
        return audit::RateRow{};
    };
    const auto before = audit_of(first.run_id);
    CHECK(before.governed_textual == before.textual);
    // Decide each: a record the matcher linked only to its road is linked by hand to that
    // plate; a record with nothing is marked demolished; a far or shared link is confirmed.
    std::int64_t linked = 0, removed = 0;
    for (const auto& it : list["items"]) {
        const auto police = it["police_address_id"].get<std::int64_t>();
        const std::string level = it["level"];
        if (!match::is_textual(level) && !it["civil_address_id"].is_null()) {
            decide(r.db, "link", police, it["civil_address_id"].get<std::int64_t>());
            ++linked;
        } else if (it["civil_address_id"].is_null()) {
            decide(r.db, "demolished", police);
            ++removed;
        } else {
            decide(r.db, "confirm", police, it["civil_address_id"].get<std::int64_t>());
        }
    }
    REQUIRE(linked + removed > 0);
    const auto second = r.run();
    const auto after = audit_of(second.run_id);
    CHECK(after.police == before.police);
    CHECK(after.textual == before.textual);     // the automatic rate is unchanged
    CHECK(after.governed_textual == before.governed_textual + linked);
    CHECK(after.governed_police == before.governed_police - removed);
    // Decided records leave the next run's list.
    const auto next = match::work_list(r.db, q);
    for (const auto& it : next["items"]) {
        for (const auto& done : list["items"]) CHECK(it["police_address_id"] != done["police_address_id"]);
    }
}

TEST_CASE("a work list goes out as XLSX for a field check and comes back as decisions, row by row validated") {
    Registry r{17, 3000};
    const auto first = r.run();
    match::WorkListQuery q;
    q.limit = 50;
    const auto list = match::work_list(r.db, q);
    REQUIRE(list["items"].size() >= 3);
    match::export_work_list(r.db, q, r.dir / "check.xlsx");
    {
        const gdal::ConfigOption headers{"OGR_XLSX_HEADERS", "FORCE"};
        auto ds = gdal::open_vector(r.dir / "check.xlsx");
        OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        for (const char* c : {"记录编号", "公安地址", "经度", "纬度", "民政地址", "原因", "处理结果", "改正地址"}) {
            INFO(c);
            CHECK(OGR_FD_GetFieldIndex(defn, c) >= 0);
        }
        auto whole = q;
        whole.limit = 5000; // the sheet holds the whole list (up to 5,000), not one page
        CHECK(OGR_L_GetFeatureCount(layer, 1) == static_cast<GIntBig>(match::work_list(r.db, whole)["items"].size()));
    }
    // The field team fills in three rows (and writes one outcome nobody understands).
    const auto id = [&](int i) { return std::to_string(list["items"][static_cast<std::size_t>(i)]["police_address_id"].get<std::int64_t>()); };
    auto sheet = [&](const std::filesystem::path& file, bool with_bad_row) {
        auto ds = gdal::create_vector("XLSX", file);
        gdal::LayerWriter w{ds.get(), "核查清单", wkbNone, nullptr,
                            {{"记录编号", OFTString}, {"民政记录编号", OFTString}, {"处理结果", OFTString}, {"改正地址", OFTString}, {"备注", OFTString}}};
        auto row = [&](const std::string& police, const std::string& civil, const std::string& outcome, const std::string& note) {
            w.set(0, police);
            if (civil.empty()) w.clear(1);
            else w.set(1, civil);
            w.set(2, outcome);
            w.clear(3);
            w.set(4, note);
            w.write();
        };
        row(id(0), "", "已拆除", "现场已拆");
        row(id(1), "", "非标准地址", "临时棚屋");
        row(id(2), "", "", "未核查"); // no outcome: skipped
        if (with_bad_row) row(id(2), "", "看不懂", "");
    };
    sheet(r.dir / "bad.xlsx", true);
    const auto decisions = r.count("SELECT count(*) FROM match_decisions");
    const auto bad = match::import_outcomes(r.db, r.dir / "bad.xlsx", false, "gis-1");
    CHECK(bad.rows.size() == 3);
    CHECK(bad.problems() == 1);
    CHECK(bad.rows[2].problem_field == "处理结果");
    CHECK_FALSE(bad.written);
    CHECK(r.count("SELECT count(*) FROM match_decisions") == decisions);
    sheet(r.dir / "good.xlsx", false);
    const auto checked = match::import_outcomes(r.db, r.dir / "good.xlsx", true, "gis-1");
    CHECK(checked.problems() == 0);
    CHECK(r.count("SELECT count(*) FROM match_decisions") == decisions);
    const auto good = match::import_outcomes(r.db, r.dir / "good.xlsx", false, "gis-1");
    CHECK(good.written);
    CHECK(r.count("SELECT count(*) FROM match_decisions") == decisions + 2);
    CHECK(r.count("SELECT count(*) FROM match_decisions WHERE kind = 'demolished' AND reason = 'field check: 现场已拆'") == 1);
    CHECK(r.count("SELECT count(*) FROM work_items WHERE status = 'resolved'") == 2);
    // Assigned and moved along by hand too.
    match::assign(r.db, {{list["items"][3]["police_address_id"].get<std::int64_t>()}, std::string{"王工"}, std::string{"field_check"}, ""}, "gis-1");
    q.assignee = "王工";
    CHECK(match::work_list(r.db, q)["items"].size() == 1);
    CHECK(match::work_list(r.db, q)["items"][0]["status"] == "field_check");
}

TEST_CASE("runs keep their rates by town and community for the trend, and a run says what changed since another and why") {
    Registry r{18, 3000};
    const auto first = r.run();
    const auto road = at_level(r.db, first.run_id, "road", 5);
    REQUIRE(road.size() == 5);
    for (const auto id : road) {
        const auto row = result(r.db, first.run_id, id);
        decide(r.db, "link", id, row.civil);
    }
    const auto second = r.run();
    // The trend: both runs, newest first, with a town's own figures.
    auto town = r.db.prepare("SELECT town_code FROM source_addresses WHERE id = ?1");
    town.bind(1, road[0]);
    REQUIRE(town.step());
    const std::string code = town.column_text(0);
    const auto runs = match::run_list(r.db, 10, code);
    REQUIRE(runs["runs"].size() == 2);
    CHECK(runs["runs"][0]["id"] == second.run_id);
    CHECK(runs["runs"][0]["textual_rate"] == runs["runs"][1]["textual_rate"]);
    CHECK(runs["runs"][0]["governed_rate"].get<double>() > runs["runs"][1]["governed_rate"].get<double>());
    CHECK(runs["runs"][0]["division"]["governed_rate"].get<double>() > runs["runs"][1]["division"]["governed_rate"].get<double>());
    CHECK(runs["runs"][0]["division"]["textual_rate"] == runs["runs"][1]["division"]["textual_rate"]);
    // What changed: exactly the five, each because of a decision.
    const auto changes = match::changes_since(r.db, second.run_id, first.run_id, 100);
    CHECK(changes["newly_linked"]["count"] == 5);
    CHECK(changes["newly_linked"]["by_reason"]["decision"] == 5);
    CHECK(changes["newly_unlinked"]["count"] == 0);
    CHECK_THROWS_AS(match::changes_since(r.db, second.run_id, 999, 10), refusal);
    // The audit report draws the line too: both rates over the runs, and each town's.
    const auto a = audit::compute_audit(r.db, second.run_id);
    REQUIRE(a.trend.size() == 2);
    CHECK(a.trend[1].governed_rate > a.trend[0].governed_rate);
    CHECK(a.trend[1].textual_rate == a.trend[0].textual_rate);
    CHECK(a.trend[1].by_town.at(code).second > a.trend[0].by_town.at(code).second);
    audit::write_html(r.db, a, r.dir / "audit.html");
    std::ifstream in{r.dir / "audit.html"};
    const std::string html{std::istreambuf_iterator<char>{in}, {}};
    CHECK(html.find("<polyline id=\"trend-automatic\"") != std::string::npos);
    CHECK(html.find("<polyline id=\"trend-governed\"") != std::string::npos);
    CHECK(html.find("<table id=\"trend-towns\">") != std::string::npos);
}

TEST_CASE("a civil record decided to be no address is offered to no police record by later runs, and withdrawing puts it back") {
    Registry r{19, 3000};
    const auto first = r.run();
    const auto linked = at_level(r.db, first.run_id, "plate", 1);
    REQUIRE(linked.size() == 1);
    const auto a = result(r.db, first.run_id, linked[0]);
    REQUIRE(a.civil);
    match::decide_civil(r.db, "demolished", *a.civil, "现场已拆", "gis-1");
    CHECK_THROWS_AS(match::decide_civil(r.db, "demolished", a.police, "", "gis-1"), refusal); // a police record
    CHECK_THROWS_AS(match::decide_civil(r.db, "confirm", *a.civil, "", "gis-1"), refusal);
    const auto second = r.run();
    const auto a2 = result(r.db, second.run_id, a.police);
    CHECK(a2.civil != a.civil);
    CHECK(a2.auto_civil == a.civil);
    CHECK(r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(second.run_id) + " AND civil_address_id = " + std::to_string(*a.civil)) == 0);
    CHECK(summary(r.db, second.run_id)["textual"] == summary(r.db, first.run_id)["textual"]);
    CHECK(summary(r.db, second.run_id)["governed"]["civil_excluded"] == 1);
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action = 'match.decide_civil'") == 1);
    match::decide_civil(r.db, "withdraw", *a.civil, "", "gis-1");
    const auto third = r.run();
    CHECK(result(r.db, third.run_id, a.police).civil == a.civil);
}

TEST_CASE("a run in many small parts gives every record the answer a run in one part gives, decisions included") {
    // Parts are areas of the map; a record may reach beyond its part (its road's other plates,
    // a misspelt road read as another, a plate just across a part's edge, a hand link
    // anywhere): all must be found.
    Registry r{5, 4000, {{"typo", 0.05}, {"village_dropped", 0.05}}};
    const auto first = r.run();
    const auto plates = at_level(r.db, first.run_id, "plate", 40);
    const auto fuzzy = at_level(r.db, first.run_id, "fuzzy", 5);
    const auto spatial = at_level(r.db, first.run_id, "spatial", 5);
    REQUIRE(plates.size() == 40);
    REQUIRE(!fuzzy.empty());
    REQUIRE(!spatial.empty());
    // Decisions of every kind, linking across the dataset.
    const auto a = result(r.db, first.run_id, plates[0]), b = result(r.db, first.run_id, plates[1]), c = result(r.db, first.run_id, plates[39]);
    decide(r.db, "reject", a.police, a.civil);
    decide(r.db, "link", b.police, c.civil);
    auto far_plate = r.db.prepare("SELECT raw_address FROM source_addresses WHERE id = ?1");
    far_plate.bind(1, *c.civil);
    REQUIRE(far_plate.step());
    decide(r.db, "police_wrong", plates[2], std::nullopt, far_plate.column_text(0)); // corrected to a plate of another road
    match::decide_civil(r.db, "demolished", *result(r.db, first.run_id, plates[3]).civil, "", "gis-1");

    // A misspelt road whose point lies ~770 m from its plate (beyond the cells a part loads
    // around its points, within the reach of a misspelt road): found only through the places
    // the road may be read as. An address with no road at all: found only by its point.
    r.db.exec("UPDATE source_addresses SET geom = MakePoint(X(geom) + 0.008, Y(geom), 4490) WHERE id = " + std::to_string(fuzzy[0]));
    r.db.exec("UPDATE source_addresses SET key_road = '', key_plate = '', key_building = '', key_room = '' WHERE id = " + std::to_string(plates[5]));

    const auto whole = r.run(50, 1000000);
    const auto parts = r.run(50, 1); // every record a part of its own
    auto diff = [&](const char* table, const char* columns) {
        return r.count(std::string{"SELECT count(*) FROM (SELECT police_address_id, "} + columns + " FROM " + table + " WHERE run_id = " +
                       std::to_string(whole.run_id) + " EXCEPT SELECT police_address_id, " + columns + " FROM " + table + " WHERE run_id = " +
                       std::to_string(parts.run_id) + ")");
    };
    CHECK(r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(parts.run_id)) ==
          r.count("SELECT count(*) FROM match_results WHERE run_id = " + std::to_string(whole.run_id)));
    CHECK(diff("match_results", "civil_address_id, level, score, distance_m, spatially_consistent, ties, reason, auto_level, auto_civil_address_id, "
                                "decision_id, decision_kind, changed_since_decision, auto_spatially_consistent") == 0);
    CHECK(diff("match_attention", "town_code, community_code, road_key, problem, road_problems, worth") == 0);
    CHECK(r.count("SELECT count(*) FROM match_attention WHERE run_id = " + std::to_string(parts.run_id)) ==
          r.count("SELECT count(*) FROM match_attention WHERE run_id = " + std::to_string(whole.run_id)));
    auto s1 = summary(r.db, whole.run_id), s2 = summary(r.db, parts.run_id);
    s1.erase("seconds");
    s2.erase("seconds");
    CHECK(s1 == s2);
    CHECK(result(r.db, parts.run_id, b.police).civil == c.civil); // the hand link, from another part
    CHECK(result(r.db, parts.run_id, plates[2]).civil == c.civil); // the corrected address, too
    CHECK(result(r.db, parts.run_id, a.police).civil != a.civil);
    for (auto id : fuzzy) CHECK(result(r.db, parts.run_id, id).level == "fuzzy");
    CHECK(result(r.db, parts.run_id, plates[5]).level == "spatial");
}
