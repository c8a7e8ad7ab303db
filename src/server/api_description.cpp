#include "server/api_description.hpp"

#include "server/api_answers.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string_view>

namespace diming::server {

namespace {

using nlohmann::json;

// A field of a query or a JSON body: name, JSON schema type ("string", "integer", "number",
// "boolean", "array", "object", or "ids" for an array of integers), what it is, required.
struct Field {
    const char* name;
    const char* type;
    const char* about;
    bool required = false;
};

struct Doc {
    const char* summary;
    const char* role;                 // "" anyone; "viewer" reads (a token only when reads are closed); else the role a write needs
    std::vector<Field> query = {};
    std::vector<Field> body = {};     // a JSON object body with these fields
    const char* body_type = nullptr;  // another body (a spreadsheet): its media type
    const char* answer = "application/json";
    int status = 200;
    std::vector<int> also = {};       // other answers than errors: a check-only run, a scheduled renaming, …
};

json schema_of(const char* type) {
    const std::string t = type;
    if (t == "ids") return json{{"type", "array"}, {"items", {{"type", "integer"}}}};
    if (t == "strings") return json{{"type", "array"}, {"items", {{"type", "string"}}}};
    if (t == "point") return json{{"type", "array"}, {"items", {{"type", "number"}}}, {"minItems", 2}, {"maxItems", 2}, {"description", "[lon, lat] in CGCS2000"}};
    return json{{"type", t}};
}

// Keyed by "METHOD name", as the routes are registered.
const std::map<std::string, Doc>& docs() {
    static const std::map<std::string, Doc> d{
        {"GET /livez", {"liveness: answers without reading the registry", "", {}, {}, nullptr, "text/plain"}},
        {"GET /healthz", {"readiness: the registry can be read (schema version, names)", ""}},
        {"GET /metrics", {"Prometheus metrics: requests by route and status, latency, admission, tile cache, connections", "", {}, {}, nullptr, "text/plain"}},
        {"GET /tiles/{z}/{x}/{y}.mvt", {"a Mapbox vector tile: divisions, roads, place names, door plates (z15+), match results (z14+)", "viewer", {}, {}, nullptr, "application/vnd.mapbox-vector-tile"}},
        {"GET /tiles/tilejson.json", {"TileJSON of the vector tiles", "viewer"}},
        {"GET /api/v1/towns", {"the towns (乡镇街道): code, name, box and a label point", "viewer"}},
        {"GET /api/v1/communities", {"the communities and villages (社区、村): code, name, town, box, label point", "viewer", {{"town", "string", "only those of this town (12-digit code)"}}}},
        {"GET /api/v1/categories", {"the place-name categories (code, name, generic terms, geometry kind)", "viewer"}},
        {"GET /api/v1/names", {"search place names by text, pinyin, initials or former name", "viewer",
                               {{"q", "string", "the text"}, {"category", "string", "category code"}, {"town", "string", "town code or name"},
                                {"status", "string", "proposed, approved, registered, rejected, retired"}, {"near", "string", "lon,lat: nearest first"},
                                {"bbox", "string", "minlon,minlat,maxlon,maxlat"}, {"limit", "integer", "hits per page"}, {"offset", "integer", "hits to skip"}}}},
        {"GET /api/v1/names/{id}", {"a place name's record: pinyin, category, approval, aliases, renamings, the coming renaming, plates", "viewer"}},
        {"GET /api/v1/names/{id}/history", {"a place name's renamings, oldest first", "viewer"}},
        {"GET /api/v1/addresses", {"geocode a written address to standard addresses and points", "viewer",
                                   {{"q", "string", "the address", true}, {"limit", "integer", "hits"}}}},
        {"GET /api/v1/addresses/reverse", {"the door plates nearest a point", "viewer",
                                           {{"lon", "number", "longitude", true}, {"lat", "number", "latitude", true},
                                            {"radius", "number", "metres"}, {"limit", "integer", "hits"}}}},
        {"GET /api/v1/audit", {"the audit log: who changed what and when, newest first", "admin",
                               {{"actor", "string", "token name or cli:user"}, {"action", "string", "e.g. door_plate.create"}, {"table", "string", "the table changed"},
                                {"record", "string", "the record's id"}, {"from", "string", "YYYY-MM-DD or a UTC time"}, {"to", "string", "YYYY-MM-DD (inclusive)"},
                                {"before", "integer", "keyset cursor (next_before)"}, {"limit", "integer", "1-1000"}}}},
        {"GET /api/v1/tokens", {"the API tokens (names, roles, revocation; never the secrets)", "admin"}},
        {"POST /api/v1/tokens", {"create a token; its secret is in the answer, once", "admin", {},
                                 {{"name", "string", "who holds it", true}, {"role", "string", "viewer, clerk, committee, gis or admin", true}}, nullptr, "application/json", 201}},
        {"DELETE /api/v1/tokens/{name}", {"revoke a token (and end its sessions)", "admin", {}, {}, nullptr, "application/json", 204}},
        {"GET /ogc", {"OGC API - Features landing page", "viewer", {{"f", "string", "json or html"}, {"crs", "string", "accepted (and checked) on every OGC document"}}}},
        {"GET /ogc/conformance", {"OGC API - Features conformance classes (Core, GeoJSON, HTML, OpenAPI, CRS, Filter, Basic CQL2)", "viewer", {{"f", "string", "json or html"}}}},
        {"GET /ogc/api", {"the OGC API - Features paths alone, as OpenAPI", "viewer", {}, {}, nullptr, "application/vnd.oai.openapi+json;version=3.0"}},
        {"GET /ogc/collections", {"the feature collections: place_names, roads, places, divisions, door_plates, match_results", "viewer", {{"f", "string", "json or html"}}}},
        {"GET /ogc/collections/{id}", {"one feature collection: extent (spatial, temporal), CRSs, geometry type", "viewer", {{"f", "string", "json or html"}}}},
        {"GET /ogc/collections/{id}/queryables", {"the properties a filter may use, as JSON Schema", "viewer", {}, {}, nullptr, "application/schema+json"}},
        {"GET /ogc/collections/{id}/items", {"a page of features (GeoJSON or HTML)", "viewer",
                                             {{"limit", "integer", "1-10000, default 10; next links double it up to 1000"},
                                              {"bbox", "string", "minx,miny,maxx,maxy in the axis order of bbox-crs"},
                                              {"bbox-crs", "string", "CRS84 (default), EPSG:4490 or EPSG:4549, as URI"},
                                              {"crs", "string", "the answer's CRS: CRS84 (default), EPSG:4490 (lat, lon) or EPSG:4549 (northing, easting)"},
                                              {"datetime", "string", "instant or start/end interval (.. for an open end) on the temporal property"},
                                              {"filter", "string", "CQL2 text on the queryables"}, {"filter-lang", "string", "cql2-text"},
                                              {"filter-crs", "string", "CRS84"}, {"after", "integer", "keyset cursor (next link)"},
                                              {"offset", "integer", "features to skip"}, {"f", "string", "json or html"}},
                                             {}, nullptr, "application/geo+json"}},
        {"GET /ogc/collections/{id}/items/{fid}", {"one feature (GeoJSON or HTML)", "viewer", {{"crs", "string", "the answer's CRS"}, {"f", "string", "json or html"}},
                                                   {}, nullptr, "application/geo+json"}},
        {"POST /api/v1/names/check", {"check a name: duplicate, homophone, former name, restricted word, characters", "committee", {},
                                      {{"name", "string", "the name", true}}}},
        {"POST /api/v1/names", {"propose a name (status proposed)", "committee", {},
                                {{"name", "string", "the name", true}, {"category_code", "string", "category", true}, {"division_code", "string", "town or village code", true},
                                 {"geometry", "object", "GeoJSON geometry in CGCS2000"}, {"meaning", "string", "含义"}, {"origin", "string", "由来"},
                                 {"accept", "strings", "conflict kinds the committee accepts (homophone, former_name)"}}, nullptr, "application/json", 201}},
        {"POST /api/v1/names/{id}/approve", {"approve a proposed name", "committee", {},
                                             {{"decision_doc", "string", "decision document", true}, {"decided_on", "string", "YYYY-MM-DD", true}}}},
        {"POST /api/v1/names/{id}/reject", {"reject a proposed name", "committee", {},
                                            {{"decision_doc", "string", "decision document"}, {"decided_on", "string", "YYYY-MM-DD"}, {"reason", "string", "why"}}}},
        {"POST /api/v1/names/{id}/retire", {"retire a name (the place is gone)", "committee", {},
                                            {{"decision_doc", "string", "decision document", true}, {"decided_on", "string", "YYYY-MM-DD", true}, {"reason", "string", "why"}}}},
        {"POST /api/v1/names/{id}/rename", {"rename a place: now (200) when effective_on has come, else scheduled for that date (202)", "committee", {},
                                            {{"new_name", "string", "the new name", true}, {"decision_doc", "string", "decision document", true},
                                             {"decided_on", "string", "YYYY-MM-DD", true}, {"effective_on", "string", "YYYY-MM-DD", true},
                                             {"reason", "string", "why"}, {"accept", "strings", "conflict kinds accepted"}}, nullptr, "application/json", 200, {202}}},
        {"POST /api/v1/names/{id}/rename/preview", {"what a renaming would do (plates re-addressed, issuances created, their ids), changing nothing", "committee", {},
                                                    {{"new_name", "string", "the new name", true}, {"decision_doc", "string", "decision document", true},
                                                     {"decided_on", "string", "YYYY-MM-DD", true}, {"effective_on", "string", "YYYY-MM-DD", true},
                                                     {"reason", "string", "why"}, {"accept", "strings", "conflict kinds accepted"}}}},
        {"GET /api/v1/scheduled-renamings", {"renamings decided for a later date", "viewer", {{"all", "boolean", "also those done, withdrawn or failed"}}}},
        {"POST /api/v1/scheduled-renamings/{id}/withdraw", {"withdraw a scheduled renaming before its date", "committee"}},
        {"POST /api/v1/doorplates", {"issue a door plate (number proposed, or the clerk's), or a building/unit/room plate under one", "clerk", {},
                                     {{"place_name_id", "integer", "the road or village"}, {"point", "point", "where the plate stands"},
                                      {"hamlet", "string", "自然村 or 组"}, {"number", "integer", "the clerk's number"}, {"suffix", "string", "附号"},
                                      {"compound", "string", "小区"}, {"applicant", "string", "who applies"}, {"dry_run", "boolean", "only propose the number"},
                                      {"reuse_cancelled", "boolean", "give a cancelled number again, on purpose"},
                                      {"parent_id", "integer", "for a building, unit or room plate: the plate it goes under"},
                                      {"plate_type", "string", "building, unit or room"}, {"building", "string", "幢"}, {"unit", "string", "单元"}, {"room", "string", "室"}},
                                     nullptr, "application/json", 201, {200}}},
        {"GET /api/v1/doorplates/{id}", {"a plate with its address history and issuances", "viewer"}},
        {"POST /api/v1/doorplates/{id}/building", {"a building's plates from a template: building, unit and room plates in one transaction", "clerk", {},
                                                   {{"building", "string", "幢 designation", true}, {"units", "integer", "1-30"}, {"floors", "integer", "1-99"},
                                                    {"rooms_per_floor", "integer", "1-99, per unit"}, {"first_floor", "integer", "the lowest numbered floor"},
                                                    {"applicant", "string", "who applies"}}, nullptr, "application/json", 201}},
        {"POST /api/v1/doorplates/{id}/cancel", {"cancel (注销) a plate and the plates under it; an installed door plate's number is retired", "clerk", {},
                                                 {{"reason_code", "string", "demolition, merger, renumbering, error, other", true}, {"reason", "string", "why (required for other)"},
                                                  {"decision_doc", "string", "the document that orders it"}, {"cancelled_on", "string", "YYYY-MM-DD", true}}}},
        {"GET /api/v1/cancellation-reasons", {"the reasons a plate is cancelled, in Chinese and English", "viewer"}},
        {"GET /api/v1/applications/template.xlsx", {"the batch applications template (XLSX)", "viewer", {}, {}, nullptr,
                                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
        {"POST /api/v1/applications", {"batch applications from a sheet: every row checked, all written in one transaction (201) or none (422)", "clerk",
                                       {{"check", "boolean", "only check"}}, {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json", 201, {200, 422}}},
        {"GET /api/v1/issuances", {"issuances, filtered, by keyset pages", "viewer",
                                   {{"status", "string", "applied, approved, ordered, printed, installed, rejected, cancelled"}, {"kind", "string", "new, replacement, renaming"},
                                    {"road", "string", "place name id or name"}, {"q", "string", "part of the address or applicant"},
                                    {"from", "string", "created on or after, YYYY-MM-DD"}, {"to", "string", "created on or before"},
                                    {"print_order", "integer", "in this print order"}, {"limit", "integer", "1-1000"}, {"after", "integer", "keyset cursor"}}}},
        {"GET /api/v1/issuances.csv", {"every issuance the filters match, as CSV (UTF-8 with a BOM, Chinese headers)", "viewer",
                                       {{"status", "string", "issuance status"}, {"kind", "string", "new, replacement, renaming"}, {"road", "string", "place name id or name"},
                                        {"q", "string", "part of the address or applicant"}, {"from", "string", "YYYY-MM-DD"}, {"to", "string", "YYYY-MM-DD"},
                                        {"print_order", "integer", "in this print order"}}, {}, nullptr, "text/csv"}},
        {"GET /api/v1/issuances.xlsx", {"every issuance the filters match, as XLSX (Chinese headers)", "viewer",
                                        {{"status", "string", "issuance status"}, {"kind", "string", "new, replacement, renaming"}, {"road", "string", "place name id or name"},
                                         {"q", "string", "part of the address or applicant"}, {"from", "string", "YYYY-MM-DD"}, {"to", "string", "YYYY-MM-DD"},
                                         {"print_order", "integer", "in this print order"}}, {}, nullptr, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
        {"GET /api/v1/issuances/{id}", {"an issuance with every event", "viewer"}},
        {"POST /api/v1/issuances/{id}/transition", {"move an issuance (approve, reject, cancel, install)", "clerk", {},
                                                    {{"to", "string", "the new status", true}, {"note", "string", "a note for the event"}}}},
        {"POST /api/v1/issuances/transition", {"move many issuances in one transaction: all or none", "clerk", {},
                                               {{"ids", "ids", "the issuances", true}, {"to", "string", "the new status", true}, {"note", "string", "a note for the events"}}}},
        {"POST /api/v1/print-orders", {"a print order of approved issuances", "clerk", {},
                                       {{"issuance_ids", "ids", "the issuances (empty: every approved one)"}, {"printer", "string", "the sign shop"}, {"note", "string", "a note"}},
                                       nullptr, "application/json", 201}},
        {"GET /api/v1/print-orders", {"print orders, newest first, with next_before when there are more", "viewer",
                                      {{"limit", "integer", "1-200"}, {"before", "integer", "ids below this (next_before)"},
                                       {"status", "string", "open, sent, printed, cancelled"}, {"printer", "string", "part of the sign shop's name"},
                                       {"from", "string", "created on or after, YYYY-MM-DD"}, {"to", "string", "created on or before, YYYY-MM-DD"}}}},
        {"GET /api/v1/print-orders/{id}", {"a print order with its plates", "viewer"}},
        {"GET /api/v1/print-orders/{id}.csv", {"the printer's sheet (CSV with a UTF-8 BOM): order header, quantities, plates by town, community and road", "viewer",
                                               {{"lang", "string", "zh (default) or en headers"}}, {}, nullptr, "text/csv"}},
        {"GET /api/v1/print-orders/{id}.xlsx", {"the printer's sheet (XLSX: frozen header row, column widths, a sheet of quantities)", "viewer",
                                                {{"lang", "string", "zh (default) or en headers"}}, {}, nullptr, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
        {"GET /api/v1/print-orders/{id}/proofs.pdf", {"the order's proofs: a contact sheet, then each plate at its true size (fonts embedded, QR codes)", "viewer", {}, {}, nullptr, "application/pdf"}},
        {"GET /api/v1/print-orders/{id}/proofs/{plate}.svg", {"an SVG proof of one plate of the order (glyphs as outlines)", "viewer", {}, {}, nullptr, "image/svg+xml"}},
        {"POST /api/v1/print-orders/{id}/printed", {"mark a print order printed", "clerk"}},
        {"POST /api/v1/print-orders/{id}/certificates", {"issue door-plate certificates (门牌证) to every plate of the order that has none", "clerk", {},
                                                          {{"households", "object", "household names by issuance id: {\"12\": \"张三\"}"}}}},
        {"GET /api/v1/print-orders/{id}/certificates.pdf", {"the order's certificates, A5, one a page", "clerk", {}, {}, nullptr, "application/pdf"}},
        {"POST /api/v1/issuances/{id}/certificate", {"issue the door-plate certificate of one issuance (200 if it has one already)", "clerk", {},
                                                     {{"household", "string", "the household's name, printed on the certificate"}}, nullptr, "application/json", 201, {200}}},
        {"GET /api/v1/issuances/{id}/certificate.pdf", {"an issuance's certificate, A5", "clerk", {}, {}, nullptr, "application/pdf"}},
        {"GET /api/v1/names/{id}/sign.svg", {"the place's street or lane sign (街路巷牌): name above, pinyin below (SVG, true size)", "viewer", {}, {}, nullptr, "image/svg+xml"}},
        {"GET /api/v1/names/{id}/sign.pdf", {"the place's street or lane sign as a PDF page of its true size", "viewer", {}, {}, nullptr, "application/pdf"}},
        {"GET /p/{code}", {"a plate's public page, where its QR code leads: address, pinyin, history, map (no token)", "", {{"f", "string", "html (default) or json"}},
                           {}, nullptr, "text/html"}},
        {"POST /api/v1/session", {"sign in: a token exchanged for a session cookie (HttpOnly, SameSite=Strict) and the CSRF token writes must send", "", {},
                                  {{"token", "string", "an API token", true}}, nullptr, "application/json", 201}},
        {"GET /api/v1/session", {"who is signed in (role, CSRF token, expiry)", "viewer"}},
        {"DELETE /api/v1/session", {"sign out", "", {}, {}, nullptr, "application/json", 204}},
        {"POST /api/v1/match/decisions", {"a governance decision on a police record and its link; every later match run applies it", "gis", {},
                                          {{"kind", "string", "confirm, reject, link, police_wrong, civil_missing, unregistered, demolished, duplicate, withdraw", true},
                                           {"police_address_id", "integer", "the police record", true},
                                           {"civil_address_id", "integer", "confirm, reject, link: the civil record"},
                                           {"corrected_address", "string", "police_wrong: the address as it should read"},
                                           {"reason", "string", "why"}, {"run_id", "integer", "the match run reviewed"}},
                                          nullptr, "application/json", 201}},
        {"POST /api/v1/match/civil-decisions", {"mark a civil record no address (unregistered, demolished, duplicate) or withdraw that: later runs offer it to no police record", "gis", {},
                                                {{"kind", "string", "unregistered, demolished, duplicate, withdraw", true}, {"civil_address_id", "integer", "the civil record", true},
                                                 {"reason", "string", "why"}}, nullptr, "application/json", 201}},
        {"GET /api/v1/match/decisions", {"a police record's decisions, oldest first", "viewer", {{"police_address_id", "integer", "the police record", true}}}},
        {"GET /api/v1/match/worklist", {"a town's or community's records needing attention in the latest (or a given) run, best worth first, with progress", "viewer",
                                        {{"run", "integer", "a match run"}, {"town", "string", "12-digit code"}, {"community", "string", "12-digit code"},
                                         {"status", "string", "open, field_check, resolved"}, {"assignee", "string", "who works on it"},
                                         {"limit", "integer", "1-5000"}, {"offset", "integer", "records to skip"}}}},
        {"GET /api/v1/match/worklist.xlsx", {"the work list as an XLSX sheet for a field check (outcome columns to fill in)", "viewer",
                                             {{"run", "integer", "a match run"}, {"town", "string", "12-digit code"}, {"community", "string", "12-digit code"},
                                              {"status", "string", "open, field_check, resolved"}, {"assignee", "string", "who works on it"}},
                                             {}, nullptr, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
        {"POST /api/v1/match/worklist/assign", {"assign records to a person and/or move their status", "gis", {},
                                                {{"police_address_ids", "ids", "the police records", true}, {"assignee", "string", "who"},
                                                 {"status", "string", "open, field_check, resolved"}, {"note", "string", "a note"}}}},
        {"POST /api/v1/match/worklist/outcomes", {"a field-check sheet back: every outcome a decision, all (201) or none (422)", "gis",
                                                  {{"check", "boolean", "only check"}}, {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json", 201, {200, 422}}},
        {"GET /api/v1/match/runs", {"the match runs, newest first, with automatic and governed rates (and one town's or community's)", "viewer",
                                    {{"division", "string", "a 12-digit town or community code"}, {"limit", "integer", "1-1000"}}}},
        {"GET /api/v1/match/runs/{id}/changes", {"records newly linked and newly unlinked since an earlier run, and why (decision, renaming, new data, matcher)", "viewer",
                                                 {{"since", "integer", "the earlier run", true}, {"limit", "integer", "records listed each way"}}}},
        {"GET /api", {"this document (JSON; YAML with f=yaml or Accept: application/yaml)", "", {{"f", "string", "json (default) or yaml"}}, {}, nullptr,
                      "application/vnd.oai.openapi+json;version=3.0"}},
    };
    return d;
}

json response_schema(const std::string& key, int status, const std::string& media_type) {
    if (media_type.find("json") != std::string::npos) {
        if (auto known = answer_schema(key, status)) return *known;
    }
    if (media_type.rfind("text/", 0) == 0 || media_type.find("svg") != std::string::npos) return json{{"type", "string"}};
    return json{{"type", "string"}, {"format", "binary"}};
}

json error_response(const char* what) {
    return json{{"description", what}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

} // namespace

json openapi(const std::vector<RouteInfo>& routes, const std::string& base_url, bool open_reads) {
    const auto& table = docs();
    std::set<std::string> registered;
    json paths = json::object();
    for (const auto& r : routes) {
        const std::string key = r.method + " " + r.name;
        if (!registered.insert(key).second) continue; // /ogc and /ogc/ share a name
        const auto it = table.find(key);
        if (it == table.end()) throw std::logic_error{"route " + key + " has no description in src/server/api_description.cpp"};
        const Doc& d = it->second;
        std::string method = r.method;
        for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        json op{{"summary", d.summary}, {"operationId", method + std::regex_replace(r.name, std::regex{"[^A-Za-z0-9]+"}, "_")}};
        json params = json::array();
        static const std::regex placeholder{R"(\{([a-z]+)\})"};
        for (auto m = std::sregex_iterator(r.name.begin(), r.name.end(), placeholder); m != std::sregex_iterator(); ++m) {
            const std::string p = (*m)[1];
            // Token names and OGC collection ids are text; the rest are record ids.
            const bool text = p == "name" || (p == "id" && r.name.rfind("/ogc", 0) == 0);
            params.push_back({{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", text ? "string" : "integer"}}}});
        }
        for (const auto& f : d.query) {
            params.push_back({{"name", f.name}, {"in", "query"}, {"required", f.required}, {"description", f.about}, {"schema", schema_of(f.type)}});
        }
        if (!params.empty()) op["parameters"] = std::move(params);
        if (!d.body.empty()) {
            json props = json::object(), required = json::array();
            for (const auto& f : d.body) {
                auto s = schema_of(f.type);
                s["description"] = f.about;
                props[f.name] = std::move(s);
                if (f.required) required.push_back(f.name);
            }
            json schema{{"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
            if (!required.empty()) schema["required"] = std::move(required);
            op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
        } else if (d.body_type) {
            const json binary{{"schema", {{"type", "string"}, {"format", "binary"}}}};
            json content = json::object();
            content[d.body_type] = binary;
            op["requestBody"] = {{"required", true}, {"content", std::move(content)}};
        }
        json responses = json::object();
        std::vector<int> statuses{d.status};
        statuses.insert(statuses.end(), d.also.begin(), d.also.end());
        // Pages that also answer as HTML (f=html), and the public plate page that also answers JSON (f=json).
        bool html_too = false;
        for (const auto& f : d.query) html_too = html_too || (std::string_view{f.name} == "f" && std::string_view{f.about}.find("html") != std::string_view::npos);
        for (const int status : statuses) {
            if (status == 204) {
                responses["204"] = {{"description", "done"}};
                continue;
            }
            json content = json::object();
            content[d.answer] = {{"schema", response_schema(key, status, d.answer)}};
            if (std::string_view{d.answer}.find("json") == std::string_view::npos) {
                if (auto as_json = answer_schema(key, status)) content["application/json"] = {{"schema", *as_json}};
            } else if (html_too) {
                content["text/html"] = {{"schema", {{"type", "string"}}}};
            }
            responses[std::to_string(status)] = {{"description", status == 202 ? "accepted, to be done later" : status == 422 ? "refused: nothing was written" : "OK"},
                                                 {"content", std::move(content)}};
        }
        responses["400"] = error_response("the request is not right: the body names the field");
        const std::string role = d.role;
        const bool write = !role.empty() && role != "viewer";
        const bool signs_in = std::any_of(d.body.begin(), d.body.end(), [](const Field& f) { return std::string_view{f.name} == "token"; });
        if (signs_in) responses["401"] = error_response("the token is unknown, revoked or mistyped");
        if (write || (role == "viewer" && !open_reads)) {
            responses["401"] = error_response("no valid token or session");
            op["security"] = json::array({{{"bearer", json::array()}}, {{"session", json::array()}}});
        }
        if (write) {
            responses["403"] = error_response("the token's role may not do this, or a session's write without its CSRF token");
            responses["409"] = error_response("a conflict with the registry (taken, illegal transition, naming conflicts)");
            op["x-diming-role"] = role;
        }
        if (r.name.find("{") != std::string::npos) responses["404"] = error_response("no such record");
        op["responses"] = std::move(responses);
        paths[r.name][method] = std::move(op);
    }
    for (const auto& [key, doc] : table) {
        if (!registered.count(key)) throw std::logic_error{"the description of " + key + " names no registered route"};
    }
    json error = error_schema();
    json security{{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "a token from `diming token create`"}}},
                  {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", session_cookie}, {"description", "from POST /api/v1/session; writes also send X-CSRF-Token"}}}};
    json info{{"title", "diming: place names and door plates"},
              {"version", "1"},
              {"description", "The registry's whole HTTP surface: lookups, OGC API - Features, vector tiles, naming and door-plate work. "
                              "Writes need a token of the role in x-diming-role (admin may do all): `Authorization: Bearer <token>`, "
                              "or the workbench's session cookie with the header X-CSRF-Token."}};
    json out{{"openapi", "3.0.3"}, {"info", std::move(info)}, {"paths", std::move(paths)}};
    out["servers"] = json::array({json{{"url", base_url.empty() ? "/" : base_url}}});
    out["components"]["securitySchemes"] = std::move(security);
    out["components"]["schemas"]["Error"] = std::move(error);
    return out;
}

} // namespace diming::server
