// The workbench's server side through a real server: signing in with a token for a session
// cookie, CSRF on cookie writes, sessions that end (sign-out, idle, revoked token) and survive
// a restart; batch transitions, a building's plates from a template, cancellation (注销) and
// its retired numbers, the renaming preview and renamings scheduled for a later date.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>

using namespace diming::testing;
using nlohmann::json;

namespace {

struct Workbench : ServedRegistry {
    std::string clerk = token("clerk-1", "clerk");
    std::string committee = token("committee-1", "committee");

    void start() { serve({"--access-log", ""}); }

    struct Answer {
        int status = 0;
        json body;
        httplib::Headers headers;
    };
    Answer call(const std::string& method, const std::string& path, const json& body, const httplib::Headers& h) const {
        auto c = server->client();
        httplib::Result r = method == "GET"      ? c.Get(path.c_str(), h)
                            : method == "DELETE" ? c.Delete(path.c_str(), h)
                                                 : c.Post(path.c_str(), h, body.dump(), "application/json");
        REQUIRE(r);
        INFO(method << " " << path << " -> " << r->status << " " << r->body.substr(0, 400));
        return {r->status, r->body.empty() || r->body[0] != '{' ? json{} : json::parse(r->body), r->headers};
    }
    Answer post(const std::string& path, const json& body, const std::string& bearer) const {
        return call("POST", path, body, {{"Authorization", "Bearer " + bearer}});
    }
    // Signs in; the cookie header to send back and the CSRF token.
    std::pair<std::string, std::string> sign_in(const std::string& secret, httplib::Headers extra = {}) const {
        auto a = call("POST", "/api/v1/session", {{"token", secret}}, extra);
        REQUIRE(a.status == 201);
        auto it = a.headers.find("Set-Cookie");
        REQUIRE(it != a.headers.end());
        const auto& set = it->second;
        return {set.substr(0, set.find(';')), a.body["csrf_token"].get<std::string>()};
    }
    json issue(double lon, double lat) const {
        auto a = post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {lon, lat}}}, clerk);
        REQUIRE(a.status == 201);
        return a.body;
    }
};

} // namespace

TEST_CASE("a token is exchanged for an HttpOnly, SameSite=Strict session cookie, and cookie writes need the CSRF token") {
    Workbench w;
    w.start();
    auto first = w.call("POST", "/api/v1/session", {{"token", w.clerk}}, {});
    REQUIRE(first.status == 201);
    CHECK(first.body["role"] == "clerk");
    CHECK(first.body["name"] == "clerk-1");
    const auto set_cookie = first.headers.find("Set-Cookie")->second;
    CHECK(set_cookie.find("diming_session=dms_") == 0);
    CHECK(set_cookie.find("HttpOnly") != std::string::npos);
    CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(set_cookie.find("Secure") == std::string::npos); // plain HTTP here
    CHECK(first.headers.find("Cache-Control")->second == "no-store");
    // Behind a TLS proxy the cookie is Secure.
    auto tls = w.call("POST", "/api/v1/session", {{"token", w.clerk}}, {{"X-Forwarded-Proto", "https"}});
    CHECK(tls.headers.find("Set-Cookie")->second.find("; Secure") != std::string::npos);
    // Only the cookie's hash is kept.
    const auto secret = set_cookie.substr(std::string{"diming_session="}.size(), set_cookie.find(';') - std::string{"diming_session="}.size());
    CHECK(w.count("SELECT count(*) FROM web_sessions WHERE secret_hash LIKE '%" + secret.substr(4, 10) + "%'") == 0);
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'session.open' AND actor = 'clerk-1'") == 2);

    CHECK(w.call("POST", "/api/v1/session", {{"token", "dmg_wrong0000000000000000000000000000000000000"}}, {}).status == 401);
    CHECK(w.call("POST", "/api/v1/session", {{"token", 12}}, {}).status == 400);
    CHECK(w.call("POST", "/api/v1/session", {{"token", w.clerk}, {"role", "admin"}}, {}).status == 400);

    const auto [cookie, csrf] = w.sign_in(w.clerk);
    const httplib::Headers with_cookie{{"Cookie", cookie}};
    auto me = w.call("GET", "/api/v1/session", {}, with_cookie);
    CHECK(me.status == 200);
    CHECK(me.body["role"] == "clerk");
    CHECK(me.body["csrf_token"] == csrf);

    const json plate{{"place_name_id", 1}, {"point", {121.0040, 30.7001}}};
    // A cross-site form post carries the cookie but cannot set the header: refused, nothing written.
    const auto plates_before = w.count("SELECT count(*) FROM door_plates");
    auto forged = w.call("POST", "/api/v1/doorplates", plate, with_cookie);
    CHECK(forged.status == 403);
    CHECK(forged.body["error"] == "csrf");
    CHECK(w.call("POST", "/api/v1/doorplates", plate, {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "x"}}).status == 403);
    CHECK(w.count("SELECT count(*) FROM door_plates") == plates_before);
    auto made = w.call("POST", "/api/v1/doorplates", plate, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    CHECK(made.status == 201);
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'door_plate.create' AND actor = 'clerk-1'") == 1);
    // The role still decides: a clerk's session cannot do the committee's work.
    CHECK(w.call("POST", "/api/v1/names/check", {{"name", "和平路"}}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 403);
    // Bearer tokens keep working without any CSRF token.
    CHECK(w.post("/api/v1/names/check", {{"name", "和平路"}}, w.committee).status == 200);

    // Sign-out ends the session for good.
    CHECK(w.call("DELETE", "/api/v1/session", {}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 204);
    auto after = w.call("GET", "/api/v1/session", {}, with_cookie);
    CHECK(after.status == 401);
    CHECK(after.body["error"] == "session_ended");
    CHECK(w.call("POST", "/api/v1/doorplates", plate, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 401);
}

TEST_CASE("a session survives a restart of the server, ends when idle too long or when its token is revoked") {
    Workbench w;
    w.start();
    const auto [cookie, csrf] = w.sign_in(w.clerk);
    const httplib::Headers with_cookie{{"Cookie", cookie}};
    REQUIRE(w.call("GET", "/api/v1/session", {}, with_cookie).status == 200);
    REQUIRE(w.server->stop() == 0);
    w.start();
    CHECK(w.call("GET", "/api/v1/session", {}, with_cookie).status == 200);

    // Idle: last seen longer ago than the idle limit (30 minutes by default).
    {
        auto db = diming::store::Database::open(w.db, diming::store::Access::read_write);
        db.exec("UPDATE web_sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 minutes')");
    }
    CHECK(w.call("GET", "/api/v1/session", {}, with_cookie).status == 401);
    // Expired: past its lifetime, however recently used.
    const auto [cookie2, csrf2] = w.sign_in(w.clerk);
    {
        auto db = diming::store::Database::open(w.db, diming::store::Access::read_write);
        db.exec("UPDATE web_sessions SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 seconds') WHERE ended_at IS NULL");
    }
    CHECK(w.call("GET", "/api/v1/session", {}, {{"Cookie", cookie2}}).status == 401);

    const auto [cookie3, csrf3] = w.sign_in(w.clerk);
    REQUIRE(w.call("GET", "/api/v1/session", {}, {{"Cookie", cookie3}}).status == 200);
    REQUIRE(run_diming({"token", "revoke", "--db", w.db.string(), "--name", "clerk-1"}).exit_code == 0);
    CHECK(w.call("GET", "/api/v1/session", {}, {{"Cookie", cookie3}}).status == 401);
    CHECK(w.count("SELECT count(*) FROM web_sessions WHERE ended_at IS NULL") == 0);
}

TEST_CASE("a batch of issuances moves in one transaction: all of them, or none with every problem named") {
    Workbench w;
    w.start();
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 12; ++i) ids.push_back(w.issue(121.0030 + 0.0005 * i, i % 2 ? 30.7001 : 30.6999)["issuance_id"].get<std::int64_t>());
    // One of them rejected first: the batch that includes it moves nothing.
    REQUIRE(w.post("/api/v1/issuances/" + std::to_string(ids[5]) + "/transition", {{"to", "rejected"}}, w.clerk).status == 200);
    auto refused = w.post("/api/v1/issuances/transition", {{"ids", ids}, {"to", "approved"}}, w.clerk);
    CHECK(refused.status == 409);
    const auto message = refused.body["message"].get<std::string>();
    CHECK(message.find("1 of the 12") != std::string::npos);
    CHECK(message.find("issuance " + std::to_string(ids[5])) != std::string::npos);
    CHECK(w.count("SELECT count(*) FROM issuances WHERE status = 'approved'") == 0);

    ids.erase(ids.begin() + 5);
    auto moved = w.post("/api/v1/issuances/transition", {{"ids", ids}, {"to", "approved"}, {"note", "批量审核"}}, w.clerk);
    CHECK(moved.status == 200);
    CHECK(moved.body["moved"] == 11);
    CHECK(w.count("SELECT count(*) FROM issuances WHERE status = 'approved'") == 11);
    CHECK(w.count("SELECT count(*) FROM issuance_events WHERE to_status = 'approved' AND note = '批量审核' AND actor = 'clerk-1'") == 11);
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'issuance.approved'") == 11);

    CHECK(w.post("/api/v1/issuances/transition", {{"ids", json::array()}, {"to", "approved"}}, w.clerk).status == 400);
    CHECK(w.post("/api/v1/issuances/transition", {{"ids", {ids[0], ids[0]}}, {"to", "cancelled"}}, w.clerk).status == 400);
    CHECK(w.post("/api/v1/issuances/transition", {{"ids", {999999}}, {"to", "approved"}}, w.clerk).status == 404);
    CHECK(w.post("/api/v1/issuances/transition", {{"ids", ids}, {"to", "installed"}}, w.clerk).status == 409);
    CHECK(w.post("/api/v1/issuances/transition", {{"ids", ids}, {"to", "approved"}}, w.committee).status == 403);
}

TEST_CASE("a building's plates come from a template in one transaction, with the designations the README gives") {
    Workbench w;
    w.start();
    // Door plate 1 is 人民路1号 (active).
    auto made = w.post("/api/v1/doorplates/1/building", {{"building", "3"}, {"units", 2}, {"floors", 5}, {"rooms_per_floor", 3}, {"first_floor", 2}}, w.clerk);
    REQUIRE(made.status == 201);
    CHECK(made.body["unit_plates"] == 2);
    CHECK(made.body["room_plates"] == 2 * 4 * 3);
    CHECK(made.body["issuances"] == 1 + 2 + 24);
    const auto building = made.body["building_plate_id"].get<std::int64_t>();
    CHECK(w.text("SELECT standard_address FROM door_plates WHERE id = " + std::to_string(building)).find("人民路1号3幢") != std::string::npos);
    CHECK(w.count("SELECT count(*) FROM door_plates WHERE parent_id = " + std::to_string(building) + " AND plate_type = 'room'") == 24);
    const auto rooms = w.text("SELECT group_concat(room, ',') FROM (SELECT room FROM door_plates WHERE parent_id = " + std::to_string(building) +
                              " AND plate_type = 'room' AND unit = '2' ORDER BY id)");
    CHECK(rooms == "201,202,203,301,302,303,401,402,403,501,502,503");
    CHECK(w.count("SELECT count(*) FROM door_plates WHERE standard_address LIKE '%人民路1号3幢2单元503室'") == 1);
    CHECK(w.count("SELECT count(*) FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE d.parent_id = " + std::to_string(building) +
                  " AND i.status = 'applied'") == 26);

    // Again for the same building: refused, nothing written.
    const auto plates = w.count("SELECT count(*) FROM door_plates");
    CHECK(w.post("/api/v1/doorplates/1/building", {{"building", "3"}, {"units", 1}, {"floors", 1}, {"rooms_per_floor", 1}}, w.clerk).status == 409);
    CHECK(w.count("SELECT count(*) FROM door_plates") == plates);
    CHECK(w.post("/api/v1/doorplates/1/building", {{"building", "4"}, {"units", 0}}, w.clerk).status == 400);
    CHECK(w.post("/api/v1/doorplates/1/building", {{"building", "4"}, {"floors", 100}}, w.clerk).status == 400);
    CHECK(w.post("/api/v1/doorplates/999/building", {{"building", "4"}}, w.clerk).status == 404);
    CHECK(w.post("/api/v1/doorplates/1/building", {{"building", "4\u202e"}}, w.clerk).status == 400);
    CHECK(w.count("SELECT count(*) FROM door_plates") == plates);
}

TEST_CASE("cancelling (注销) an installed plate takes its building plates with it and retires its number") {
    Workbench w;
    w.start();
    // 人民路12号 (plate 4) has building plate 5 under it, and room plate 6 (1单元101) under that.
    auto done = w.post("/api/v1/doorplates/4/cancel", {{"reason_code", "demolition"}, {"decision_doc", "平拆〔2026〕3号"}, {"cancelled_on", "2026-11-30"}}, w.clerk);
    REQUIRE(done.status == 200);
    CHECK(done.body["plates_cancelled"] == 3);
    CHECK(done.body["number_retired"] == true);
    CHECK(w.count("SELECT count(*) FROM door_plates WHERE id IN (4, 5, 6) AND status = 'cancelled'") == 3);
    CHECK(w.count("SELECT count(*) FROM door_plate_cancellations WHERE reason_code = 'demolition' AND former_status = 'active'") == 3);
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'door_plate.cancel'") == 3);
    CHECK(w.post("/api/v1/doorplates/4/cancel", {{"reason_code", "demolition"}, {"cancelled_on", "2026-11-30"}}, w.clerk).status == 409);
    CHECK(w.post("/api/v1/doorplates/3/cancel", {{"reason_code", "whim"}, {"cancelled_on", "2026-11-30"}}, w.clerk).status == 400);
    CHECK(w.post("/api/v1/doorplates/3/cancel", {{"reason_code", "other"}, {"cancelled_on", "2026-11-30"}}, w.clerk).status == 400);
    CHECK(w.post("/api/v1/doorplates/3/cancel", {{"reason_code", "merger"}, {"cancelled_on", "2026-02-30"}}, w.clerk).status == 400);
    CHECK(w.count("SELECT count(*) FROM door_plates WHERE id = 3 AND status = 'active'") == 1);

    // The number 12 is not proposed again for a plate where 12 stood, and typed it is refused
    // unless the clerk means it.
    auto proposal = w.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0060, 30.6999}}, {"dry_run", true}}, w.clerk);
    REQUIRE(proposal.status == 200);
    CHECK(proposal.body["number"] != 12);
    auto typed = w.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0060, 30.6999}}, {"number", 12}}, w.clerk);
    CHECK(typed.status == 409);
    CHECK(typed.body["message"].get<std::string>().find("cancelled") != std::string::npos);
    auto meant = w.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0060, 30.6999}}, {"number", 12}, {"reuse_cancelled", true}}, w.clerk);
    CHECK(meant.status == 201);

    // A planned plate cancelled never hung anywhere: its number is free again, and its open issuance is cancelled.
    const auto fresh = w.issue(121.0080, 30.7001);
    auto gone = w.post("/api/v1/doorplates/" + fresh["door_plate_id"].dump() + "/cancel", {{"reason_code", "error"}, {"cancelled_on", "2026-11-30"}}, w.clerk);
    CHECK(gone.body["number_retired"] == false);
    CHECK(gone.body["issuances_cancelled"] == 1);
    CHECK(w.text("SELECT status FROM issuances WHERE id = " + fresh["issuance_id"].dump()) == "cancelled");
    CHECK(w.post("/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0080, 30.7001}}, {"number", fresh["number"]}}, w.clerk).status == 201);
}

TEST_CASE("the renaming preview counts what the renaming does and changes nothing, and a later effective date schedules it") {
    Workbench w;
    const std::string today = "2026-11-30";
    setenv("DIMING_TODAY", today.c_str(), 1);
    w.start();
    const json renaming{{"new_name", "和平路"}, {"decision_doc", "平政地〔2026〕9号"}, {"decided_on", today}, {"effective_on", "2027-01-01"}};
    const auto audit_before = w.count("SELECT count(*) FROM audit_log");
    auto preview = w.post("/api/v1/names/1/rename/preview", renaming, w.committee);
    REQUIRE(preview.status == 200);
    const auto live = w.count("SELECT count(*) FROM door_plates WHERE place_name_id = 1 AND status <> 'cancelled'");
    CHECK(preview.body["plates_readdressed"] == live);
    CHECK(preview.body["plate_ids"].size() == static_cast<std::size_t>(live));
    CHECK(preview.body["issuances_created"] == w.count("SELECT count(*) FROM door_plates WHERE place_name_id = 1 AND status <> 'cancelled' AND plate_type IN ('door','building')"));
    CHECK(preview.body["takes_effect"] == "scheduled");
    CHECK(w.text("SELECT name FROM place_names WHERE id = 1") == "人民路");
    CHECK(w.count("SELECT count(*) FROM audit_log") == audit_before);
    CHECK(w.post("/api/v1/names/1/rename/preview", renaming, w.clerk).status == 403);

    auto scheduled = w.post("/api/v1/names/1/rename", renaming, w.committee);
    REQUIRE(scheduled.status == 202);
    CHECK(scheduled.body["status"] == "scheduled");
    CHECK(w.text("SELECT name FROM place_names WHERE id = 1") == "人民路");
    auto record = w.get_json("/api/v1/names/1");
    CHECK(record["name"] == "人民路");
    CHECK(record["coming_renaming"]["new_name"] == "和平路");
    CHECK(record["coming_renaming"]["effective_on"] == "2027-01-01");
    // The coming name is taken, and a second renaming of the same place waits for the first.
    auto check = w.post("/api/v1/names/check", {{"name", "和平路"}}, w.committee);
    CHECK(check.body["conflicts"][0]["kind"] == "duplicate");
    auto second = w.post("/api/v1/names/1/rename", {{"new_name", "光明路"}, {"decision_doc", "x"}, {"decided_on", today}, {"effective_on", "2027-02-01"}}, w.committee);
    CHECK(second.status == 409);

    // The date comes: the server carries it out when it starts (and each minute), with the same cascade.
    REQUIRE(w.server->stop() == 0);
    setenv("DIMING_TODAY", "2027-01-01", 1);
    w.start();
    unsetenv("DIMING_TODAY");
    CHECK(w.text("SELECT name FROM place_names WHERE id = 1") == "和平路");
    CHECK(w.text("SELECT status FROM scheduled_renamings") == "done");
    auto history = w.get_json("/api/v1/names/1/history");
    INFO(history.dump());
    CHECK(history.dump().find("人民路") != std::string::npos);
    CHECK(w.count("SELECT count(*) FROM issuances WHERE kind = 'renaming'") == preview.body["issuances_created"].get<std::int64_t>());
    CHECK(w.count("SELECT count(*) FROM door_plates WHERE place_name_id = 1 AND status <> 'cancelled' AND standard_address LIKE '%和平路%'") == live);
    CHECK(w.get_json("/api/v1/names/1")["coming_renaming"].is_null());
}

TEST_CASE("a scheduled renaming can be withdrawn before its date, and then nothing happens on the date") {
    Workbench w;
    setenv("DIMING_TODAY", "2026-11-30", 1);
    w.start();
    auto scheduled = w.post("/api/v1/names/2/rename", {{"new_name", "和平东路"}, {"decision_doc", "d"}, {"decided_on", "2026-11-30"}, {"effective_on", "2026-12-15"}}, w.committee);
    REQUIRE(scheduled.status == 202);
    const auto id = scheduled.body["scheduled_renaming_id"].dump();
    CHECK(w.get_json("/api/v1/scheduled-renamings")["scheduled_renamings"].size() == 1);
    CHECK(w.post("/api/v1/scheduled-renamings/" + id + "/withdraw", json::object(), w.clerk).status == 403);
    CHECK(w.post("/api/v1/scheduled-renamings/" + id + "/withdraw", json::object(), w.committee).status == 200);
    CHECK(w.post("/api/v1/scheduled-renamings/" + id + "/withdraw", json::object(), w.committee).status == 409);
    REQUIRE(w.server->stop() == 0);
    setenv("DIMING_TODAY", "2027-01-01", 1);
    w.start();
    unsetenv("DIMING_TODAY");
    CHECK(w.text("SELECT name FROM place_names WHERE id = 2") == "人民东路");
    CHECK(w.get_json("/api/v1/scheduled-renamings?all=true")["scheduled_renamings"][0]["status"] == "withdrawn");
}

namespace {

// A sheet of applications as the clerk fills in the template: its rows, by column name.
std::string application_sheet(const std::filesystem::path& file, const std::vector<std::map<std::string, std::string>>& rows) {
    {
        auto ds = diming::gdal::create_vector("XLSX", file);
        const std::vector<const char*> names{"道路", "乡镇街道", "门牌号", "地址", "经度", "纬度", "申请人"};
        std::vector<std::pair<const char*, OGRFieldType>> fields;
        for (const char* n : names) fields.emplace_back(n, OFTString);
        diming::gdal::LayerWriter w{ds.get(), "门牌申请", wkbNone, nullptr, fields};
        for (const auto& r : rows) {
            for (std::size_t i = 0; i < names.size(); ++i) {
                auto it = r.find(names[i]);
                if (it == r.end()) w.clear(static_cast<int>(i));
                else w.set(static_cast<int>(i), it->second);
            }
            w.write();
        }
    }
    return read_file(file);
}

} // namespace

TEST_CASE("batch applications from the XLSX template are checked row by row and written all together or not at all") {
    Workbench w;
    w.start();
    auto client = w.server->client();
    const httplib::Headers bearer{{"Authorization", "Bearer " + w.clerk}};
    const std::string xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // The template reads back through GDAL with its columns and its explanations.
    auto tpl = client.Get("/api/v1/applications/template.xlsx");
    REQUIRE(tpl);
    REQUIRE(tpl->status == 200);
    write_file(w.dir / "template.xlsx", tpl->body);
    {
        const diming::gdal::ConfigOption headers{"OGR_XLSX_HEADERS", "FORCE"}; // every cell is text: the first row is still the header
        auto ds = diming::gdal::open_vector(w.dir / "template.xlsx");
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(GDALDatasetGetLayer(ds.get(), 0));
        for (const char* f : {"道路", "经度", "纬度", "门牌号", "地址", "申请人"}) {
            INFO(f);
            CHECK(OGR_FD_GetFieldIndex(defn, f) >= 0);
        }
        CHECK(GDALDatasetGetLayerCount(ds.get()) == 2);
    }

    const std::vector<std::map<std::string, std::string>> rows{
        {{"道路", "人民路"}, {"经度", "121.0075"}, {"纬度", "30.7001"}, {"申请人", "张三"}},
        {{"道路", "人民路"}, {"经度", "121.0077"}, {"纬度", "30.7001"}, {"申请人", "李四"}},                        // the next number, not the same one
        {{"地址", "平湖市当湖街道人民路8号"}, {"经度", "121.0050"}, {"纬度", "30.6999"}, {"申请人", "王五"}},        // by address
        {{"道路", "无名路"}, {"经度", "121.0060"}, {"纬度", "30.7001"}},                                              // unknown road
        {{"道路", "人民路"}, {"经度", "东经121度"}, {"纬度", "30.7001"}},                                            // not a number
        {{"道路", "人民路"}, {"门牌号", "12"}, {"经度", "121.0060"}, {"纬度", "30.6999"}},                           // taken
        {{"道路", "人民路"}, {"经度", "130.0"}, {"纬度", "30.7001"}},                                                // outside the county
    };
    const auto body = application_sheet(w.dir / "apps.xlsx", rows);
    const auto plates = w.count("SELECT count(*) FROM door_plates");
    auto checked = client.Post("/api/v1/applications?check=true", bearer, body, xlsx.c_str());
    REQUIRE(checked);
    INFO(checked->body);
    REQUIRE(checked->status == 200);
    auto r = json::parse(checked->body);
    REQUIRE(r["rows"].size() == rows.size());
    CHECK(r["problems"] == 4);
    CHECK(r["written"] == false);
    CHECK(r["rows"][0]["ok"] == true);
    CHECK(r["rows"][0]["row"] == 2); // the header is row 1
    CHECK(r["rows"][1]["ok"] == true);
    CHECK(r["rows"][0]["number"] != r["rows"][1]["number"]);
    CHECK(r["rows"][2]["ok"] == true);
    CHECK(r["rows"][2]["standard_address"].get<std::string>().find("人民路8号") != std::string::npos);
    CHECK(r["rows"][3]["problem"]["code"] == "unknown_place");
    CHECK(r["rows"][3]["problem"]["field"] == "road");
    CHECK(r["rows"][4]["problem"]["field"] == "lon");
    CHECK(r["rows"][5]["problem"]["code"] == "refused");
    CHECK(r["rows"][5]["problem"]["field"] == "number");
    CHECK(r["rows"][6]["problem"]["field"] == "point");
    CHECK(w.count("SELECT count(*) FROM door_plates") == plates);

    // Submitted with its problems: nothing is written.
    auto refused = client.Post("/api/v1/applications", bearer, body, xlsx.c_str());
    REQUIRE(refused);
    CHECK(refused->status == 422);
    CHECK(w.count("SELECT count(*) FROM door_plates") == plates);

    // The good rows alone: all written, each with its issuance and audit entry.
    const auto good = application_sheet(w.dir / "good.xlsx", {rows[0], rows[1], rows[2]});
    auto done = client.Post("/api/v1/applications", bearer, good, xlsx.c_str());
    REQUIRE(done);
    INFO(done->body);
    CHECK(done->status == 201);
    CHECK(w.count("SELECT count(*) FROM door_plates") == plates + 3);
    CHECK(w.count("SELECT count(*) FROM issuances WHERE applicant IN ('张三', '李四', '王五') AND status = 'applied'") == 3);
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'door_plate.create' AND actor = 'clerk-1'") == 3);

    // Not a sheet, the wrong type, no point columns, the wrong role.
    CHECK(client.Post("/api/v1/applications", bearer, "not a spreadsheet", xlsx.c_str())->status == 400);
    CHECK(client.Post("/api/v1/applications", bearer, good, "application/json")->status == 415);
    CHECK(client.Post("/api/v1/applications", bearer, "道路,申请人\n人民路,张三\n", "text/csv")->status == 400);
    CHECK(client.Post("/api/v1/applications", {{"Authorization", "Bearer " + w.committee}}, good, xlsx.c_str())->status == 403);
}

TEST_CASE("GIS staff record match decisions over HTTP, each audited, and read a record's history") {
    Workbench w;
    const auto gis = w.token("gis-1", "gis");
    w.start();
    // P3 (乍浦镇长安路9号, record 6): the civil side has 长安路5号 only.
    auto linked = w.post("/api/v1/match/decisions", {{"kind", "link"}, {"police_address_id", 6}, {"civil_address_id", 3}, {"reason", "门牌实地核对"}}, gis);
    REQUIRE(linked.status == 201);
    auto missing = w.post("/api/v1/match/decisions", {{"kind", "civil_missing"}, {"police_address_id", 6}, {"reason", "民政缺门牌"}}, gis);
    REQUIRE(missing.status == 201);
    REQUIRE(missing.body.contains("issuance_id"));
    CHECK(w.count("SELECT count(*) FROM issuances WHERE id = " + missing.body["issuance_id"].dump() + " AND status = 'applied'") == 1);
    CHECK(w.text("SELECT standard_address FROM door_plates WHERE id = " + missing.body["door_plate_id"].dump()).find("长安路9号") != std::string::npos);
    auto history = w.get_json("/api/v1/match/decisions?police_address_id=6");
    CHECK(history["police_key"] == "src:P3");
    REQUIRE(history["decisions"].size() == 2);
    CHECK(history["decisions"][0]["kind"] == "link");
    CHECK(history["decisions"][0]["civil_key"] == "plate:7");
    CHECK(history["decisions"][1]["kind"] == "civil_missing");
    CHECK(w.count("SELECT count(*) FROM audit_log WHERE action = 'match.decide' AND actor = 'gis-1'") == 2);

    CHECK(w.post("/api/v1/match/decisions", {{"kind", "maybe"}, {"police_address_id", 6}}, gis).status == 400);
    CHECK(w.post("/api/v1/match/decisions", {{"kind", "link"}, {"police_address_id", 6}, {"civil_address_id", 5}}, gis).status == 400); // 5 is police
    CHECK(w.post("/api/v1/match/decisions", {{"kind", "confirm"}, {"police_address_id", 1}, {"civil_address_id", 1}}, gis).status == 400); // 1 is civil
    CHECK(w.post("/api/v1/match/decisions", {{"kind", "demolished"}, {"police_address_id", 999}}, gis).status == 404);
    CHECK(w.post("/api/v1/match/decisions", {{"kind", "demolished"}, {"police_address_id", 6}}, w.clerk).status == 403);
    CHECK(w.count("SELECT count(*) FROM match_decisions") == 2);
}

TEST_CASE("the work list over HTTP: ranked records, assignment, and the field-check sheet") {
    Workbench w;
    const auto gis = w.token("gis-2", "gis");
    w.start();
    // The fixture's run: P3 (乍浦镇长安路9号, record 6) is linked to its road only.
    auto list = w.get_json("/api/v1/match/worklist?town=330482101000");
    REQUIRE(list["items"].size() == 1);
    CHECK(list["items"][0]["police_address_id"] == 6);
    CHECK(list["items"][0]["problem"] == "unlinked");
    CHECK(list["progress"]["open"] == 1);
    CHECK(w.get_json("/api/v1/match/worklist?town=330482001000")["items"].empty());
    w.get_json("/api/v1/match/worklist?town=xx", 400);
    auto assigned = w.post("/api/v1/match/worklist/assign", {{"police_address_ids", {6}}, {"assignee", "王工"}, {"status", "field_check"}}, gis);
    CHECK(assigned.status == 200);
    auto mine = w.get_json("/api/v1/match/worklist?assignee=" + url_encode("王工"));
    REQUIRE(mine["items"].size() == 1);
    CHECK(mine["items"][0]["status"] == "field_check");
    CHECK(w.post("/api/v1/match/worklist/assign", {{"police_address_ids", {6}}, {"status", "lost"}}, gis).status == 400);
    CHECK(w.post("/api/v1/match/worklist/assign", {{"police_address_ids", {1}}, {"status", "open"}}, gis).status == 404); // 1 is civil
    auto client = w.server->client();
    auto sheet = client.Get("/api/v1/match/worklist.xlsx?town=330482101000");
    REQUIRE(sheet);
    CHECK(sheet->status == 200);
    CHECK(sheet->body.size() > 1000);
    CHECK(client.Post("/api/v1/match/worklist/outcomes", {{"Authorization", "Bearer " + gis}}, "no", "text/csv")->status == 415);
}

TEST_CASE("the audit log reads back over HTTP for an administrator: filtered, newest first, by keyset pages") {
    Workbench w;
    const auto admin = w.token("admin-1", "admin");
    w.start();
    const auto a = w.issue(121.0075, 30.7001), b = w.issue(121.0085, 30.7001);
    const httplib::Headers auth{{"Authorization", "Bearer " + admin}};
    auto get = [&](const std::string& path, int status = 200) {
        auto r = w.server->client().Get(path.c_str(), auth);
        REQUIRE(r);
        INFO(path << " " << r->body.substr(0, 300));
        REQUIRE(r->status == status);
        return json::parse(r->body);
    };
    auto mine = get("/api/v1/audit?actor=clerk-1&action=door_plate.create");
    REQUIRE(mine["records"].size() == 2);
    CHECK(mine["records"][0]["record"] == b["door_plate_id"].dump()); // newest first
    CHECK(mine["records"][0]["after"]["standard_address"] == b["standard_address"]);
    CHECK(mine["records"][0]["table"] == "door_plates");
    auto one = get("/api/v1/audit?actor=clerk-1&action=door_plate.create&limit=1");
    REQUIRE(one["records"].size() == 1);
    REQUIRE(!one["next_before"].is_null());
    auto next = get("/api/v1/audit?actor=clerk-1&action=door_plate.create&limit=1&before=" + one["next_before"].dump());
    REQUIRE(next["records"].size() == 1);
    CHECK(next["records"][0]["record"] == a["door_plate_id"].dump());
    CHECK(next["next_before"].is_null());
    CHECK(get("/api/v1/audit?table=door_plates&record=" + a["door_plate_id"].dump())["records"].size() == 1);
    CHECK(get("/api/v1/audit?from=2000-01-01&to=2999-12-31&actor=clerk-1")["records"].size() == 2);
    CHECK(get("/api/v1/audit?from=2999-01-01")["records"].empty());
    get("/api/v1/audit?from=yesterday", 400);
    get("/api/v1/audit?limit=0", 400);
    get("/api/v1/audit?colour=red", 400);
    auto refused = w.server->client().Get("/api/v1/audit", {{"Authorization", "Bearer " + w.clerk}});
    REQUIRE(refused);
    CHECK(refused->status == 403);
}

TEST_CASE("the filtered issuances export as CSV with a BOM and as XLSX, every match and not one page") {
    Workbench w;
    w.start();
    for (int i = 0; i < 3; ++i) w.issue(121.0075 + 0.0004 * i, 30.7001);
    auto client = w.server->client();
    auto csv = client.Get("/api/v1/issuances.csv?status=applied");
    REQUIRE(csv);
    REQUIRE(csv->status == 200);
    CHECK(csv->body.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(csv->body.find("编号,门牌编号,标准地址") != std::string::npos);
    CHECK(std::count(csv->body.begin(), csv->body.end(), '\n') == 4); // the header and three rows
    CHECK(csv->body.find("人民路") != std::string::npos);
    auto xlsx = client.Get("/api/v1/issuances.xlsx?status=applied&road=" + url_encode("人民路"));
    REQUIRE(xlsx);
    REQUIRE(xlsx->status == 200);
    write_file(w.dir / "issuances.xlsx", xlsx->body);
    {
        const diming::gdal::ConfigOption headers{"OGR_XLSX_HEADERS", "FORCE"};
        auto ds = diming::gdal::open_vector(w.dir / "issuances.xlsx");
        OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
        CHECK(OGR_L_GetFeatureCount(layer, 1) == 3);
        CHECK(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "标准地址") >= 0);
    }
    CHECK(client.Get("/api/v1/issuances.csv?status=lost")->status == 400);
    CHECK(client.Get("/api/v1/issuances.csv?limit=5")->status == 400); // every match: no paging
}
