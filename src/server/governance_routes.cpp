// Match governance over HTTP (role gis): decisions on a police record and its link, and a
// record's decision history. Every later match run applies them (match/governance.hpp).

#include "match/governance.hpp"
#include "match/run_history.hpp"
#include "match/work_list.hpp"
#include "server/request_body.hpp"
#include "server/scratch_folder.hpp"

namespace diming::server {

namespace {

void decide(Call& c) {
    const auto& who = c.require(access::Role::gis);
    Body b{c, {"kind", "police_address_id", "civil_address_id", "corrected_address", "reason", "run_id"}};
    match::DecisionRequest r;
    r.kind = b.text("kind", true, 20);
    r.police_address_id = b.integer("police_address_id");
    if (b.has("civil_address_id")) r.civil_address_id = b.integer("civil_address_id");
    r.corrected_address = b.text("corrected_address", false, 200);
    r.reason = b.prose("reason", 2000);
    if (b.has("run_id")) r.run_id = b.integer("run_id");
    const auto out = write(c, [&](store::Database& db) { return match::decide(db, r, who.name); });
    json j{{"id", out.id}, {"kind", r.kind}, {"police_address_id", r.police_address_id}};
    if (out.issuance_id) j["issuance_id"] = *out.issuance_id;
    if (out.door_plate_id) j["door_plate_id"] = *out.door_plate_id;
    c.send_json(201, j);
}

void decide_civil(Call& c) {
    const auto& who = c.require(access::Role::gis);
    Body b{c, {"kind", "civil_address_id", "reason"}};
    const auto kind = b.text("kind", true, 20);
    const auto civil = b.integer("civil_address_id");
    const auto reason = b.prose("reason", 2000);
    const auto id = write(c, [&](store::Database& db) { return match::decide_civil(db, kind, civil, reason, who.name); });
    c.send_json(201, json{{"id", id}, {"kind", kind}, {"civil_address_id", civil}});
}

void decisions(Call& c) {
    c.allow_params({"police_address_id"});
    const auto id = c.param("police_address_id");
    if (!id) throw http_error{400, "bad_request", "police_address_id is required", "police_address_id"};
    c.send_json(200, match::decisions_of(c.worker.db, lookup::parse_integer(*id, "police_address_id", 1, std::numeric_limits<std::int64_t>::max())));
}

match::WorkListQuery work_list_query(const Call& c) {
    match::WorkListQuery q;
    if (auto v = c.param("run")) q.run = lookup::parse_integer(*v, "run", 1, std::numeric_limits<std::int64_t>::max());
    q.town = c.param("town");
    q.community = c.param("community");
    q.status = c.param("status");
    if (auto v = c.param("assignee")) q.assignee = lookup::parse_text(*v, "assignee", 64);
    if (auto v = c.param("limit")) q.limit = static_cast<int>(lookup::parse_integer(*v, "limit", 1, 5000));
    if (auto v = c.param("offset")) q.offset = static_cast<int>(lookup::parse_integer(*v, "offset", 0, 1'000'000));
    return q;
}

void work_list(Call& c) {
    c.allow_params({"run", "town", "community", "status", "assignee", "limit", "offset"});
    c.send_json(200, match::work_list(c.worker.db, work_list_query(c)));
}

void work_list_sheet(Call& c) {
    c.allow_params({"run", "town", "community", "status", "assignee"});
    ScratchFolder dir;
    const auto file = dir / "work-list.xlsx";
    match::export_work_list(c.worker.db, work_list_query(c), file);
    c.res.set_header("Content-Disposition", "attachment; filename=\"work-list.xlsx\"");
    c.send_json(200, read_whole(file), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

void assign(Call& c) {
    const auto& who = c.require(access::Role::gis);
    Body b{c, {"police_address_ids", "assignee", "status", "note"}};
    match::Assignment a;
    a.police_address_ids = b.integers("police_address_ids");
    if (b.has("assignee")) a.assignee = b.text("assignee", true, 64);
    if (b.has("status")) a.status = b.text("status", true, 20);
    a.note = b.prose("note", 500);
    const auto n = write(c, [&](store::Database& db) { return match::assign(db, a, who.name); });
    c.send_json(200, json{{"updated", n}});
}

// A field-check sheet back: each outcome a decision, all or none (422 with every row's problem).
void outcomes(Call& c) {
    const auto& who = c.require(access::Role::gis);
    c.allow_params({"check"});
    const auto check = c.param("check").value_or("false");
    if (check != "true" && check != "false") throw http_error{400, "bad_request", "check is true or false", "check"};
    if (c.req.get_header_value("Content-Type").rfind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0) != 0) {
        throw http_error{415, "unsupported_media_type", "send the sheet as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    }
    ScratchFolder dir;
    const auto file = dir / "outcomes.xlsx";
    write_whole(file, c.req.body);
    match::OutcomeBatch batch;
    try {
        batch = write(c, [&](store::Database& db) { return match::import_outcomes(db, file, check == "true", who.name); });
    } catch (const refusal&) {
        throw;
    } catch (const input_error& e) {
        throw http_error{400, "bad_request", e.what(), "file"};
    }
    c.send_json(batch.written ? 201 : (check == "true" ? 200 : 422), match::to_json(batch));
}

void runs(Call& c) {
    c.allow_params({"division", "limit"});
    auto division = c.param("division");
    if (division && (division->size() != 12 || division->find_first_not_of("0123456789") != std::string::npos)) {
        throw http_error{400, "bad_request", "division is a 12-digit town or community code", "division"};
    }
    const int limit = c.param("limit") ? static_cast<int>(lookup::parse_integer(*c.param("limit"), "limit", 1, 1000)) : 50;
    c.send_json(200, match::run_list(c.worker.db, limit, division));
}

void run_changes(Call& c) {
    c.allow_params({"since", "limit"});
    const auto run = c.path_id(1, "match run");
    const auto since = c.param("since");
    if (!since) throw http_error{400, "bad_request", "since is required (an earlier run)", "since"};
    const int limit = c.param("limit") ? static_cast<int>(lookup::parse_integer(*c.param("limit"), "limit", 0, 5000)) : 100;
    c.send_json(200, match::changes_since(c.worker.db, run, lookup::parse_integer(*since, "since", 1, std::numeric_limits<std::int64_t>::max()), limit));
}

} // namespace

void add_governance_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "GET", "/api/v1/match/runs", "/api/v1/match/runs", runs);
    route(http, state, "POST", "/api/v1/match/civil-decisions", "/api/v1/match/civil-decisions", decide_civil);
    route(http, state, "GET", R"(/api/v1/match/runs/([^/]+)/changes)", "/api/v1/match/runs/{id}/changes", run_changes);
    route(http, state, "GET", "/api/v1/match/worklist", "/api/v1/match/worklist", work_list);
    route(http, state, "GET", "/api/v1/match/worklist.xlsx", "/api/v1/match/worklist.xlsx", work_list_sheet);
    route(http, state, "POST", "/api/v1/match/worklist/assign", "/api/v1/match/worklist/assign", assign);
    route(http, state, "POST", "/api/v1/match/worklist/outcomes", "/api/v1/match/worklist/outcomes", outcomes);
    route(http, state, "POST", "/api/v1/match/decisions", "/api/v1/match/decisions", decide);
    route(http, state, "GET", "/api/v1/match/decisions", "/api/v1/match/decisions", decisions);
}

} // namespace diming::server
