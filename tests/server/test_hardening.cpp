// What hostile or careless clients meet: a busy port, slow senders, pipelining, Range, NUL
// in paths, methods other than GET under closed reads, text with control characters,
// numbers too large, a tile cache asked for every tile there is.

#include <catch2/catch.hpp>

#include "registry_fixture.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

using namespace diming::testing;
using nlohmann::json;

namespace {

// A raw TCP connection to the server, for what httplib's client will not send.
class RawConnection {
public:
    explicit RawConnection(int port, const char* from = "127.0.0.1") {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        inet_pton(AF_INET, from, &local.sin_addr);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    void send(const std::string& bytes) { REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())); }
    // Everything until the server closes or nothing more comes for `quiet`.
    std::string receive(std::chrono::milliseconds quiet = std::chrono::milliseconds{1500}) {
        std::string out;
        char buf[65536];
        while (true) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

private:
    int fd_ = -1;
};

int count_of(const std::string& s, const std::string& what) {
    int n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

// A value from /metrics.
std::int64_t metric(const ServedRegistry& r, const std::string& name) {
    auto m = r.get("/metrics");
    REQUIRE(m);
    std::smatch found;
    const std::regex line{"\n" + name + " ([0-9]+)\n"};
    REQUIRE(std::regex_search(m->body, found, line));
    return std::stoll(found[1]);
}

std::int64_t rss_kib(int pid) {
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
    }
    return -1;
}

httplib::Headers bearer(const std::string& token, const char* scheme = "Bearer") { return {{"Authorization", std::string{scheme} + " " + token}}; }

} // namespace

TEST_CASE("a second server on a port already in use refuses to start") {
    ServedRegistry r;
    r.serve({"--access-log", ""});
    const int pid = start_diming({"serve", "--db", r.db.string(), "--listen", "127.0.0.1:" + std::to_string(r.server->port()), "--access-log", ""});
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 200 && !exited; ++i) {
        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    if (!exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    CHECK(exited);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 3);
    const auto busy = run_diming({"serve", "--db", r.db.string(), "--listen", "127.0.0.1:" + std::to_string(r.server->port())});
    CHECK_THAT(busy.err, Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(r.server->port())));
    // The first server answers every request alone.
    for (int i = 0; i < 16; ++i) CHECK(r.get("/healthz")->status == 200);
}

TEST_CASE("closed reads check HEAD and OPTIONS like GET, and a CORS preflight learns only the methods") {
    ServedRegistry r;
    const auto viewer = r.token("viewer-1", "viewer");
    r.serve({"--access-log", "", "--closed-reads"});
    auto c = r.server->client();
    CHECK(c.Head("/api/v1/names?q=" + url_encode("人民路"))->status == 401);
    CHECK(c.Head("/ogc/collections/door_plates/items")->status == 401);
    CHECK(c.Head(("/api/v1/names?q=" + url_encode("人民路")).c_str(), bearer(viewer))->status == 200);
    auto options = c.Options("/api/v1/names");
    REQUIRE(options);
    CHECK(options->status == 401);
    CHECK(c.Options("/api/v1/names", bearer(viewer))->status == 204);
    auto preflight = c.Options("/api/v1/doorplates", {{"Origin", "http://example.org"}, {"Access-Control-Request-Method", "POST"}});
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    CHECK_THAT(preflight->get_header_value("Access-Control-Allow-Methods"), Catch::Contains("POST"));
    CHECK_THAT(preflight->get_header_value("Access-Control-Allow-Headers"), Catch::Contains("Authorization"));
    CHECK(preflight->body.empty());
    CHECK(c.Get("/livez")->status == 200); // the probes stay open
}

TEST_CASE("200 slow clients hold no worker: /livez keeps answering, and each slow request ends in 408") {
    ServedRegistry r;
    r.serve({"--access-log", "", "--threads", "4", "--timeout", "2"});
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 200; ++i) {
        slow.push_back(std::make_unique<RawConnection>(r.server->port()));
        slow.back()->send("GET /api/v1/towns HTTP/1.1\r\n");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    for (auto& s : slow) s->send("X-Slow: 1\r\n"); // one more header line each, as a slow sender would
    auto c = r.server->client();
    c.set_read_timeout(3, 0);
    int answered = 0;
    for (int i = 0; i < 20; ++i) {
        auto live = c.Get("/livez");
        answered += live && live->status == 200;
    }
    CHECK(answered == 20);
    CHECK(metric(r, "diming_connections_waiting") >= 200);
    // Past the whole-request deadline every slow request is answered 408 and closed.
    int timed_out = 0;
    for (auto& s : slow) timed_out += s->receive(std::chrono::milliseconds{4000}).rfind("HTTP/1.1 408", 0) == 0;
    CHECK(timed_out == 200);
    CHECK(metric(r, "diming_requests_timed_out_total") >= 200);
    CHECK(r.get("/healthz")->status == 200);
}

TEST_CASE("connections from one address beyond --max-connections-per-client are refused with 503") {
    ServedRegistry r;
    r.serve({"--access-log", "", "--max-connections-per-client", "20"});
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 20; ++i) held.push_back(std::make_unique<RawConnection>(r.server->port(), "127.0.0.2"));
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    RawConnection extra{r.server->port(), "127.0.0.2"};
    CHECK(extra.receive().rfind("HTTP/1.1 503", 0) == 0);
    // Another address is not affected; a closed connection frees its place.
    CHECK(r.get("/livez")->status == 200);
    held.pop_back();
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    RawConnection again{r.server->port(), "127.0.0.2"};
    again.send("GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(again.receive().rfind("HTTP/1.1 200", 0) == 0);
    CHECK(metric(r, "diming_connections_refused_total") == 1);
}

TEST_CASE("pipelined requests are all answered, in order") {
    ServedRegistry r;
    r.serve({"--access-log", ""});
    RawConnection c{r.server->port()};
    c.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /api/v1/names/1 HTTP/1.1\r\nHost: x\r\n\r\n"
           "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
           "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto answers = c.receive();
    CHECK(count_of(answers, "HTTP/1.1 ") == 4);
    const auto livez = answers.find("ok\n"), name = answers.find("人民路"), unauthorized = answers.find("HTTP/1.1 401"),
               health = answers.find("\"schema_version\"");
    REQUIRE(livez != std::string::npos);
    REQUIRE(name != std::string::npos);
    REQUIRE(unauthorized != std::string::npos);
    REQUIRE(health != std::string::npos);
    CHECK(livez < name);
    CHECK(name < unauthorized);
    CHECK(unauthorized < health);
}

TEST_CASE("Range is ignored on dynamic answers, a NUL in a path is refused") {
    ServedRegistry r;
    r.serve({"--access-log", ""});
    auto c = r.server->client();
    auto live = c.Get("/livez", {{"Range", "bytes=0-0"}});
    REQUIRE(live);
    CHECK(live->status == 200);
    CHECK(live->body == "ok\n");
    auto whole = c.Get("/api/v1/names/1");
    auto ranged = c.Get("/api/v1/names/1", {{"Range", "bytes=5-9"}});
    CHECK(ranged->status == 200);
    CHECK(ranged->body == whole->body);
    auto tile = c.Get("/tiles/15/27430/13430.mvt", {{"Range", "bytes=0-3"}});
    REQUIRE(tile);
    CHECK(tile->status == 200);
    CHECK(tile->body == c.Get("/tiles/15/27430/13430.mvt")->body);
    CHECK(c.Get("/index.html%00.svg")->status == 400);
    CHECK(c.Get("/api/v1/names%00/1")->status == 400);
}

TEST_CASE("tokens: names from a safe set, a blank name is 400, the scheme is case-insensitive, revocation over HTTP works") {
    ServedRegistry r;
    const auto admin = r.token("chief", "admin");
    r.serve({"--access-log", ""});
    auto c = r.server->client();
    auto create = [&](const std::string& name, const char* scheme = "Bearer") {
        return c.Post("/api/v1/tokens", bearer(admin, scheme), json{{"name", name}, {"role", "viewer"}}.dump(), "application/json");
    };
    for (const std::string& bad : std::vector<std::string>{"ops/backup", " ", "", "a b", "名字\x1b", "x\u202Ey", std::string(65, 'a')}) {
        INFO(bad);
        auto res = create(bad);
        REQUIRE(res);
        CHECK(res->status == 400);
        CHECK(json::parse(res->body)["field"] == "name");
    }
    CHECK(create("ops.backup", "bearer")->status == 201);
    CHECK(create("巡检-2", "BEARER")->status == 201);
    CHECK(c.Delete("/api/v1/tokens/ops.backup", bearer(admin, "bEaReR"))->status == 204);
    CHECK(r.count("SELECT count(*) FROM api_tokens WHERE name = 'ops.backup' AND revoked_at IS NOT NULL") == 1);
    CHECK(run_diming({"token", "create", "--db", r.db.string(), "--name", "ops/backup", "--role", "viewer"}).exit_code == 3);
}

TEST_CASE("numbers too large, radii out of range and control characters get a 400 that says so") {
    ServedRegistry r;
    const auto clerk = r.token("clerk-1", "clerk");
    const auto committee = r.token("committee-1", "committee");
    r.serve({"--access-log", ""});
    auto c = r.server->client();
    auto post = [&](const std::string& path, const std::string& body, const std::string& token) {
        auto res = c.Post(path.c_str(), bearer(token), body, "application/json");
        REQUIRE(res);
        return std::make_pair(res->status, json::parse(res->body));
    };
    auto [status, body] = post("/api/v1/doorplates", R"({"place_name_id": 18446744073709551615, "point": [121.004, 30.7001]})", clerk);
    CHECK(status == 400);
    CHECK(body["field"] == "place_name_id");
    CHECK_THAT(body["message"].get<std::string>(), Catch::Contains("too large") && !Catch::Contains("-1"));
    for (const auto& radius : {"0", "-1", "9999"}) {
        auto res = c.Get(("/api/v1/addresses/reverse?lon=121.004&lat=30.7&radius=" + std::string{radius}).c_str());
        REQUIRE(res);
        CHECK(res->status == 400);
        CHECK_THAT(res->body, !Catch::Contains("0.000000") && Catch::Contains("5000"));
    }
    // Control and bidi characters in a designation, a name, an applicant: refused, naming the field.
    const auto plates_before = r.count("SELECT count(*) FROM door_plates");
    for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
             {"building", "1\x1b[31m"}, {"building", "=\r1"}, {"building", "3\u202E"}, {"unit", "2\u2066"}, {"room", "101\x7f"}}) {
        INFO(field << " " << value);
        json b{{"parent_id", 4}, {"plate_type", field == "building" ? "building" : "room"}, {"building", "9"}, {"room", "901"}};
        b[field] = value;
        auto [st, res] = post("/api/v1/doorplates", b.dump(), clerk);
        CHECK(st == 400);
        CHECK(res["field"] == field);
    }
    auto [applicant, applicant_body] = post("/api/v1/doorplates", json{{"place_name_id", 1}, {"point", {121.004, 30.7001}}, {"applicant", "张三\n李四"}}.dump(), clerk);
    CHECK(applicant == 400);
    CHECK(applicant_body["field"] == "applicant");
    CHECK(r.count("SELECT count(*) FROM door_plates") == plates_before);
    auto [named, named_body] = post("/api/v1/names", json{{"name", "新\u202E路"}, {"category_code", "D-ROAD"}, {"division_code", "330482001000"}}.dump(), committee);
    CHECK(named == 400);
    CHECK(named_body["field"] == "name");
    // The command line refuses them too (the same library call).
    const auto cli = run_diming({"plates", "issue", "--db", r.db.string(), "--parent", "4", "--type", "building", "--building", "7\x1b[2J"});
    CHECK(cli.exit_code == 3);
    CHECK_THAT(cli.err, Catch::Contains("building") && Catch::Contains("U+001B"));
    CHECK(r.count("SELECT count(*) FROM door_plates") == plates_before);
    // Free text keeps its line breaks.
    auto [reasoned, reasoned_body] = post("/api/v1/names/check", json{{"name", "和平路"}}.dump(), committee);
    CHECK(reasoned == 200);
}

TEST_CASE("110,000 distinct empty tiles keep the tile cache and the process within the cache's bound") {
    ServedRegistry r;
    r.serve({"--access-log", "", "--tile-cache-mb", "4"});
    auto c = r.server->client();
    // z20 tiles far from the registry: every one empty, every one new to the cache. The first
    // 10,000 fill the cache and warm every worker (its connection, its allocator arena).
    auto request = [&](std::uint32_t i) {
        auto t = c.Get(("/tiles/20/" + std::to_string(i % 1000) + "/" + std::to_string(i / 1000) + ".mvt").c_str());
        REQUIRE(t);
        REQUIRE(t->status == 200);
    };
    for (std::uint32_t i = 0; i < 10'000; ++i) request(i);
    const auto rss_before = rss_kib(r.server->pid());
    REQUIRE(rss_before > 0);
    for (std::uint32_t i = 10'000; i < 110'000; ++i) request(i);
    const auto bytes = metric(r, "diming_tile_cache_bytes"), entries = metric(r, "diming_tile_cache_entries");
    CHECK(bytes <= 4 << 20);
    CHECK(entries <= 4096);
    CHECK(entries > 1000); // the cache still caches
    const auto grown_mib = (rss_kib(r.server->pid()) - rss_before) / 1024;
    INFO("RSS grew by " << grown_mib << " MiB");
    CHECK(grown_mib < 16); // the cache was full before: what grows is the allocator's own
}

TEST_CASE("the print order's CSV opens in Chinese Excel and runs no formula: a BOM, and cells starting =+-@ prefixed with '") {
    ServedRegistry r;
    const auto clerk = r.token("clerk-1", "clerk");
    r.serve({"--access-log", ""});
    auto c = r.server->client();
    auto post = [&](const std::string& path, const json& body) {
        auto res = c.Post(path.c_str(), bearer(clerk), body.dump(), "application/json");
        REQUIRE(res);
        INFO(res->body);
        REQUIRE(res->status / 100 == 2);
        return json::parse(res->body);
    };
    std::vector<std::string> designations{"=1+1", "+2", "-3", "@SUM(A1)", "4"};
    for (const auto& d : designations) {
        const auto plate = post("/api/v1/doorplates", {{"parent_id", 4}, {"plate_type", "building"}, {"building", d}});
        post("/api/v1/issuances/" + plate["issuance_id"].dump() + "/transition", {{"to", "approved"}});
    }
    const auto order = post("/api/v1/print-orders", {{"printer", "嘉兴标牌厂"}});
    auto csv = c.Get(("/api/v1/print-orders/" + order["id"].dump() + ".csv").c_str());
    REQUIRE(csv);
    REQUIRE(csv->status == 200);
    CHECK(csv->body.rfind("\xEF\xBB\xBF", 0) == 0);
    for (const auto& d : designations) {
        INFO(d);
        if (d == "4") {
            CHECK_THAT(csv->body, Catch::Contains("12号4幢") && !Catch::Contains("'4"));
        } else {
            CHECK_THAT(csv->body, !Catch::Contains("," + d) && !Catch::Contains("\n" + d));
        }
    }
    // What a spreadsheet reads as a cell that starts with = is now text: the building column.
    CHECK_THAT(csv->body, Catch::Contains(",'=1+1,") || Catch::Contains(",\"'=1+1\","));
}
