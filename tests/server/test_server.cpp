// Tokens and roles, hostile requests, metrics, the access log and shutdown, against a real server.

#include <catch2/catch.hpp>

#include "registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>
#include <thread>

using namespace diming::testing;
using nlohmann::json;

namespace {

struct Served : ServedRegistry {
    std::filesystem::path log = dir / "access.log";
    explicit Served(std::vector<std::string> extra = {}) {
        extra.push_back("--access-log");
        extra.push_back(log.string());
        serve(extra);
    }
    static httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
    httplib::Result post(const std::string& path, const std::string& body, const httplib::Headers& headers = {},
                         const char* type = "application/json") const {
        auto c = server->client();
        return c.Post(path.c_str(), headers, body, type);
    }
    bool healthy() const {
        auto r = get("/healthz");
        return r && r->status == 200;
    }
};

json body_of(const httplib::Result& r) { return json::parse(r->body); }

} // namespace

TEST_CASE("write endpoints: 401 without a token, 403 with the wrong role, audited with the right one") {
    Served s;
    const std::string admin = s.token("chief", "admin");
    const std::string clerk = s.token("clerk-1", "clerk");

    auto r = s.post("/api/v1/tokens", R"({"name":"gis-1","role":"gis"})");
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->get_header_value("WWW-Authenticate").find("Bearer") == 0);
    CHECK(body_of(r)["error"] == "unauthorized");

    r = s.post("/api/v1/tokens", R"({"name":"gis-1","role":"gis"})", Served::bearer("dmg_not-a-real-token-at-all"));
    CHECK(r->status == 401);

    r = s.post("/api/v1/tokens", R"({"name":"gis-1","role":"gis"})", Served::bearer(clerk));
    CHECK(r->status == 403);
    CHECK(body_of(r)["error"] == "forbidden");
    CHECK(s.count("SELECT count(*) FROM api_tokens WHERE name = 'gis-1'") == 0);

    r = s.post("/api/v1/tokens", R"({"name":"gis-1","role":"gis"})", Served::bearer(admin));
    REQUIRE(r->status == 201);
    const std::string gis = body_of(r)["token"];
    CHECK(gis.rfind("dmg_", 0) == 0);
    CHECK(s.count("SELECT count(*) FROM audit_log WHERE action = 'api_token.create' AND actor = 'chief' AND after LIKE '%gis-1%'") == 1);
    // Only the hash is stored.
    CHECK(s.count("SELECT count(*) FROM api_tokens WHERE token_hash = '" + gis + "'") == 0);

    // The new token works (and is not an admin).
    r = s.get("/api/v1/tokens", Served::bearer(gis));
    CHECK(r->status == 403);
    r = s.get("/api/v1/tokens", Served::bearer(admin));
    CHECK(r->status == 200);
    CHECK(body_of(r)["tokens"].size() == 3);

    // A name taken is a conflict; revoking stops the token at once.
    CHECK(s.post("/api/v1/tokens", R"({"name":"gis-1","role":"gis"})", Served::bearer(admin))->status == 409);
    auto c = s.server->client();
    CHECK(c.Delete("/api/v1/tokens/gis-1", Served::bearer(admin))->status == 204);
    CHECK(c.Delete("/api/v1/tokens/gis-1", Served::bearer(admin))->status == 404);
    CHECK(s.get("/api/v1/tokens", Served::bearer(gis))->status == 401);
    CHECK(s.count("SELECT count(*) FROM audit_log WHERE action = 'api_token.revoke' AND actor = 'chief'") == 1);
}

TEST_CASE("reads can be closed to holders of a token") {
    Served s{{"--closed-reads"}};
    const std::string viewer = s.token("reader", "viewer");
    CHECK(s.get("/api/v1/names?q=rml")->status == 401);
    CHECK(s.get("/ogc/collections")->status == 401);
    CHECK(s.get("/api/v1/names?q=rml", Served::bearer(viewer))->status == 200);
}

TEST_CASE("hostile requests get a 4xx and the server keeps serving") {
    Served s{{"--max-body", "4096"}};
    const std::string admin = s.token("chief", "admin");
    const auto auth = Served::bearer(admin);

    auto r = s.post("/api/v1/tokens", R"({"name": "x", "role": )", auth);
    CHECK(r->status == 400);
    CHECK(body_of(r)["message"].get<std::string>().find("JSON") != std::string::npos);
    CHECK(s.post("/api/v1/tokens", R"(["name","role"])", auth)->status == 400);
    CHECK(s.post("/api/v1/tokens", R"({"name":"x","role":"emperor"})", auth)->status == 400);
    CHECK(s.post("/api/v1/tokens", R"({"name":"x","role":"gis","extra":1})", auth)->status == 400);
    CHECK(s.post("/api/v1/tokens", "name=x&role=gis", auth, "application/x-www-form-urlencoded")->status == 415);
    CHECK(s.post("/api/v1/tokens", "{\"name\":\"\xff\xfe\",\"role\":\"gis\"}", auth)->status == 400);
    r = s.post("/api/v1/tokens", std::string(100'000, ' '), auth);
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(s.healthy());

    // SQL meta-characters are only text.
    r = s.get("/api/v1/names?q=" + url_encode("'; DROP TABLE place_names; --"));
    CHECK(r->status == 200);
    CHECK(body_of(r)["hits"].empty());
    r = s.get("/api/v1/names?q=" + url_encode("人民%' OR 1=1 --"));
    CHECK(r->status == 200);
    CHECK(body_of(r)["hits"].empty());
    r = s.get("/api/v1/names?q=" + url_encode("\"人民\" OR 路*"));
    CHECK(r->status == 200);
    CHECK(s.count("SELECT count(*) FROM place_names") == 5);

    r = s.get("/api/v1/names?q=%FF%FE%41");
    CHECK(r->status == 400);
    CHECK(body_of(r)["field"] == "q");
    CHECK(s.get("/api/v1/names?q=a&limit=-1")->status == 400);
    CHECK(s.get("/api/v1/names?q=a&limit=abc")->status == 400);
    CHECK(s.get("/api/v1/names?q=a&offset=99999999999999999999")->status == 400);
    CHECK(body_of(s.get("/api/v1/names?near=abc"))["field"] == "near");
    CHECK(body_of(s.get("/api/v1/names?near=200,30"))["field"] == "near");
    CHECK(body_of(s.get("/api/v1/names?town=" + url_encode("火星镇")))["field"] == "town");
    CHECK(body_of(s.get("/api/v1/names?q=" + url_encode(std::string(300, 'a'))))["field"] == "q");
    CHECK(body_of(s.get("/api/v1/names?%FF=1"))["error"] == "bad_request");
    CHECK(s.get("/ogc/collections/%FF%FE")->status == 404);
    CHECK(s.get("/api/v1/names/99999999999999999999999")->status == 404);
    r = s.get("/no/such/thing");
    CHECK(r->status == 404);
    CHECK(body_of(r)["error"] == "not_found");
    r = s.get("/api/v1/names?q=" + std::string(10'000, 'a'));
    REQUIRE(r);
    CHECK(r->status >= 400);
    CHECK(r->status < 500);
    // Responses never carry SQL or internals.
    CHECK(r->body.find("SELECT") == std::string::npos);
    CHECK(s.healthy());
}

TEST_CASE("metrics count requests by route and status, the access log has a JSON line per request") {
    Served s{{"--concurrent-reads", "3"}};
    REQUIRE(s.get("/api/v1/names?q=rml")->status == 200);
    REQUIRE(s.get("/api/v1/names?q=rml")->status == 200);
    REQUIRE(s.get("/api/v1/names/999")->status == 404);
    // A request is counted when its response has been written (httplib's logger), so the
    // last one may land a moment after the client has its answer.
    auto r = s.get("/metrics");
    for (int i = 0; i < 50 && r->body.find(R"(route="/api/v1/names/{id}",method="GET",status="404"} 1)") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        r = s.get("/metrics");
    }
    REQUIRE(r->status == 200);
    CHECK(r->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
    const std::string& m = r->body;
    CHECK(m.find(R"(diming_http_requests_total{route="/api/v1/names",method="GET",status="200"} 2)") != std::string::npos);
    CHECK(m.find(R"(diming_http_requests_total{route="/api/v1/names/{id}",method="GET",status="404"} 1)") != std::string::npos);
    CHECK(m.find(R"(diming_http_request_duration_seconds_bucket{route="/api/v1/names",le="+Inf"} 2)") != std::string::npos);
    CHECK(m.find(R"(diming_http_request_duration_seconds_count{route="/api/v1/names"} 2)") != std::string::npos);
    CHECK(m.find(R"(diming_http_errors_total{route="/api/v1/names/{id}",class="4xx"} 1)") != std::string::npos);
    // The admission of reads: the configured slots, none busy once the answers are in.
    CHECK(m.find("\ndiming_reads_slots 3\n") != std::string::npos);
    CHECK(m.find("\ndiming_reads_running 0\n") != std::string::npos);
    CHECK(m.find("\ndiming_reads_waiting 0\n") != std::string::npos);

    CHECK(s.server->stop() == 0); // SIGTERM: a clean exit
    std::istringstream lines{read_file(s.log)};
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        const auto j = json::parse(line);
        CHECK(j.contains("route"));
        CHECK(j.contains("status"));
        CHECK(j.contains("ms"));
        ++n;
    }
    CHECK(n >= 4); // the requests above and the /metrics reads
}
