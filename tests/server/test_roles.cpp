// The role matrix: every route that writes (and every read that needs a role), as the server
// lists them itself (`diming serve --routes`), against every role, no token and a revoked one.
// A route added without its row here fails the test.

#include <catch2/catch.hpp>

#include "registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <map>
#include <regex>
#include <sstream>

using namespace diming::testing;

TEST_CASE("every write route answers each role as its row says: 401 without a valid token, 403 for the wrong role") {
    ServedRegistry r;
    // Which role each route needs; admin holds every role. "anyone": signing in (the token is
    // in the body) and out (a session cookie, or nothing).
    const std::map<std::string, std::string> needs{
        {"POST /api/v1/tokens", "admin"},
        {"GET /api/v1/tokens", "admin"},
        {"GET /api/v1/audit", "admin"},
        {"DELETE /api/v1/tokens/{name}", "admin"},
        {"POST /api/v1/names/check", "committee"},
        {"POST /api/v1/names", "committee"},
        {"POST /api/v1/names/{id}/approve", "committee"},
        {"POST /api/v1/names/{id}/reject", "committee"},
        {"POST /api/v1/names/{id}/retire", "committee"},
        {"POST /api/v1/names/{id}/rename", "committee"},
        {"POST /api/v1/doorplates", "clerk"},
        {"POST /api/v1/issuances/{id}/transition", "clerk"},
        {"POST /api/v1/print-orders", "clerk"},
        {"POST /api/v1/print-orders/{id}/printed", "clerk"},
        {"POST /api/v1/print-orders/{id}/certificates", "clerk"},
        {"GET /api/v1/print-orders/{id}/certificates.pdf", "clerk"},
        {"POST /api/v1/issuances/{id}/certificate", "clerk"},
        {"GET /api/v1/issuances/{id}/certificate.pdf", "clerk"},
        {"POST /api/v1/names/{id}/rename/preview", "committee"},
        {"POST /api/v1/scheduled-renamings/{id}/withdraw", "committee"},
        {"POST /api/v1/issuances/transition", "clerk"},
        {"POST /api/v1/doorplates/{id}/building", "clerk"},
        {"POST /api/v1/doorplates/{id}/cancel", "clerk"},
        {"POST /api/v1/applications", "clerk"},
        {"POST /api/v1/match/decisions", "gis"},
        {"POST /api/v1/match/civil-decisions", "gis"},
        {"POST /api/v1/match/worklist/assign", "gis"},
        {"POST /api/v1/match/worklist/outcomes", "gis"},
        {"POST /api/v1/session", "anyone"},
        {"DELETE /api/v1/session", "anyone"},
    };
    const auto listed = run_diming({"serve", "--db", r.db.string(), "--routes"});
    REQUIRE(listed.exit_code == 0);
    std::vector<std::pair<std::string, std::string>> routes; // method, name
    std::istringstream lines{listed.out};
    for (std::string line; std::getline(lines, line);) {
        std::istringstream cols{line};
        std::string method, name;
        cols >> method >> name;
        if (method != "GET" || needs.count("GET " + name)) routes.emplace_back(method, name);
    }
    REQUIRE(routes.size() >= needs.size());
    for (const auto& [method, name] : routes) {
        INFO(method << " " << name);
        CHECK(needs.count(method + " " + name) == 1); // a new write route needs its row above
    }

    const std::vector<std::string> roles{"viewer", "clerk", "committee", "gis", "admin"};
    std::map<std::string, std::string> token;
    for (const auto& role : roles) token[role] = r.token("matrix-" + role, role);
    const auto revoked = r.token("matrix-revoked", "admin");
    REQUIRE(run_diming({"token", "revoke", "--db", r.db.string(), "--name", "matrix-revoked"}).exit_code == 0);
    r.serve({"--access-log", ""});
    auto client = r.server->client();
    auto send = [&](const std::string& method, const std::string& name, const std::string& secret) {
        std::string path = std::regex_replace(name, std::regex{R"(\{id\})"}, "1");
        path = std::regex_replace(path, std::regex{R"(\{name\})"}, "matrix-nobody");
        httplib::Headers h;
        if (!secret.empty()) h.emplace("Authorization", "Bearer " + secret);
        httplib::Result res = method == "GET"      ? client.Get(path.c_str(), h)
                              : method == "DELETE" ? client.Delete(path.c_str(), h)
                                                   : client.Post(path.c_str(), h, "{}", "application/json");
        REQUIRE(res);
        return res->status;
    };
    int checked = 0;
    for (const auto& [method, name] : routes) {
        const auto& needed = needs.at(method + " " + name);
        INFO(method << " " << name << " needs " << needed);
        if (needed == "anyone") {
            CHECK(send(method, name, "") != 401);
            CHECK(send(method, name, "") != 403);
            checked += static_cast<int>(roles.size());
            continue;
        }
        CHECK(send(method, name, "") == 401);
        CHECK(send(method, name, revoked) == 401);
        CHECK(send(method, name, "dmg_forged0000000000000000000000000000000000000") == 401);
        for (const auto& role : roles) {
            INFO("as " << role);
            const int status = send(method, name, token[role]);
            if (role == needed || role == "admin") {
                CHECK(status != 401);
                CHECK(status != 403);
            } else {
                CHECK(status == 403);
            }
            ++checked;
        }
    }
    CHECK(checked == static_cast<int>(routes.size() * roles.size()));
}
