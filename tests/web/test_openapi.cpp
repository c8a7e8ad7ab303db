// GET /api: the whole HTTP surface as OpenAPI 3, validated by a real validator
// (@apidevtools/swagger-parser, tests/web/openapi.mjs); every route the server registers is
// in it, and every path in it answers from its own handler (not the 404 of an unknown path).

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "server/registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace diming::testing;
using nlohmann::json;

namespace {

// Whether `value` is what `schema` (the subset /api uses: type, nullable, properties,
// additionalProperties, items, required, enum) says; every field of an object must be one the
// schema lists (or its additionalProperties describe). `where` names the first mismatch.
bool conforms(const json& value, const json& schema, const std::string& path, std::string& where) {
    if (value.is_null()) {
        if (schema.value("nullable", false) || !schema.contains("type")) return true;
        where = path + ": null where " + schema["type"].get<std::string>() + " is described";
        return false;
    }
    const std::string type = schema.value("type", "");
    const bool ok = type.empty() || (type == "object" && value.is_object()) || (type == "array" && value.is_array()) ||
                    (type == "string" && value.is_string()) || (type == "integer" && value.is_number_integer()) ||
                    (type == "number" && value.is_number()) || (type == "boolean" && value.is_boolean());
    if (!ok) {
        where = path + ": " + value.type_name() + " where " + type + " is described";
        return false;
    }
    if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
        where = path + ": " + value.dump() + " is not one of " + schema["enum"].dump();
        return false;
    }
    if (value.is_object()) {
        const json& props = schema.contains("properties") ? schema["properties"] : json::object();
        for (const auto& [k, v] : value.items()) {
            if (props.contains(k)) {
                if (!conforms(v, props[k], path + "." + k, where)) return false;
            } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
                if (!conforms(v, schema["additionalProperties"], path + "." + k, where)) return false;
            } else if (schema.contains("properties") || schema.contains("additionalProperties")) {
                where = path + "." + k + ": not in the schema";
                return false;
            }
        }
        for (const auto& k : schema.value("required", json::array())) {
            if (!value.contains(k.get<std::string>())) {
                where = path + ": the required " + k.get<std::string>() + " is missing";
                return false;
            }
        }
    }
    if (value.is_array() && schema.contains("items")) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!conforms(value[i], schema["items"], path + "[" + std::to_string(i) + "]", where)) return false;
        }
    }
    return true;
}

// A JSON schema that says what is inside: the fields of an object (or what its keys map
// to), the items of an array, or a scalar type. A bare {"type": "object"} says nothing.
bool detailed(const json& schema) {
    if (schema.contains("$ref")) return true;
    const std::string type = schema.value("type", "");
    if (type == "object") return schema.contains("properties") || schema["additionalProperties"].is_object();
    if (type == "array") return schema.contains("items") && detailed(schema["items"]);
    return !type.empty();
}

// The JSON media type of a documented answer, if it has one.
std::string json_type_of(const json& content) {
    for (const auto& [type, v] : content.items()) {
        if (type.find("json") != std::string::npos) return type;
    }
    return {};
}

} // namespace

TEST_CASE("the OpenAPI document at /api is valid, lists every registered route, and every documented route answers") {
    ServedRegistry r;
    const auto admin = r.token("openapi-admin", "admin");
    r.serve({"--access-log", ""});

    const auto web = std::filesystem::path{DIMING_SOURCE_DIR} / "tests" / "web";
    REQUIRE(std::filesystem::exists(web / "node_modules" / "@apidevtools" / "swagger-parser")); // ./dev test installs it
    const std::string cmd = "cd '" + web.string() + "' && timeout 60 node openapi.mjs '" + r.server->url() + "/api'";
    std::FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    REQUIRE(pclose(p) == 0);
    const auto report = json::parse(out);
    INFO(out);
    CHECK(report["valid"] == true);
    CHECK(report["yaml_valid"] == true);
    CHECK(report["yaml_same"] == true);
    CHECK(report["yaml_type"] == "application/vnd.oai.openapi;version=3.0");
    CHECK(r.get_json("/api?f=xml", 400)["field"] == "f");

    const auto doc = r.get_json("/api", 200, "application/vnd.oai.openapi+json;version=3.0");
    const auto listed = run_diming({"serve", "--db", r.db.string(), "--routes"});
    REQUIRE(listed.exit_code == 0);
    std::istringstream lines{listed.out};
    std::set<std::pair<std::string, std::string>> routes;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream cols{line};
        std::string method, name;
        cols >> method >> name;
        routes.emplace(method, name);
    }
    REQUIRE(routes.size() > 40);
    for (const auto& [method, name] : routes) {
        INFO(method << " " << name);
        std::string m = method;
        for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK(doc["paths"].contains(name));
        if (doc["paths"].contains(name)) CHECK(doc["paths"][name].contains(m));
    }
    // The writes say which role they need.
    CHECK(doc["paths"]["/api/v1/issuances/transition"]["post"]["x-diming-role"] == "clerk");
    CHECK(doc["paths"]["/api/v1/names/{id}/rename/preview"]["post"]["x-diming-role"] == "committee");
    CHECK(doc["paths"]["/api/v1/tokens"]["post"]["x-diming-role"] == "admin");
    CHECK(doc["paths"]["/api/v1/doorplates/{id}/building"]["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] == json{"building"});

    // Every documented operation reaches a handler: never the 404 of an unknown path, nor 405.
    auto client = r.server->client();
    const httplib::Headers auth{{"Authorization", "Bearer " + admin}};
    for (const auto& [path, ops] : doc["paths"].items()) {
        std::string concrete = std::regex_replace(path, std::regex{R"(\{(id|fid|plate)\})"}, "1");
        concrete = std::regex_replace(concrete, std::regex{R"(\{name\})"}, "nobody");
        concrete = std::regex_replace(concrete, std::regex{R"(\{z\}/\{x\}/\{y\})"}, "14/13710/6696");
        if (path == "/ogc/collections/{id}" || path == "/ogc/collections/{id}/items" || path == "/ogc/collections/{id}/items/{fid}") {
            concrete = std::regex_replace(path, std::regex{R"(\{id\})"}, "door_plates");
            concrete = std::regex_replace(concrete, std::regex{R"(\{fid\})"}, "1");
        }
        for (const auto& [method, op] : ops.items()) {
            INFO(method << " " << concrete);
            httplib::Result res = method == "get"      ? client.Get(concrete.c_str(), auth)
                                  : method == "delete" ? client.Delete(concrete.c_str(), auth)
                                                       : client.Post(concrete.c_str(), auth, "{}", "application/json");
            REQUIRE(res);
            CHECK(res->status != 405);
            if (res->status == 404) CHECK(res->body.find("no such resource") == std::string::npos);
        }
    }

    // The responses the document details are what the server answers.
    for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
             {"/api/v1/names", "/api/v1/names?q=" + url_encode("人民路")}, {"/api/v1/names", "/api/v1/names?q=" + url_encode("当湖街道")},
             {"/api/v1/names", "/api/v1/names?q=" + url_encode("仁民路")}, {"/api/v1/names", "/api/v1/names?q=shengli"},
             {"/api/v1/addresses", "/api/v1/addresses?q=" + url_encode("人民路12号1幢")},
             {"/api/v1/addresses/reverse", "/api/v1/addresses/reverse?lon=121.006&lat=30.7"}, {"/api/v1/towns", "/api/v1/towns"},
             {"/api/v1/categories", "/api/v1/categories"}, {"/api/v1/issuances", "/api/v1/issuances"},
             {"/api/v1/print-orders", "/api/v1/print-orders"}, {"/healthz", "/healthz"}}) {
        INFO(path);
        const auto& schema = doc["paths"][name]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        REQUIRE(schema.contains("properties"));
        std::string where;
        CHECK(conforms(r.get_json(path), schema, "$", where));
        INFO(where);
        CHECK(where.empty());
    }
}

// A client builds on the answers /api describes: here every operation that answers JSON is
// called for real, in the order a bureau's day would call them (read, propose, issue, print,
// certify, match, sign in and out), and each answer — successes and refusals — must be what
// its schema says, field by field. Every such operation must be described in detail and be
// called at least once, so a route added without its answer described fails here.
TEST_CASE("every JSON answer the server gives is what /api describes for it, field by field") {
    ServedRegistry r;
    const auto admin = r.token("walk-admin", "admin");
    // A second match run, so that the run-to-run changes have two runs to compare.
    REQUIRE(run_diming({"match", "--db", r.db.string(), "--police", "2", "--civil", "1"}).exit_code == 0);
    r.serve({"--access-log", ""});
    const auto doc = r.get_json("/api", 200, "application/vnd.oai.openapi+json;version=3.0");
    auto client = r.server->client();
    const httplib::Headers auth{{"Authorization", "Bearer " + admin}};

    std::set<std::string> answered; // "METHOD path", for the operations called with their documented answer
    // Calls `method concrete` (documented as `path`), requires `status`, checks the body
    // against the documented schema of that status (or the Error schema); the body.
    auto call = [&](const std::string& method, const std::string& path, const std::string& concrete, int status,
                    const std::string& body = "", const std::string& body_type = "application/json") -> json {
        INFO(method << " " << concrete);
        httplib::Result res = method == "GET"      ? client.Get(concrete.c_str(), auth)
                              : method == "DELETE" ? client.Delete(concrete.c_str(), auth)
                                                   : client.Post(concrete.c_str(), auth, body, body_type.c_str());
        REQUIRE(res);
        INFO(res->body.substr(0, 2000));
        REQUIRE(res->status == status);
        std::string m = method;
        for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        REQUIRE(doc["paths"].contains(path));
        REQUIRE(doc["paths"][path].contains(m));
        const auto& responses = doc["paths"][path][m]["responses"];
        REQUIRE(responses.contains(std::to_string(status)));
        const auto& documented = responses[std::to_string(status)];
        if (status == 204) return json{};
        REQUIRE(documented.contains("content"));
        const auto type = json_type_of(documented["content"]);
        REQUIRE(!type.empty());
        json schema = documented["content"][type]["schema"];
        if (schema.contains("$ref")) schema = doc["components"]["schemas"][schema["$ref"].get<std::string>().substr(21)];
        const auto value = json::parse(res->body);
        std::string where;
        CHECK(conforms(value, schema, "$", where));
        CHECK(where == "");
        if (status < 300) answered.insert(method + " " + path);
        return value;
    };
    auto get = [&](const std::string& path, const std::string& concrete, int status = 200) { return call("GET", path, concrete, status); };
    auto post = [&](const std::string& path, const std::string& concrete, const json& body, int status) {
        return call("POST", path, concrete, status, body.dump());
    };
    const auto id = [](const json& v) { return std::to_string(v.get<std::int64_t>()); };

    // Reads anyone (or any viewer) makes.
    get("/healthz", "/healthz");
    get("/api", "/api");
    get("/tiles/tilejson.json", "/tiles/tilejson.json");
    get("/api/v1/towns", "/api/v1/towns");
    get("/api/v1/communities", "/api/v1/communities");
    get("/api/v1/communities", "/api/v1/communities?town=330482001000");
    get("/api/v1/categories", "/api/v1/categories");
    get("/api/v1/cancellation-reasons", "/api/v1/cancellation-reasons");
    for (const auto& q : {"人民路", "当湖街道", "仁民路", "shengli", "人民路12号"}) get("/api/v1/names", "/api/v1/names?q=" + url_encode(q));
    get("/api/v1/names", "/api/v1/names?near=121.0,30.7&limit=3");
    get("/api/v1/names/{id}", "/api/v1/names/4");
    get("/api/v1/names/{id}/history", "/api/v1/names/4/history");
    get("/api/v1/addresses", "/api/v1/addresses?q=" + url_encode("平湖市当湖街道人民路12号1幢1单元101室"));
    get("/api/v1/addresses", "/api/v1/addresses?q=" + url_encode("朱家浜"));
    get("/api/v1/addresses/reverse", "/api/v1/addresses/reverse?lon=121.006&lat=30.7");
    get("/api/v1/doorplates/{id}", "/api/v1/doorplates/1");
    get("/api/v1/session", "/api/v1/session");
    // OGC API - Features documents and features.
    get("/ogc", "/ogc");
    get("/ogc/conformance", "/ogc/conformance");
    get("/ogc/api", "/ogc/api");
    get("/ogc/collections", "/ogc/collections");
    for (const std::string c : {"place_names", "roads", "places", "divisions", "door_plates", "match_results"}) {
        get("/ogc/collections/{id}", "/ogc/collections/" + c);
        get("/ogc/collections/{id}/queryables", "/ogc/collections/" + c + "/queryables");
        const auto page = get("/ogc/collections/{id}/items", "/ogc/collections/" + c + "/items?limit=3");
        REQUIRE(!page["features"].empty());
        get("/ogc/collections/{id}/items/{fid}", "/ogc/collections/" + c + "/items/" + page["features"][0]["id"].dump());
    }
    get("/ogc/collections/{id}/items", "/ogc/collections/door_plates/items?limit=2&crs=" + url_encode("http://www.opengis.net/def/crs/EPSG/0/4490"));

    // Tokens and the audit log (admin).
    post("/api/v1/tokens", "/api/v1/tokens", {{"name", "walk-viewer"}, {"role", "viewer"}}, 201);
    get("/api/v1/tokens", "/api/v1/tokens");
    call("DELETE", "/api/v1/tokens/{name}", "/api/v1/tokens/walk-viewer", 204);
    call("DELETE", "/api/v1/tokens/{name}", "/api/v1/tokens/nobody", 404);

    // Naming: check, propose, approve, reject, retire, rename now, preview, schedule, withdraw.
    post("/api/v1/names/check", "/api/v1/names/check", {{"name", "人民路"}}, 200);
    post("/api/v1/names/check", "/api/v1/names/check", {{"name", "迎春路"}}, 200);
    const json line{{"type", "LineString"}, {"coordinates", {{121.010, 30.705}, {121.014, 30.705}}}};
    auto proposed = post("/api/v1/names", "/api/v1/names",
                         {{"name", "迎春路"}, {"category_code", "D-ROAD"}, {"division_code", "330482001000"}, {"geometry", line}, {"meaning", "迎接春天"}}, 201);
    post("/api/v1/names/{id}/approve", "/api/v1/names/" + id(proposed["id"]) + "/approve", {{"decision_doc", "平政地〔2026〕20号"}, {"decided_on", "2026-11-02"}}, 200);
    auto second = post("/api/v1/names", "/api/v1/names", {{"name", "望春路"}, {"category_code", "D-ROAD"}, {"division_code", "330482001000"}, {"geometry", line}}, 201);
    post("/api/v1/names/{id}/reject", "/api/v1/names/" + id(second["id"]) + "/reject", {{"reason", "与迎春路音近"}}, 200);
    post("/api/v1/names/{id}/retire", "/api/v1/names/" + id(proposed["id"]) + "/retire",
         {{"decision_doc", "平政地〔2026〕21号"}, {"decided_on", "2026-11-20"}, {"reason", "道路取消"}}, 200);
    post("/api/v1/names", "/api/v1/names", {{"name", "人民路"}, {"category_code", "D-ROAD"}, {"division_code", "330482001000"}}, 409);
    post("/api/v1/names", "/api/v1/names", {{"name", "x"}, {"category_code", "nope"}}, 400);
    const json renaming{{"new_name", "和平路"}, {"decision_doc", "平政地〔2026〕9号"}, {"decided_on", "2026-11-01"}, {"effective_on", "2099-01-01"}};
    post("/api/v1/names/{id}/rename/preview", "/api/v1/names/1/rename/preview", renaming, 200);
    auto scheduled = post("/api/v1/names/{id}/rename", "/api/v1/names/1/rename", renaming, 202);
    get("/api/v1/scheduled-renamings", "/api/v1/scheduled-renamings?all=true");
    get("/api/v1/names/{id}", "/api/v1/names/1"); // with its coming renaming
    const auto scheduled_id = r.count("SELECT max(id) FROM scheduled_renamings");
    post("/api/v1/scheduled-renamings/{id}/withdraw", "/api/v1/scheduled-renamings/" + std::to_string(scheduled_id) + "/withdraw", json::object(), 200);
    post("/api/v1/names/{id}/rename", "/api/v1/names/3/rename",
         {{"new_name", "新民路"}, {"decision_doc", "平政地〔2026〕10号"}, {"decided_on", "2026-11-01"}, {"effective_on", "2026-11-01"}}, 200);
    get("/api/v1/names/{id}/history", "/api/v1/names/3/history");

    // Door plates: propose, issue, a building from the template, cancel.
    post("/api/v1/doorplates", "/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0075, 30.7001}}, {"dry_run", true}}, 200);
    auto plate = post("/api/v1/doorplates", "/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0075, 30.7001}}, {"applicant", "张三"}}, 201);
    post("/api/v1/doorplates", "/api/v1/doorplates", {{"place_name_id", 1}, {"point", {130.0, 30.7}}}, 400);
    post("/api/v1/doorplates", "/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0076, 30.7001}}, {"number", 12}}, 409);
    post("/api/v1/doorplates/{id}/building", "/api/v1/doorplates/" + id(plate["door_plate_id"]) + "/building",
         {{"building", "1"}, {"units", 1}, {"floors", 2}, {"rooms_per_floor", 2}}, 201);
    get("/api/v1/doorplates/{id}", "/api/v1/doorplates/" + id(plate["door_plate_id"]));
    auto doomed = post("/api/v1/doorplates", "/api/v1/doorplates", {{"place_name_id", 1}, {"point", {121.0080, 30.7001}}}, 201);
    post("/api/v1/doorplates/{id}/cancel", "/api/v1/doorplates/" + id(doomed["door_plate_id"]) + "/cancel",
         {{"reason_code", "error"}, {"cancelled_on", "2026-11-30"}}, 200);
    // Batch applications from a sheet (CSV here): checked, then written.
    const std::string sheet = "道路,经度,纬度,申请人\n人民路,121.0085,30.7001,李四\n人民路,121.0087,30.7001,王五\n";
    call("POST", "/api/v1/applications", "/api/v1/applications?check=true", 200, sheet, "text/csv");
    call("POST", "/api/v1/applications", "/api/v1/applications", 201, sheet, "text/csv");
    call("POST", "/api/v1/applications", "/api/v1/applications", 422, "道路,经度,纬度\n无名路,121.0,30.7\n", "text/csv");

    // Issuances: read, move one and a batch, print, certify.
    auto list = get("/api/v1/issuances", "/api/v1/issuances?status=applied&limit=100");
    REQUIRE(list["issuances"].size() >= 3);
    const auto first = list["issuances"][0]["id"];
    get("/api/v1/issuances/{id}", "/api/v1/issuances/" + id(first));
    post("/api/v1/issuances/{id}/transition", "/api/v1/issuances/" + id(first) + "/transition", {{"to", "approved"}, {"note", "材料齐全"}}, 200);
    post("/api/v1/issuances/{id}/transition", "/api/v1/issuances/" + id(first) + "/transition", {{"to", "installed"}}, 409);
    json rest = json::array();
    for (std::size_t i = 1; i < list["issuances"].size(); ++i) rest.push_back(list["issuances"][i]["id"]);
    post("/api/v1/issuances/transition", "/api/v1/issuances/transition", {{"ids", rest}, {"to", "approved"}}, 200);
    auto order = post("/api/v1/print-orders", "/api/v1/print-orders", {{"printer", "嘉兴标牌厂"}, {"note", "第一批"}}, 201);
    const auto order_id = id(order["id"]);
    get("/api/v1/print-orders", "/api/v1/print-orders?limit=5");
    get("/api/v1/print-orders/{id}", "/api/v1/print-orders/" + order_id);
    post("/api/v1/print-orders/{id}/certificates", "/api/v1/print-orders/" + order_id + "/certificates", {{"households", {{id(first), "张三"}}}}, 200);
    post("/api/v1/print-orders/{id}/printed", "/api/v1/print-orders/" + order_id + "/printed", json::object(), 200);
    post("/api/v1/issuances/{id}/certificate", "/api/v1/issuances/" + id(first) + "/certificate", json::object(), 200); // has one already
    post("/api/v1/issuances/{id}/certificate", "/api/v1/issuances/" + id(first) + "/certificate", json::object(), 200);
    post("/api/v1/issuances/{id}/transition", "/api/v1/issuances/" + id(first) + "/transition", {{"to", "installed"}}, 200);
    get("/api/v1/issuances/{id}", "/api/v1/issuances/" + id(first)); // with its certificate and every event
    const auto code = r.text("SELECT code FROM plate_codes LIMIT 1");
    get("/p/{code}", "/p/" + code + "?f=json");

    // Match governance.
    auto runs = get("/api/v1/match/runs", "/api/v1/match/runs");
    REQUIRE(runs["runs"].size() == 2);
    get("/api/v1/match/runs", "/api/v1/match/runs?division=330482101000");
    get("/api/v1/match/runs/{id}/changes", "/api/v1/match/runs/" + id(runs["runs"][0]["id"]) + "/changes?since=" + id(runs["runs"][1]["id"]));
    get("/api/v1/match/worklist", "/api/v1/match/worklist?town=330482101000");
    post("/api/v1/match/worklist/assign", "/api/v1/match/worklist/assign", {{"police_address_ids", {6}}, {"assignee", "王工"}, {"status", "field_check"}}, 200);
    // The field check's sheet comes back with an outcome (and once with one nobody understands).
    const auto outcomes = [&](const std::string& outcome) {
        const auto file = r.dir / ("outcomes-" + std::to_string(answered.size()) + ".xlsx");
        {
            auto ds = diming::gdal::create_vector("XLSX", file);
            diming::gdal::LayerWriter w{ds.get(), "核查清单", wkbNone, nullptr, {{"记录编号", OFTString}, {"处理结果", OFTString}, {"备注", OFTString}}};
            w.set(0, "6");
            w.set(1, outcome);
            w.set(2, "现场核查");
            w.write();
        }
        std::ifstream in{file, std::ios::binary};
        return std::string{std::istreambuf_iterator<char>{in}, {}};
    };
    const std::string xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    call("POST", "/api/v1/match/worklist/outcomes", "/api/v1/match/worklist/outcomes?check=true", 200, outcomes("已拆除"), xlsx);
    call("POST", "/api/v1/match/worklist/outcomes", "/api/v1/match/worklist/outcomes", 422, outcomes("看不懂"), xlsx);
    call("POST", "/api/v1/match/worklist/outcomes", "/api/v1/match/worklist/outcomes", 201, outcomes("已拆除"), xlsx);
    post("/api/v1/match/decisions", "/api/v1/match/decisions", {{"kind", "link"}, {"police_address_id", 6}, {"civil_address_id", 3}, {"reason", "实地核对"}}, 201);
    post("/api/v1/match/decisions", "/api/v1/match/decisions", {{"kind", "civil_missing"}, {"police_address_id", 6}}, 201);
    post("/api/v1/match/civil-decisions", "/api/v1/match/civil-decisions", {{"kind", "demolished"}, {"civil_address_id", 2}, {"reason", "已拆除"}}, 201);
    get("/api/v1/match/decisions", "/api/v1/match/decisions?police_address_id=6");
    get("/api/v1/match/worklist", "/api/v1/match/worklist?status=field_check");

    // The audit log, now that there is something in it, and signing in and out.
    get("/api/v1/audit", "/api/v1/audit?limit=50");
    get("/api/v1/audit", "/api/v1/audit?from=2000-01-01", 200);
    get("/api/v1/audit", "/api/v1/audit?from=someday", 400);
    post("/api/v1/session", "/api/v1/session", {{"token", admin}}, 201);
    post("/api/v1/session", "/api/v1/session", {{"token", "dmg_wrong"}}, 401);
    call("DELETE", "/api/v1/session", "/api/v1/session", 204);
    get("/api/v1/names/{id}", "/api/v1/names/999", 404);

    // Every operation that answers JSON is described in detail and was called above.
    for (const auto& [path, ops] : doc["paths"].items()) {
        for (const auto& [method, op] : ops.items()) {
            std::string m = method;
            for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            for (const auto& [status, response] : op["responses"].items()) {
                if (status[0] != '2' || !response.contains("content")) continue;
                const auto type = json_type_of(response["content"]);
                if (type.empty()) continue;
                INFO(m << " " << path << " " << status);
                CHECK(detailed(response["content"][type]["schema"]));
                CHECK(answered.count(m + " " + path) == 1);
            }
        }
    }
}
