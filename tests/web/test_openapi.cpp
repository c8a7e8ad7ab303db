// GET /api: the whole HTTP surface as OpenAPI 3, validated by a real validator
// (@apidevtools/swagger-parser, tests/web/openapi.mjs); every route the server registers is
// in it, and every path in it answers from its own handler (not the 404 of an unknown path).

#include <catch2/catch.hpp>

#include "server/registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <regex>
#include <set>
#include <sstream>

using namespace diming::testing;
using nlohmann::json;

namespace {

// Whether `value` is what `schema` (the subset /api uses: type, nullable, properties, items)
// says; every field of an object must be one the schema lists. `where` names the first
// mismatch.
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
    if (value.is_object() && schema.contains("properties")) {
        for (const auto& [k, v] : value.items()) {
            if (!schema["properties"].contains(k)) {
                where = path + "." + k + ": not in the schema";
                return false;
            }
            if (!conforms(v, schema["properties"][k], path + "." + k, where)) return false;
        }
    }
    if (value.is_array() && schema.contains("items")) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (!conforms(value[i], schema["items"], path + "[" + std::to_string(i) + "]", where)) return false;
        }
    }
    return true;
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
