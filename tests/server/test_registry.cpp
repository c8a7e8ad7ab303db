// Naming, renaming, door plates, issuances and print orders through a real server.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <cpl_minixml.h>
#include <cpl_vsi.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <set>
#include <thread>

using namespace diming::testing;
using nlohmann::json;

namespace {

struct Registry : ServedRegistry {
    std::string committee, clerk, viewer;

    Registry() {
        committee = token("committee-1", "committee");
        clerk = token("clerk-1", "clerk");
        viewer = token("viewer-1", "viewer");
        serve({"--access-log", "", "--threads", "24"});
    }
    // POST a JSON body with a token; the status and the parsed body.
    std::pair<int, json> post(const std::string& path, const json& body, const std::string& token) const {
        auto c = server->client();
        httplib::Headers h;
        if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
        auto r = c.Post(path.c_str(), h, body.dump(), "application/json");
        REQUIRE(r);
        return {r->status, r->body.empty() ? json{} : json::parse(r->body)};
    }
    json plate(double lon, double lat, std::int64_t place = 1, json extra = json::object()) const {
        json body{{"place_name_id", place}, {"point", {lon, lat}}};
        body.update(extra);
        auto [status, r] = post("/api/v1/doorplates", body, clerk);
        INFO(r.dump());
        REQUIRE(status == 201);
        return r;
    }
};

// A file inside an archive (an XLSX is a zip), through GDAL's virtual file systems.
std::string read_vsi(const std::string& path) {
    VSILFILE* f = VSIFOpenL(path.c_str(), "rb");
    REQUIRE(f);
    std::string out;
    char buf[65536];
    std::size_t n;
    while ((n = VSIFReadL(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    VSIFCloseL(f);
    return out;
}

std::set<std::string> kinds(const json& conflicts) {
    std::set<std::string> out;
    for (const auto& c : conflicts) out.insert(c["kind"].get<std::string>());
    return out;
}

} // namespace

TEST_CASE("each write endpoint needs its role") {
    Registry r;
    const json name{{"name", "和平路"}, {"category_code", "D-ROAD"}, {"division_code", "330482001000"}};
    CHECK(r.post("/api/v1/names", name, "").first == 401);
    CHECK(r.post("/api/v1/names", name, r.clerk).first == 403);
    CHECK(r.post("/api/v1/names", name, r.viewer).first == 403);
    CHECK(r.post("/api/v1/names/1/rename", {{"new_name", "和平路"}}, r.clerk).first == 403);
    CHECK(r.post("/api/v1/names/1/approve", json::object(), r.clerk).first == 403);
    const json plate{{"place_name_id", 1}, {"point", {121.004, 30.7001}}};
    CHECK(r.post("/api/v1/doorplates", plate, "").first == 401);
    CHECK(r.post("/api/v1/doorplates", plate, r.committee).first == 403);
    CHECK(r.post("/api/v1/issuances/1/transition", {{"to", "approved"}}, r.viewer).first == 403);
    CHECK(r.post("/api/v1/print-orders", json::object(), r.committee).first == 403);
    CHECK(r.count("SELECT count(*) FROM place_names") == 5);
    CHECK(r.count("SELECT count(*) FROM door_plates WHERE status = 'planned'") == 0);
}

TEST_CASE("a proposal is checked for duplicates, homophones, characters and restricted words") {
    Registry r;
    auto propose = [&](const std::string& name, json accept = json::array()) {
        return r.post("/api/v1/names", {{"name", name}, {"category_code", "D-ROAD"}, {"division_code", "330482001000"}, {"accept", accept}},
                      r.committee);
    };
    auto [status, body] = propose("人民路");
    CHECK(status == 409);
    CHECK(kinds(body["conflicts"]) == std::set<std::string>{"duplicate"});
    std::tie(status, body) = propose("仁民路");
    CHECK(status == 409);
    CHECK(kinds(body["conflicts"]) == std::set<std::string>{"homophone"});
    CHECK(body["conflicts"][0]["place_name_id"] == 1);
    std::tie(status, body) = propose("Renmin路");
    CHECK(kinds(body["conflicts"]).count("forbidden_characters") == 1);
    std::tie(status, body) = propose("人民東路");
    CHECK(kinds(body["conflicts"]).count("not_simplified") == 1);
    std::tie(status, body) = propose("中华路");
    CHECK(kinds(body["conflicts"]) == std::set<std::string>{"restricted_word"});
    std::tie(status, body) = propose("路");
    CHECK(kinds(body["conflicts"]).count("length") == 1);
    // A blocking conflict cannot be accepted.
    CHECK(propose("人民路", {"duplicate"}).first == 409);
    CHECK(r.count("SELECT count(*) FROM place_names") == 5);

    // The committee accepts the homophone: the proposal is recorded with its pinyin.
    std::tie(status, body) = propose("仁民路", {"homophone"});
    REQUIRE(status == 201);
    CHECK(body["pinyin"] == "Renmin Lu");
    const auto id = body["id"].get<std::int64_t>();
    CHECK(r.get_json("/api/v1/names/" + std::to_string(id))["status"] == "proposed");

    auto check = r.post("/api/v1/names/check", {{"name", "长安路"}}, r.committee);
    CHECK(kinds(check.second["conflicts"]) == std::set<std::string>{"duplicate"});

    // Approval needs the decision; then it is approved, and cannot be approved again.
    CHECK(r.post("/api/v1/names/" + std::to_string(id) + "/approve", json::object(), r.committee).first == 400);
    CHECK(r.post("/api/v1/names/" + std::to_string(id) + "/approve", {{"decision_doc", "平政地〔2026〕9号"}, {"decided_on", "2026-02-30"}}, r.committee).first == 400);
    CHECK(r.post("/api/v1/names/" + std::to_string(id) + "/approve", {{"decision_doc", "平政地〔2026〕9号"}, {"decided_on", "2026-03-02"}}, r.committee).first == 200);
    auto rec = r.get_json("/api/v1/names/" + std::to_string(id));
    CHECK(rec["status"] == "approved");
    CHECK(rec["approval"]["document"] == "平政地〔2026〕9号");
    CHECK(r.post("/api/v1/names/" + std::to_string(id) + "/approve", {{"decision_doc", "x"}, {"decided_on", "2026-03-02"}}, r.committee).first == 409);
    CHECK(r.post("/api/v1/names/" + std::to_string(id) + "/reject", {{"reason", "late"}}, r.committee).first == 409);

    // Another proposal rejected; a road with plates cannot be retired, an empty one can.
    std::tie(status, body) = propose("和平路");
    REQUIRE(status == 201);
    CHECK(r.post("/api/v1/names/" + body["id"].dump() + "/reject", {{"reason", "不符合规划"}}, r.committee).first == 200);
    CHECK(r.get_json("/api/v1/names/" + body["id"].dump())["status"] == "rejected");
    CHECK(r.post("/api/v1/names/1/retire", {{"decision_doc", "平政地〔2026〕10号"}, {"decided_on", "2026-03-02"}}, r.committee).first == 409);
    CHECK(r.post("/api/v1/names/3/retire", {{"decision_doc", "平政地〔2026〕10号"}, {"decided_on", "2026-03-02"}}, r.committee).first == 200);
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action LIKE 'place_name.%' AND actor = 'committee-1'") == 5);
}

TEST_CASE("a renaming re-addresses every plate, re-issues them and keeps the former name") {
    Registry r;
    auto [status, body] = r.post("/api/v1/names/1/rename",
                                 {{"new_name", "解放路"}, {"decision_doc", "平政地〔2026〕21号"}, {"decided_on", "2026-05-01"},
                                  {"effective_on", "2026-06-01"}, {"reason", "道路延伸更名"}},
                                 r.committee);
    INFO(body.dump());
    REQUIRE(status == 200);
    CHECK(body["former_name"] == "人民路");
    CHECK(body["pinyin"] == "Jiefang Lu");
    CHECK(body["plates_readdressed"] == 6);
    CHECK(body["issuances_created"] == 5); // 4 door plates and 1 building plate show the name; the room plate does not
    const auto renaming = body["renaming_id"].get<std::int64_t>();

    auto rec = r.get_json("/api/v1/names/1");
    CHECK(rec["name"] == "解放路");
    REQUIRE(rec["renamings"].size() == 1);
    CHECK(rec["renamings"][0]["former_name"] == "人民路");
    CHECK(rec["renamings"][0]["decision_doc"] == "平政地〔2026〕21号");
    CHECK(r.get_json("/api/v1/names/1/history")["renamings"].size() == 1);
    CHECK(r.text("SELECT standard_address FROM door_plates WHERE id = 6") == "浙江省嘉兴市平湖市当湖街道解放路12号1幢1单元101室");
    CHECK(r.count("SELECT count(*) FROM door_plate_history WHERE renaming_id = " + std::to_string(renaming) +
                  " AND former_address LIKE '%人民路%' AND new_address LIKE '%解放路%'") == 6);
    CHECK(r.count("SELECT count(*) FROM issuances WHERE kind = 'renaming' AND status = 'applied' AND renaming_id = " + std::to_string(renaming)) == 5);
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action = 'door_plate.readdress'") == 6);

    // The former name still finds the road and its plates.
    auto search = r.get_json("/api/v1/names?q=" + url_encode("人民路"));
    REQUIRE(search["hits"].size() == 2);
    CHECK(search["hits"][0]["name"] == "新人民路"); // a current name's substring outranks a former name
    CHECK(search["hits"][1]["id"] == 1);
    CHECK(search["hits"][1]["match"] == "former");
    auto geo = r.get_json("/api/v1/addresses?q=" + url_encode("人民路12号"));
    CHECK(geo["hits"][0]["door_plate_id"] == 4);
    CHECK(geo["hits"][0]["standard_address"] == "浙江省嘉兴市平湖市当湖街道解放路12号");

    // A renaming that fails a check changes nothing.
    const auto before = r.count("SELECT count(*) FROM door_plate_history");
    std::tie(status, body) = r.post("/api/v1/names/2/rename",
                                    {{"new_name", "长安路"}, {"decision_doc", "平政地〔2026〕22号"}, {"decided_on", "2026-05-01"},
                                     {"effective_on", "2026-06-01"}},
                                    r.committee);
    CHECK(status == 409);
    CHECK(kinds(body["conflicts"]).count("duplicate") == 1);
    CHECK(r.get_json("/api/v1/names/2")["name"] == "人民东路");
    CHECK(r.count("SELECT count(*) FROM door_plate_history") == before);
    CHECK(r.post("/api/v1/names/2/rename", {{"new_name", "东风路"}, {"decision_doc", "x"}, {"decided_on", "2026-06-01"}, {"effective_on", "2026-05-01"}},
                 r.committee).first == 400);

    // The name given up is now a former name in living memory.
    std::tie(status, body) = r.post("/api/v1/names", {{"name", "人民路"}, {"category_code", "D-ROAD"}, {"division_code", "330482101000"}}, r.committee);
    CHECK(status == 409);
    CHECK(kinds(body["conflicts"]) == std::set<std::string>{"former_name"});
}

TEST_CASE("door numbers follow the side of the road and sit between their neighbours") {
    Registry r;
    // 人民路 runs east along 30.700: north is its left (odd: 1 and 3), south its right (even: 2 and 12).
    auto p = r.plate(121.0040, 30.7001);
    CHECK(p["number"] == 5);
    CHECK(p["proposal"]["side"] == "left");
    CHECK(p["standard_address"] == "浙江省嘉兴市平湖市当湖街道人民路5号");

    p = r.plate(121.0015, 30.7001); // between 1 and 3: no whole odd number fits
    CHECK(p["number"] == 1);
    CHECK(p["suffix"] == "1");
    CHECK(p["standard_address"] == "浙江省嘉兴市平湖市当湖街道人民路1-1号");
    p = r.plate(121.0016, 30.7001);
    CHECK(p["suffix"] == "2");

    p = r.plate(121.0030, 30.6999); // right side, two fifths of the way from 2 to 12
    CHECK(p["proposal"]["side"] == "right");
    CHECK(p["number"] == 6);

    // A dry run proposes without writing.
    const auto plates_before = r.count("SELECT count(*) FROM door_plates");
    auto [status, body] = r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0080, 30.6999}}, {"dry_run", true}}, r.clerk);
    CHECK(status == 200);
    CHECK(body["proposal"]["number"] == 14);
    CHECK(r.count("SELECT count(*) FROM door_plates") == plates_before);

    // The clerk's own number: the right side and free, or refused.
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0050, 30.6999}}, {"number", 7}}, r.clerk).first == 409);
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0050, 30.7001}}, {"number", 3}}, r.clerk).first == 409);
    CHECK(r.plate(121.0050, 30.6999, 1, {{"number", 8}})["number"] == 8);
    // Bad points and places.
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.005, 30.72}}}, r.clerk).first == 400);
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {100.0, 20.0}}}, r.clerk).first == 400);
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 999}, {"point", {121.005, 30.7001}}}, r.clerk).first == 404);
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", "here"}}, r.clerk).first == 400);
    CHECK(r.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.005, 30.7001}}, {"colour", "red"}}, r.clerk).first == 400);

    // A natural village numbers on; building and room plates hang under a door plate.
    CHECK(r.plate(121.0501, 30.8001, 5)["number"] == 1);
    CHECK(r.plate(121.0502, 30.8001, 5)["number"] == 2);
    auto building = r.post("/api/v1/doorplates", {{"parent_id", 4}, {"plate_type", "building"}, {"building", "2"}}, r.clerk);
    REQUIRE(building.first == 201);
    CHECK(building.second["standard_address"] == "浙江省嘉兴市平湖市当湖街道人民路12号2幢");
    auto room = r.post("/api/v1/doorplates", {{"parent_id", building.second["door_plate_id"]}, {"plate_type", "room"}, {"unit", "1"}, {"room", "201"}}, r.clerk);
    REQUIRE(room.first == 201);
    CHECK(room.second["standard_address"] == "浙江省嘉兴市平湖市当湖街道人民路12号2幢1单元201室");
    CHECK(r.post("/api/v1/doorplates", {{"parent_id", 4}, {"plate_type", "building"}, {"building", "2"}}, r.clerk).first == 409);
    CHECK(r.post("/api/v1/doorplates", {{"parent_id", 4}, {"plate_type", "room"}, {"room", "1"}}, r.clerk).first == 400);
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action = 'door_plate.create' AND actor = 'clerk-1'") == 9);
}

TEST_CASE("issuances move only along legal transitions, through print orders to installation") {
    Registry r;
    const auto a = r.plate(121.0040, 30.7001);
    const auto b = r.plate(121.0030, 30.6999);
    const auto c = r.plate(121.0050, 30.7001);
    auto move = [&](const json& p, const std::string& to) {
        return r.post("/api/v1/issuances/" + p["issuance_id"].dump() + "/transition", {{"to", to}}, r.clerk).first;
    };
    CHECK(move(a, "installed") == 409);
    CHECK(move(a, "ordered") == 409);
    CHECK(move(a, "flying") == 400);
    CHECK(move(a, "approved") == 200);
    CHECK(move(b, "approved") == 200);
    CHECK(move(c, "rejected") == 200);
    CHECK(move(c, "approved") == 409);
    // A rejected new plate frees its number.
    CHECK(r.text("SELECT status FROM door_plates WHERE id = " + c["door_plate_id"].dump()) == "cancelled");
    CHECK(r.plate(121.0050, 30.7001)["number"] == c["number"]);

    auto list = r.get_json("/api/v1/issuances?status=approved");
    CHECK(list["issuances"].size() == 2);
    CHECK(r.get_json("/api/v1/issuances?road=" + url_encode("人民路") + "&status=rejected")["issuances"].size() == 1);
    CHECK(r.get_json("/api/v1/issuances?from=2000-01-01&to=2100-01-01")["issuances"].size() == 4);
    CHECK(r.get_json("/api/v1/issuances?from=2100-01-01")["issuances"].empty());
    r.get_json("/api/v1/issuances?status=lost", 400);
    r.get_json("/api/v1/issuances?from=yesterday", 400);

    auto [status, order] = r.post("/api/v1/print-orders", {{"printer", "嘉兴标牌厂"}}, r.clerk);
    REQUIRE(status == 201);
    CHECK(order["plates"].size() == 2);
    const auto id = order["id"].dump();
    CHECK(r.get_json("/api/v1/issuances?print_order=" + id + "&status=ordered")["issuances"].size() == 2);
    CHECK(r.post("/api/v1/print-orders", json::object(), r.clerk).first == 409); // nothing approved is left
    CHECK(move(a, "installed") == 409);

    // The printer's sheet as XLSX: its cells, read through GDAL (headers off: the order's
    // header rows come first), and its frozen header row in the sheet's XML (/vsizip/).
    auto client = r.server->client();
    auto xlsx = client.Get(("/api/v1/print-orders/" + id + ".xlsx").c_str());
    REQUIRE(xlsx);
    REQUIRE(xlsx->status == 200);
    write_file(r.dir / "order.xlsx", xlsx->body);
    {
        diming::gdal::ConfigOption headers{"OGR_XLSX_HEADERS", "DISABLE"};
        auto ds = diming::gdal::open_vector(r.dir / "order.xlsx");
        OGRLayerH layer = GDALDatasetGetLayerByName(ds.get(), "门牌清单");
        REQUIRE(layer);
        std::vector<std::vector<std::string>> rows;
        OGR_L_ResetReading(layer);
        while (auto* f = OGR_L_GetNextFeature(layer)) {
            diming::gdal::Feature feature{f};
            std::vector<std::string> row;
            for (int i = 0; i < OGR_F_GetFieldCount(f); ++i) row.emplace_back(OGR_F_GetFieldAsString(f, i));
            rows.push_back(std::move(row));
        }
        auto header = std::find_if(rows.begin(), rows.end(), [](const auto& row) { return !row.empty() && row[0] == "序号"; });
        REQUIRE(header != rows.end());
        auto column = [&](const std::string& name) { return std::find(header->begin(), header->end(), name) - header->begin(); };
        const auto first = std::find_if(header + 1, rows.end(), [](const auto& row) { return row.size() > 1 && row[0] == "1"; });
        REQUIRE(first != rows.end());
        CHECK((*first)[column("牌面名称")] == "人民路");
        CHECK((*first)[column("拼音")] == "Renmin Lu");
        CHECK((*first)[column("牌面号码")] == a["number"].dump() + "号");
        CHECK((*first)[column("规格(mm)")] == "150×90");
        CHECK((*first)[column("镇街")] == "当湖街道");
        CHECK(std::find_if(rows.begin(), header, [](const auto& row) { return row[0] == "数量"; }) != header);
    }
    const std::string sheet_xml = read_vsi("/vsizip/" + (r.dir / "order.xlsx").string() + "/xl/worksheets/sheet1.xml");
    CHECK(sheet_xml.find("state=\"frozen\"") != std::string::npos);
    CHECK(sheet_xml.find("<cols>") != std::string::npos);

    // The CSV starts with a UTF-8 byte-order mark (Chinese Excel reads it as UTF-8 then),
    // then the order header; English headers on request.
    auto csv = client.Get(("/api/v1/print-orders/" + id + ".csv").c_str());
    REQUIRE(csv);
    CHECK(csv->status == 200);
    CHECK(csv->body.rfind("\xEF\xBB\xBF印制单号," + id, 0) == 0);
    CHECK(csv->body.find("人民路") != std::string::npos);
    CHECK(csv->body.find("序号,镇街,社区/村") != std::string::npos);
    auto csv_en = client.Get(("/api/v1/print-orders/" + id + ".csv?lang=en").c_str());
    REQUIRE(csv_en);
    CHECK(csv_en->body.find("No.,Town,Community") != std::string::npos);
    CHECK(client.Get(("/api/v1/print-orders/" + id + ".csv?lang=fr").c_str())->status == 400);

    // The SVG proof is a complete drawing at its true size, with outlined glyphs (no fonts
    // needed to open it) and a title saying what it shows.
    auto svg = client.Get(("/api/v1/print-orders/" + id + "/proofs/" + a["door_plate_id"].dump() + ".svg").c_str());
    REQUIRE(svg);
    REQUIRE(svg->status == 200);
    CHECK(svg->get_header_value("Content-Type") == "image/svg+xml");
    CPLXMLNode* doc = CPLParseXMLString(svg->body.c_str());
    REQUIRE(doc);
    const CPLXMLNode* root = CPLSearchXMLNode(doc, "=svg");
    REQUIRE(root);
    CHECK(std::string{CPLGetXMLValue(root, "width", "")} == "150mm");
    CHECK(std::string{CPLGetXMLValue(root, "height", "")} == "90mm");
    const std::string title = CPLGetXMLValue(root, "title", "");
    CPLDestroyXMLNode(doc);
    CHECK(title.find("人民路") != std::string::npos);
    CHECK(title.find("Renmin Lu") != std::string::npos);
    CHECK(title.find(a["number"].dump() + "号") != std::string::npos);
    CHECK(svg->body.find("<text") == std::string::npos);
    CHECK(client.Get(("/api/v1/print-orders/" + id + "/proofs/1.svg").c_str())->status == 404);

    CHECK(r.post("/api/v1/print-orders/" + id + "/printed", json::object(), r.clerk).first == 200);
    CHECK(r.post("/api/v1/print-orders/" + id + "/printed", json::object(), r.clerk).first == 409);
    CHECK(move(a, "installed") == 200);
    CHECK(r.text("SELECT status FROM door_plates WHERE id = " + a["door_plate_id"].dump()) == "active");
    auto rec = r.get_json("/api/v1/issuances/" + a["issuance_id"].dump());
    std::vector<std::string> path;
    for (const auto& e : rec["events"]) path.push_back(e["to"]);
    CHECK(path == std::vector<std::string>{"applied", "approved", "ordered", "printed", "installed"});
    CHECK(rec["events"][1]["actor"] == "clerk-1");
}

TEST_CASE("200 concurrent plate requests for one road from 16 connections get distinct numbers") {
    Registry r;
    constexpr int connections = 16, per_connection = 13; // 208 requests
    std::atomic<int> created{0}, conflicts{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < connections; ++t) {
        threads.emplace_back([&, t] {
            auto client = r.server->client();
            for (int i = 0; i < per_connection; ++i) {
                const int k = t * per_connection + i;
                // Along 人民东路 (30.705, 121.010..121.020), both sides, where plates 1..250 already stand.
                const double lon = 121.0101 + (k % 97) * 0.0001;
                const double lat = 30.705 + (k % 2 ? 0.00012 : -0.00012);
                const json body{{"place_name_id", 2}, {"point", {lon, lat}}};
                auto res = client.Post("/api/v1/doorplates", {{"Authorization", "Bearer " + r.clerk}}, body.dump(), "application/json");
                if (!res) ++other;
                else if (res->status == 201) ++created;
                else if (res->status == 409) ++conflicts;
                else ++other;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(other == 0);
    CHECK(created + conflicts == connections * per_connection);
    CHECK(created > 0);
    CHECK(r.count("SELECT count(*) FROM door_plates WHERE place_name_id = 2 AND status = 'planned'") == created);
    CHECK(r.count("SELECT count(*) FROM (SELECT number, suffix FROM door_plates WHERE place_name_id = 2 AND plate_type = 'door' "
                  "AND status <> 'cancelled' GROUP BY number, suffix HAVING count(*) > 1)") == 0);
    CHECK(r.count("SELECT count(*) FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE d.place_name_id = 2") == created);
    CHECK(r.count("SELECT count(*) FROM audit_log WHERE action = 'door_plate.create'") == created);
}

TEST_CASE("a renaming killed with SIGKILL leaves the registry as it was") {
    TempDir dir;
    const auto db = dir / "registry.sqlite";
    build_registry(db);
    add_long_road(db, 20'000);
    const std::string db_path = db.string();
    auto written = [&] { return diming::testing::database_bytes(db_path); };
    const auto before = written();
    const int pid = start_diming({"names", "rename", "--db", db_path, "6", "--to", "北辰路", "--doc", "平政地〔2026〕30号", "--decided",
                                  "2026-07-01", "--effective", "2026-08-01"});
    // Kill it once it is writing: the renaming's pages spill into the WAL before it commits.
    bool writing = false;
    for (int i = 0; i < 30'000 && !writing; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        writing = written() > before + 1024 * 1024;
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    CHECK(writing);
    auto d = diming::store::Database::open(db, diming::store::Access::read_write);
    auto count = [&](const std::string& sql) {
        auto s = d.prepare(sql);
        s.step();
        return s.column_int(0);
    };
    CHECK(count("SELECT count(*) FROM place_names WHERE id = 6 AND name = '北环路'") == 1);
    CHECK(count("SELECT count(*) FROM place_name_history WHERE place_name_id = 6") == 0);
    CHECK(count("SELECT count(*) FROM door_plates WHERE place_name_id = 6 AND standard_address LIKE '%北环路%'") == 20'000);
    CHECK(count("SELECT count(*) FROM door_plate_history") == 0);
    CHECK(count("SELECT count(*) FROM issuances") == 0);
    CHECK(count("SELECT count(*) FROM audit_log WHERE action LIKE 'place_name.rename%' OR action = 'door_plate.readdress'") == 0);
    auto ok = d.prepare("PRAGMA integrity_check");
    REQUIRE(ok.step());
    CHECK(ok.column_text(0) == "ok");
}
