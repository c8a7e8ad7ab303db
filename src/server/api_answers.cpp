#include "server/api_answers.hpp"

#include <map>
#include <utility>

namespace diming::server {

namespace {

using nlohmann::json;

// Schema builders: a field's type, with what it is when the name does not say it.
json type_of(const char* t, const char* about = nullptr) {
    json s{{"type", t}};
    if (about) s["description"] = about;
    return s;
}
json nullable(json s) {
    s["nullable"] = true;
    return s;
}
json nullable(const char* t, const char* about = nullptr) { return nullable(type_of(t, about)); }
json array_of(json items, const char* about = nullptr) {
    json s{{"type", "array"}, {"items", std::move(items)}};
    if (about) s["description"] = about;
    return s;
}
json object_of(std::initializer_list<std::pair<const char*, json>> fields, const char* about = nullptr) {
    json props = json::object();
    for (const auto& [name, schema] : fields) props[name] = schema;
    json s{{"type", "object"}, {"properties", std::move(props)}};
    if (about) s["description"] = about;
    return s;
}
// An object whose keys are data (codes, names): what each key maps to.
json map_of(json values, const char* about) {
    return json{{"type", "object"}, {"additionalProperties", std::move(values)}, {"description", about}};
}
json one_of(std::initializer_list<const char*> values, const char* about = nullptr) {
    json s{{"type", "string"}, {"enum", json::array()}};
    for (const char* v : values) s["enum"].push_back(v);
    if (about) s["description"] = about;
    return s;
}
json with_required(json s, std::initializer_list<const char*> names) {
    for (const char* n : names) s["required"].push_back(n);
    return s;
}

// The answers, keyed "METHOD name" for the route's documented status and "METHOD name STATUS"
// for its other ones.
std::map<std::string, json> build() {
    const json str = type_of("string"), integer = type_of("integer"), number = type_of("number"), boolean = type_of("boolean");
    const json time = type_of("string", "UTC, ISO 8601");
    const json date = type_of("string", "YYYY-MM-DD");
    const json code12 = type_of("string", "12-digit division code");
    const json any_value = json::object(); // any JSON value: the record as it was, or as it became
    const json bbox = nullable(json{{"type", "array"}, {"items", number}, {"minItems", 4}, {"maxItems", 4},
                                    {"description", "[minlon, minlat, maxlon, maxlat] in CGCS2000"}});
    const json point = nullable(json{{"type", "array"}, {"items", number}, {"minItems", 2}, {"maxItems", 2}, {"description", "[lon, lat] in CGCS2000"}});
    const json code_name = object_of({{"code", str}, {"name", str}});
    const json id_name = object_of({{"id", integer}, {"name", str}});
    const json geometry = object_of({{"type", str}, {"coordinates", type_of("array")}}, "GeoJSON geometry in CGCS2000");
    const json link = object_of({{"href", str}, {"rel", str}, {"type", str}, {"title", str}, {"hreflang", str}});
    const json links = array_of(link);
    const json id_status = object_of({{"id", integer}, {"status", str}});

    // Search and geocoding.
    const json name_hit = object_of({{"id", integer}, {"name", str}, {"pinyin", str}, {"category", code_name}, {"division_code", str},
                                     {"town", code_name}, {"status", str},
                                     {"match", type_of("string", "how it matched: exact, prefix, pinyin, initials, alias, former, homophone, typo, near")},
                                     {"fuzzy", type_of("boolean", "a homophone or typo guess, ranked below exact hits")},
                                     {"former_name", str}, {"alias", str}, {"note", str}, {"distance_m", number}, {"bbox", bbox}});
    const json division_hit = object_of({{"code", str}, {"name", str}, {"short_name", str}, {"kind", str}, {"level", integer},
                                         {"parent", code_name}, {"match", str}, {"bbox", bbox}});
    const json compound_hit = object_of({{"compound", str}, {"building", str}, {"road", id_name}, {"town_code", str}, {"plates", integer},
                                         {"door_plate_id", nullable("integer")}, {"standard_address", str}, {"match", str}, {"bbox", bbox}});
    const json address_hit = object_of({{"level", type_of("string", "what the hit stands for: room, unit, building, plate, road, hamlet, compound, division")},
                                        {"score", number}, {"standard_address", str}, {"place", id_name}, {"door_plate_id", nullable("integer")},
                                        {"point", point}, {"distance_m", number}, {"notes", array_of(str)}});
    const json component = object_of({{"level", str}, {"text", str}, {"source", type_of("string", "the input's own text")},
                                       {"span", array_of(integer, "[first, end) in characters of the input")}, {"how", str}});
    const json parsed = object_of({{"input", str}, {"normalized", str}, {"components", array_of(component)}, {"town_code", str},
                                   {"community_code", str}, {"keys", map_of(str, "match keys by level (road, plate, building, unit, room, …)")},
                                   {"leftover", str}, {"suffix", str}, {"notes", array_of(str)}, {"road_candidates", array_of(any_value)}},
                                  "the parser's reading of the query");

    // Place names.
    const json renaming = object_of({{"id", integer}, {"former_name", str}, {"former_pinyin", str}, {"new_name", str}, {"decision_doc", str},
                                     {"decided_on", date}, {"effective_on", date}, {"reason", nullable("string")}, {"recorded_at", time},
                                     {"recorded_by", str}});
    const json coming = nullable(object_of({{"scheduled_renaming_id", integer}, {"new_name", str}, {"decision_doc", str}, {"decided_on", date},
                                            {"effective_on", date}, {"reason", nullable("string")}, {"scheduled_by", str}},
                                           "a renaming decided for a later date"));
    const json name_record = object_of({{"id", integer}, {"name", str}, {"pinyin", str}, {"category", code_name}, {"division", code_name},
                                        {"town", code_name}, {"status", one_of({"proposed", "approved", "registered", "rejected", "retired"})},
                                        {"meaning", nullable("string")}, {"origin", nullable("string")}, {"history_text", nullable("string")},
                                        {"source_ref", nullable("string")}, {"registrar", nullable("string")},
                                        {"approval", object_of({{"document", nullable("string")}, {"date", nullable("string")}, {"authority", nullable("string")}})},
                                        {"aliases", array_of(str)}, {"renamings", array_of(renaming)}, {"coming_renaming", coming},
                                        {"door_plates", type_of("integer", "plates on it")}, {"geometry", nullable(geometry)},
                                        {"created_at", time}, {"updated_at", time}});
    const json conflict = object_of({{"kind", one_of({"duplicate", "homophone", "former_name", "restricted", "characters", "length", "generic"})},
                                     {"blocking", type_of("boolean", "true: the name cannot be given; false: the committee may accept it")},
                                     {"message", str}, {"place_name_id", nullable("integer")},
                                     {"facts", map_of(any_value, "the particulars, for the workbench's wording")}});
    const json proposal = object_of({{"number", integer}, {"suffix", type_of("string", "附号")}, {"side", one_of({"left", "right"})},
                                     {"along_m", type_of("number", "metres from the road's start")}, {"offset_m", type_of("number", "metres from the road's line")},
                                     {"before", type_of("string", "the neighbour before, or empty")}, {"after", type_of("string", "the neighbour after, or empty")},
                                     {"reason", str}},
                                    "why this number");
    const json issued = object_of({{"door_plate_id", integer}, {"issuance_id", integer}, {"number", integer}, {"suffix", str},
                                   {"standard_address", str}, {"proposal", proposal}});

    // Door plates and issuances.
    const json event = object_of({{"from", nullable("string")}, {"to", str}, {"actor", str}, {"at", time}, {"note", str}});
    const json issuance = object_of({{"id", integer}, {"kind", one_of({"new", "replacement", "renaming"})},
                                     {"status", one_of({"applied", "approved", "ordered", "printed", "installed", "rejected", "cancelled"})},
                                     {"applicant", str}, {"print_order_id", nullable("integer")}, {"renaming_id", nullable("integer")},
                                     {"created_by", str}, {"created_at", time}, {"updated_at", time},
                                     {"door_plate", object_of({{"id", integer}, {"plate_type", str}, {"standard_address", str}})},
                                     {"place", id_name}, {"events", array_of(event)}, {"certificate_number", nullable("string")}});
    const json plate_issuance = object_of({{"id", integer}, {"kind", str}, {"status", str}, {"applicant", str}, {"print_order_id", nullable("integer")},
                                           {"created_at", time}, {"updated_at", time}});
    const json address_change = object_of({{"standard_address", str}, {"former_address", str}, {"changed_at", time}, {"reason", str},
                                           {"renaming_id", nullable("integer")}, {"id", integer}});
    const json plate_record = object_of({{"id", integer}, {"plate_type", one_of({"door", "building", "unit", "room"})},
                                         {"status", one_of({"planned", "active", "cancelled"})}, {"place", id_name},
                                         {"number", nullable("integer")}, {"suffix", str}, {"hamlet", str}, {"compound", str}, {"building", str},
                                         {"unit", str}, {"room", str}, {"standard_address", str}, {"parent_id", nullable("integer")},
                                         {"town_code", nullable("string")}, {"community_code", nullable("string")}, {"point", point},
                                         {"history", array_of(address_change)}, {"issuances", array_of(plate_issuance)},
                                         {"created_at", time}, {"updated_at", time}});
    const json application_row = object_of({{"row", type_of("integer", "the sheet's row number")}, {"ok", boolean},
                                            {"problem", object_of({{"code", str}, {"field", str}, {"message", str}})},
                                            {"door_plate_id", integer}, {"issuance_id", integer}, {"number", integer}, {"suffix", str},
                                            {"standard_address", str}});
    const json applications = object_of({{"written", boolean}, {"problems", integer}, {"rows", array_of(application_row)}});

    // Print orders and certificates.
    const json order_plate = object_of({{"issuance_id", integer}, {"door_plate_id", integer}, {"kind", str}, {"plate_type", str},
                                        {"sign", type_of("string", "the plate template")}, {"size_mm", array_of(integer, "[width, height]")},
                                        {"text", str}, {"number", str}, {"number_text", type_of("string", "the number as the plate shows it, e.g. 12号")},
                                        {"pinyin", str}, {"postcode", str}, {"standard_address", str}, {"town", str}, {"community", str},
                                        {"location", type_of("string", "where it goes, for the installers")}, {"public_url", str}});
    const json print_order = object_of({{"id", integer}, {"status", one_of({"open", "sent", "printed", "cancelled"})}, {"printer", str}, {"note", str},
                                        {"created_by", str}, {"created_at", time}, {"updated_at", time}, {"plates", array_of(order_plate)}});
    const json print_order_row = object_of({{"id", integer}, {"status", str}, {"printer", str}, {"note", str}, {"created_by", str},
                                            {"created_at", time}, {"plates", integer}, {"installed", integer}});
    const json certificate = object_of({{"number", type_of("string", "17 characters: county, year, serial, MOD 11-2 check")}, {"issuance_id", integer},
                                        {"door_plate_id", integer}, {"household", str}, {"standard_address", str}, {"plate_number", str},
                                        {"authority", str}, {"issued_on", date}});

    // Match governance.
    const json run = object_of({{"id", integer}, {"police_dataset_id", integer}, {"civil_dataset_id", integer}, {"distance_m", number},
                                {"started_at", time}, {"finished_at", nullable("string")}, {"created_by", str}, {"police_records", integer},
                                {"textual_rate", type_of("number", "share of police records linked by text")},
                                {"spatial_rate", type_of("number", "share linked and within distance_m")},
                                {"governed_rate", type_of("number", "share linked once the decisions are applied")}, {"decided", integer},
                                {"division", nullable(object_of({{"code", str}, {"police_records", integer}, {"textual_rate", number},
                                                                 {"spatial_rate", number}, {"governed_rate", number}}))}});
    const json work_item = object_of({{"police_address_id", integer}, {"police_key", str}, {"police_address", str}, {"police_point", point},
                                      {"civil_address_id", nullable("integer")}, {"civil_address", nullable("string")}, {"civil_point", point},
                                      {"level", str}, {"reason", str}, {"distance_m", nullable("number")},
                                      {"problem", type_of("string", "unlinked, road_only, far, shared, …")}, {"worth", number},
                                      {"road", str}, {"road_problems", integer}, {"town_code", nullable("string")},
                                      {"community_code", nullable("string")}, {"status", one_of({"open", "field_check", "resolved"})},
                                      {"assignee", str}, {"note", str}});
    const json decision_kind = one_of({"confirm", "reject", "link", "police_wrong", "civil_missing", "unregistered", "demolished", "duplicate", "withdraw"});
    const json decision = object_of({{"id", integer}, {"kind", decision_kind}, {"police_address_id", integer}, {"police_address", str},
                                     {"civil_address_id", nullable("integer")},
                                     {"civil_key", nullable("string", "the civil record's lasting key (plate:ID or src:ID), which later runs use")},
                                     {"corrected_address", nullable("string")}, {"reason", nullable("string")}, {"run_id", nullable("integer")},
                                     {"decided_by", str}, {"decided_at", time}, {"issuance_id", nullable("integer", "civil_missing: the plate applied for")}});
    const json decided = object_of({{"id", integer}, {"kind", decision_kind}, {"police_address_id", integer},
                                    {"issuance_id", type_of("integer", "civil_missing: the issuance of the missing plate, to be approved")},
                                    {"door_plate_id", type_of("integer", "civil_missing: the planned plate")}});
    const json changes = object_of({{"count", integer},
                                    {"by_reason", map_of(integer, "how many for each reason: decision, renaming, new_data, matcher")},
                                    {"records", array_of(object_of({{"police_address_id", integer}, {"police_address", str},
                                                                    {"why", one_of({"decision", "renaming", "new_data", "matcher"})}}),
                                                         "up to limit of them")}});
    const json outcome_row = object_of({{"row", integer}, {"ok", boolean}, {"problem", object_of({{"field", str}, {"message", str}})},
                                        {"decision_id", type_of("integer", "once written")}});

    // OGC API - Features.
    const json feature = object_of({{"type", one_of({"Feature"})}, {"id", integer}, {"geometry", nullable(geometry)},
                                    {"properties", map_of(any_value, "the collection's properties: see its queryables")}, {"links", links}});
    const json extent = object_of({{"spatial", object_of({{"bbox", array_of(array_of(number))}, {"crs", str}})},
                                   {"temporal", object_of({{"interval", array_of(array_of(nullable("string")))}, {"trs", str}})}});
    const json collection = object_of({{"id", str}, {"title", str}, {"description", str}, {"itemType", str}, {"geometryType", str},
                                       {"extent", extent}, {"crs", array_of(str)}, {"storageCrs", str}, {"links", links}});
    const json openapi_document = object_of({{"openapi", str}, {"info", map_of(any_value, "title, version, description")},
                                             {"servers", array_of(object_of({{"url", str}}))},
                                             {"paths", map_of(map_of(any_value, "operations by method"), "operations by path")},
                                             {"components", map_of(map_of(any_value, "by name"), "schemas, securitySchemes")}});

    const json session = object_of({{"name", type_of("string", "the token's name")}, {"role", str},
                                    {"csrf_token", nullable("string", "to send in X-CSRF-Token with every write (null for a bearer token)")},
                                    {"expires_at", nullable("string")}, {"idle_minutes", integer}});
    const json public_plate = object_of({{"code", str}, {"standard_address", str}, {"plate_type", str}, {"plate_type_label", str}, {"status", str},
                                         {"status_label", str}, {"road", object_of({{"name", str}, {"pinyin", str}})}, {"number", nullable("integer")},
                                         {"suffix", str}, {"hamlet", str}, {"compound", str}, {"building", str}, {"unit", str}, {"room", str},
                                         {"town", str}, {"community", str}, {"coordinates", point}, {"updated_at", time},
                                         {"name_history", array_of(object_of({{"former_name", str}, {"new_name", str}, {"effective_on", date},
                                                                               {"decision_doc", str}}))},
                                         {"former_addresses", array_of(object_of({{"standard_address", str}, {"until", str}}))}});

    return {
        {"GET /healthz", object_of({{"status", str}, {"schema_version", integer}, {"place_names", integer}})},
        {"GET /api", openapi_document},
        {"GET /tiles/tilejson.json",
         object_of({{"tilejson", str}, {"name", str}, {"description", str}, {"scheme", str}, {"tiles", array_of(str)}, {"minzoom", integer},
                    {"maxzoom", integer}, {"bounds", array_of(number)}, {"center", array_of(number, "[lon, lat, zoom]")},
                    {"vector_layers", array_of(object_of({{"id", str}, {"description", str}, {"minzoom", integer}, {"maxzoom", integer},
                                                          {"fields", map_of(str, "field name to type: String, Number")}}))}})},
        {"GET /api/v1/towns", object_of({{"towns", array_of(object_of({{"code", str}, {"name", str}, {"bbox", bbox}, {"label_point", point}}))}})},
        {"GET /api/v1/communities", object_of({{"communities", array_of(object_of({{"code", str}, {"name", str}, {"town_code", str}, {"bbox", bbox},
                                                                                  {"label_point", point}}))}})},
        {"GET /api/v1/categories",
         object_of({{"categories", array_of(object_of({{"code", str}, {"name", str}, {"generic_terms", str}, {"geometry_kind", str}}))}})},
        {"GET /api/v1/cancellation-reasons", object_of({{"reasons", array_of(object_of({{"code", str}, {"zh", str}, {"en", str}}))}})},
        {"GET /api/v1/names", object_of({{"searched", str}, {"number", str}, {"hits", array_of(name_hit)}, {"more", boolean}, {"limit", integer},
                                         {"offset", integer}, {"divisions", array_of(division_hit)}, {"compounds", array_of(compound_hit)}})},
        {"GET /api/v1/names/{id}", name_record},
        {"GET /api/v1/names/{id}/history", object_of({{"id", integer}, {"name", str}, {"renamings", array_of(renaming)}})},
        {"GET /api/v1/addresses", object_of({{"query", str}, {"parsed", parsed}, {"hits", array_of(address_hit)}})},
        {"GET /api/v1/addresses/reverse", object_of({{"plates", array_of(address_hit)}, {"road", nullable(address_hit)}})},
        {"GET /api/v1/tokens", object_of({{"tokens", array_of(object_of({{"name", str}, {"role", str}, {"created_at", time}, {"revoked_at", nullable("string")}}))}})},
        {"POST /api/v1/tokens", object_of({{"name", str}, {"role", str}, {"token", type_of("string", "the secret: shown once")}, {"note", str}})},
        {"GET /api/v1/audit", object_of({{"records", array_of(object_of({{"id", integer}, {"at", time}, {"actor", str}, {"action", str}, {"table", str},
                                                                         {"record", nullable("string")}, {"before", any_value}, {"after", any_value}}))},
                                         {"next_before", nullable("integer", "the cursor of the next page, absent at the end")}})},
        // OGC API - Features
        {"GET /ogc", object_of({{"title", str}, {"description", str}, {"links", links}})},
        {"GET /ogc/conformance", object_of({{"conformsTo", array_of(str)}})},
        {"GET /ogc/api", openapi_document},
        {"GET /ogc/collections", object_of({{"collections", array_of(collection)}, {"crs", array_of(str)}, {"links", links}})},
        {"GET /ogc/collections/{id}", collection},
        {"GET /ogc/collections/{id}/queryables",
         object_of({{"$schema", str}, {"$id", str}, {"type", str}, {"title", str}, {"additionalProperties", boolean},
                    {"properties", map_of(map_of(any_value, "type, title, format, enum, x-ogc-role"), "the queryable properties")}})},
        {"GET /ogc/collections/{id}/items", object_of({{"type", one_of({"FeatureCollection"})}, {"features", array_of(feature)}, {"numberMatched", integer},
                                                       {"numberReturned", integer}, {"timeStamp", time}, {"links", links}})},
        {"GET /ogc/collections/{id}/items/{fid}", feature},
        // Naming
        {"POST /api/v1/names/check", object_of({{"name", str}, {"conflicts", array_of(conflict)}})},
        {"POST /api/v1/names", object_of({{"id", integer}, {"name", str}, {"pinyin", str}, {"status", str}, {"accepted_conflicts", array_of(conflict)}})},
        {"POST /api/v1/names/{id}/approve", id_status},
        {"POST /api/v1/names/{id}/reject", id_status},
        {"POST /api/v1/names/{id}/retire", id_status},
        {"POST /api/v1/names/{id}/rename", object_of({{"id", integer}, {"status", one_of({"renamed"})}, {"former_name", str}, {"name", str}, {"pinyin", str},
                                                      {"renaming_id", integer}, {"plates_readdressed", integer}, {"issuances_created", integer}})},
        {"POST /api/v1/names/{id}/rename 202", object_of({{"id", integer}, {"status", one_of({"scheduled"})}, {"scheduled_renaming_id", integer},
                                                          {"new_name", str}, {"effective_on", date}})},
        {"POST /api/v1/names/{id}/rename/preview",
         object_of({{"id", integer}, {"former_name", str}, {"name", str}, {"pinyin", str}, {"effective_on", date},
                    {"takes_effect", one_of({"now", "scheduled"})}, {"plates_readdressed", integer}, {"issuances_created", integer},
                    {"plate_ids", array_of(integer)}, {"accepted_conflicts", array_of(conflict)}})},
        {"GET /api/v1/scheduled-renamings",
         object_of({{"today", date}, {"scheduled_renamings", array_of(object_of({{"id", integer}, {"place_name_id", integer}, {"name", str}, {"new_name", str},
                                                                                 {"decision_doc", str}, {"decided_on", date}, {"effective_on", date},
                                                                                 {"reason", nullable("string")}, {"scheduled_by", str},
                                                                                 {"status", one_of({"scheduled", "done", "withdrawn", "failed"})},
                                                                                 {"outcome", nullable("string")}}))}})},
        {"POST /api/v1/scheduled-renamings/{id}/withdraw", id_status},
        // Door plates and issuances
        {"POST /api/v1/doorplates", issued},
        {"POST /api/v1/doorplates 200", issued},
        {"GET /api/v1/doorplates/{id}", plate_record},
        {"POST /api/v1/doorplates/{id}/building", object_of({{"building_plate_id", integer}, {"unit_plates", integer}, {"room_plates", integer},
                                                             {"issuances", integer}, {"first_address", str}, {"last_address", str}})},
        {"POST /api/v1/doorplates/{id}/cancel", object_of({{"id", integer}, {"status", str}, {"plates_cancelled", integer}, {"issuances_cancelled", integer},
                                                           {"number_retired", boolean}})},
        {"POST /api/v1/applications", applications},
        {"POST /api/v1/applications 200", applications},
        {"POST /api/v1/applications 422", applications},
        {"GET /api/v1/issuances", object_of({{"issuances", array_of(issuance)}, {"more", boolean}})},
        {"GET /api/v1/issuances/{id}", issuance},
        {"POST /api/v1/issuances/{id}/transition", id_status},
        {"POST /api/v1/issuances/transition", object_of({{"moved", integer}, {"status", str}, {"ids", array_of(integer)}})},
        {"POST /api/v1/print-orders", print_order},
        {"GET /api/v1/print-orders", object_of({{"print_orders", array_of(print_order_row)}, {"next_before", nullable("integer")}})},
        {"GET /api/v1/print-orders/{id}", print_order},
        {"POST /api/v1/print-orders/{id}/printed", id_status},
        {"POST /api/v1/print-orders/{id}/certificates", object_of({{"certificates", array_of(certificate)}})},
        {"POST /api/v1/issuances/{id}/certificate", certificate},
        {"POST /api/v1/issuances/{id}/certificate 200", certificate},
        {"GET /p/{code}", public_plate},
        // Sessions
        {"POST /api/v1/session", session},
        {"GET /api/v1/session", session},
        // Match governance
        {"POST /api/v1/match/decisions", decided},
        {"POST /api/v1/match/civil-decisions", object_of({{"id", integer}, {"kind", str}, {"civil_address_id", integer}})},
        {"GET /api/v1/match/decisions", object_of({{"police_key", type_of("string", "the police record's lasting key")}, {"decisions", array_of(decision)}})},
        {"GET /api/v1/match/worklist", object_of({{"run_id", nullable("integer")}, {"items", array_of(work_item)}, {"more", boolean},
                                                  {"progress", object_of({{"open", integer}, {"field_check", integer}, {"resolved", integer}})}})},
        {"POST /api/v1/match/worklist/assign", object_of({{"updated", integer}})},
        {"POST /api/v1/match/worklist/outcomes 200", object_of({{"written", boolean}, {"problems", integer}, {"rows", array_of(outcome_row)}})},
        {"POST /api/v1/match/worklist/outcomes 422", object_of({{"written", boolean}, {"problems", integer}, {"rows", array_of(outcome_row)}})},
        {"POST /api/v1/match/worklist/outcomes", object_of({{"written", boolean}, {"problems", integer}, {"rows", array_of(outcome_row)}})},
        {"GET /api/v1/match/runs", object_of({{"runs", array_of(run)}})},
        {"GET /api/v1/match/runs/{id}/changes", object_of({{"run", integer}, {"since", integer}, {"newly_linked", changes}, {"newly_unlinked", changes}})},
    };
}

} // namespace

std::optional<json> answer_schema(const std::string& key, int status) {
    static const std::map<std::string, json> answers = build();
    if (auto it = answers.find(key + " " + std::to_string(status)); it != answers.end()) return it->second;
    if (auto it = answers.find(key); it != answers.end()) return it->second;
    return std::nullopt;
}

json error_schema() {
    const json str = type_of("string"), boolean = type_of("boolean");
    return with_required(
        object_of({{"error", type_of("string", "bad_request, unauthorized, session_ended, forbidden, csrf, not_found, conflict, payload_too_large, "
                                               "unsupported_media_type, too_many_requests, unavailable, internal_error")},
                   {"message", type_of("string", "what is wrong and what to do, for a person")},
                   {"field", nullable("string", "the parameter or body field at fault")},
                   {"conflicts", array_of(object_of({{"kind", str}, {"blocking", boolean}, {"message", str}, {"place_name_id", nullable("integer")},
                                                      {"facts", map_of(json::object(), "the particulars")}}),
                                          "a naming refusal's conflicts")}}),
        {"error", "message"});
}

} // namespace diming::server
