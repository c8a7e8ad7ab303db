// /api/v1: name lookup, address lookup (geocoding and reverse), API tokens.

#include "lookup/address_lookup.hpp"
#include "lookup/name_record.hpp"
#include "lookup/name_search.hpp"
#include "server/call.hpp"
#include "store/audit_log.hpp"

namespace diming::server {

namespace {

int int_param(const Call& c, const char* name, int fallback, int min, int max) {
    const auto v = c.param(name);
    if (!v) return fallback;
    return static_cast<int>(lookup::parse_integer(*v, name, min, max));
}

void names_search(Call& c) {
    c.allow_params({"q", "category", "town", "status", "near", "bbox", "limit", "offset"});
    lookup::NameQuery q;
    q.q = c.param("q").value_or("");
    q.category = c.param("category");
    q.town = c.param("town");
    q.status = c.param("status");
    if (auto near = c.param("near")) q.near = lookup::parse_lon_lat(*near, "near");
    if (auto bbox = c.param("bbox")) q.bbox = lookup::parse_bbox(*bbox, "bbox");
    q.limit = int_param(c, "limit", 20, 1, lookup::max_name_limit);
    q.offset = int_param(c, "offset", 0, 0, lookup::max_name_offset);
    const auto gazetteer = c.state.gazetteer();
    const auto result = [&] {
        const Admission::Slot slot{*c.state.reads};
        return lookup::search_names(c.worker.db, q, gazetteer.get());
    }();
    auto body = lookup::to_json(result);
    body["limit"] = q.limit;
    body["offset"] = q.offset;
    c.send_json(200, body);
}

void name_by_id(Call& c) {
    c.allow_params({});
    const auto id = c.path_id(1, "place name");
    auto record = lookup::name_record(c.worker.db, id);
    if (!record) throw http_error{404, "not_found", "no place name with id " + std::to_string(id)};
    c.send_json(200, *record);
}

void name_history(Call& c) {
    c.allow_params({});
    const auto id = c.path_id(1, "place name");
    auto record = lookup::name_record(c.worker.db, id);
    if (!record) throw http_error{404, "not_found", "no place name with id " + std::to_string(id)};
    c.send_json(200, nlohmann::json{{"id", id}, {"name", (*record)["name"]}, {"renamings", (*record)["renamings"]}});
}

void addresses(Call& c) {
    c.allow_params({"q", "limit"});
    const auto q = c.param("q");
    if (!q) throw http_error{400, "bad_request", "give the address to look up as q", "q"};
    const int limit = int_param(c, "limit", 5, 1, lookup::max_geocode_limit);
    const auto gazetteer = c.state.gazetteer();
    const auto found = [&] {
        const Admission::Slot slot{*c.state.reads};
        return lookup::geocode(c.worker.db, *gazetteer, *q, limit);
    }();
    c.send_json(200, lookup::to_json(found));
}

void addresses_reverse(Call& c) {
    c.allow_params({"lon", "lat", "radius", "limit"});
    const auto lon = c.param("lon");
    const auto lat = c.param("lat");
    if (!lon) throw http_error{400, "bad_request", "give lon and lat", "lon"};
    if (!lat) throw http_error{400, "bad_request", "give lon and lat", "lat"};
    const lookup::LonLat p{lookup::parse_number(*lon, "lon", -180, 180), lookup::parse_number(*lat, "lat", -90, 90)};
    const double radius = c.param("radius") ? lookup::parse_number(*c.param("radius"), "radius", 0, lookup::max_reverse_radius_m) : 100.0;
    const int limit = int_param(c, "limit", 5, 1, lookup::max_geocode_limit);
    const auto found = [&] {
        const Admission::Slot slot{*c.state.reads};
        return lookup::reverse_geocode(c.worker.db, p, radius, limit);
    }();
    c.send_json(200, lookup::to_json(found));
}

void tokens_list(Call& c) {
    c.allow_params({});
    c.require(access::Role::admin);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : access::list_tokens(c.worker.db)) {
        list.push_back({{"name", t.name},
                        {"role", access::to_string(t.role)},
                        {"created_at", t.created_at},
                        {"revoked_at", t.revoked_at ? nlohmann::json(*t.revoked_at) : nlohmann::json(nullptr)}});
    }
    c.send_json(200, nlohmann::json{{"tokens", std::move(list)}});
}

// The audit log (admin): who changed what and when, newest first, by keyset pages.
void audit_log(Call& c) {
    c.require(access::Role::admin);
    c.allow_params({"actor", "action", "table", "record", "from", "to", "before", "limit"});
    store::AuditQuery q;
    if (auto v = c.param("actor")) q.actor = lookup::parse_text(*v, "actor", 100);
    if (auto v = c.param("action")) q.action = lookup::parse_text(*v, "action", 60);
    if (auto v = c.param("table")) q.entity = lookup::parse_text(*v, "table", 60);
    if (auto v = c.param("record")) q.entity_id = lookup::parse_text(*v, "record", 100);
    for (const auto& [name, field] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
        if (auto v = c.param(name)) {
            const bool date = v->size() >= 10 && (*v)[4] == '-' && (*v)[7] == '-' && v->substr(0, 10).find_first_not_of("0123456789-") == std::string::npos;
            if (!date || v->size() > 24) throw http_error{400, "bad_request", std::string{name} + " is a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ)", name};
            *field = lookup::parse_text(*v, name, 24);
        }
    }
    if (auto v = c.param("before")) q.before = lookup::parse_integer(*v, "before", 1, std::numeric_limits<std::int64_t>::max());
    q.limit = int_param(c, "limit", 100, 1, 1000);
    const auto page = store::read_changes(c.worker.db, q);
    nlohmann::json records = nlohmann::json::array();
    auto parsed = [](const std::optional<std::string>& j) { return j ? nlohmann::json::parse(*j, nullptr, false) : nlohmann::json(nullptr); };
    for (const auto& r : page.records) {
        records.push_back({{"id", r.id}, {"at", r.at}, {"actor", r.actor}, {"action", r.action}, {"table", r.entity},
                           {"record", r.entity_id ? nlohmann::json(*r.entity_id) : nlohmann::json(nullptr)},
                           {"before", parsed(r.before_json)}, {"after", parsed(r.after_json)}});
    }
    nlohmann::json out{{"records", std::move(records)}};
    out["next_before"] = page.next_before ? nlohmann::json(*page.next_before) : nlohmann::json(nullptr);
    c.send_json(200, out);
}

void tokens_create(Call& c) {
    const auto& who = c.require(access::Role::admin);
    // The body first: httplib reads a form-encoded body into the query parameters.
    const auto body = c.json_body();
    c.allow_params({});
    for (const auto& [key, value] : body.items()) {
        if (key != "name" && key != "role") throw http_error{400, "bad_request", "unknown field '" + key + "' (name, role)", key};
    }
    if (!body.contains("name") || !body["name"].is_string()) throw http_error{400, "bad_request", "name must be a string", "name"};
    if (!body.contains("role") || !body["role"].is_string()) throw http_error{400, "bad_request", "role must be a string", "role"};
    const std::string name = lookup::parse_text(body["name"].get<std::string>(), "name", 100);
    access::Role role;
    try {
        role = access::parse_role(body["role"].get<std::string>());
    } catch (const access::access_error& e) {
        throw http_error{400, "bad_request", e.what(), "role"};
    }
    std::lock_guard lock{c.state.writer_mutex};
    const std::string secret = access::create_token(*c.state.writer, name, role, who.name);
    c.send_json(201, nlohmann::json{{"name", name}, {"role", access::to_string(role)}, {"token", secret},
                                    {"note", "shown once: the registry keeps only its hash"}});
}

void tokens_revoke(Call& c) {
    c.allow_params({});
    const auto& who = c.require(access::Role::admin);
    const std::string name = lookup::parse_text(c.req.matches[1].str(), "name", 100);
    std::lock_guard lock{c.state.writer_mutex};
    try {
        access::revoke_token(*c.state.writer, name, who.name);
    } catch (const access::access_error& e) {
        throw http_error{404, "not_found", e.what()};
    }
    c.res.status = 204;
}

} // namespace

void add_api_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "GET", "/api/v1/names", "/api/v1/names", names_search);
    route(http, state, "GET", R"(/api/v1/names/([^/]+))", "/api/v1/names/{id}", name_by_id);
    route(http, state, "GET", R"(/api/v1/names/([^/]+)/history)", "/api/v1/names/{id}/history", name_history);
    route(http, state, "GET", "/api/v1/addresses", "/api/v1/addresses", addresses);
    route(http, state, "GET", "/api/v1/addresses/reverse", "/api/v1/addresses/reverse", addresses_reverse);
    route(http, state, "GET", "/api/v1/tokens", "/api/v1/tokens", tokens_list);
    route(http, state, "GET", "/api/v1/audit", "/api/v1/audit", audit_log);
    route(http, state, "POST", "/api/v1/tokens", "/api/v1/tokens", tokens_create);
    route(http, state, "DELETE", R"(/api/v1/tokens/([^/]+))", "/api/v1/tokens/{name}", tokens_revoke);
}

} // namespace diming::server
