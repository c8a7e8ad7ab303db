// Match governance over HTTP (role gis): decisions on a police record and its link, and a
// record's decision history. Every later match run applies them (match/governance.hpp).

#include "match/governance.hpp"
#include "server/request_body.hpp"

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

void decisions(Call& c) {
    c.allow_params({"police_address_id"});
    const auto id = c.param("police_address_id");
    if (!id) throw http_error{400, "bad_request", "police_address_id is required", "police_address_id"};
    c.send_json(200, match::decisions_of(c.worker.db, lookup::parse_integer(*id, "police_address_id", 1, std::numeric_limits<std::int64_t>::max())));
}

} // namespace

void add_governance_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "POST", "/api/v1/match/decisions", "/api/v1/match/decisions", decide);
    route(http, state, "GET", "/api/v1/match/decisions", "/api/v1/match/decisions", decisions);
}

} // namespace diming::server
