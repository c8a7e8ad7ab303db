// The clerks' batch work: many issuances moved at once, a building's plates from a template,
// the cancellation (注销) of a plate. Each is one transaction, role-checked, every record audited.

#include "plates/applications.hpp"
#include "plates/building_template.hpp"
#include "plates/cancellation.hpp"
#include "plates/issuance.hpp"
#include "server/request_body.hpp"
#include "server/scratch_folder.hpp"

namespace diming::server {

namespace {

void issuances_move(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"ids", "to", "note"}};
    plates::BatchMove batch;
    batch.ids = b.integers("ids");
    batch.to = b.text("to", true, 20);
    batch.note = b.prose("note", 500);
    // The tiles show issuance status through the plates: every plate moved is redrawn.
    const auto moved = write(c, [&](store::Database& db) { return plates::move_issuances(db, batch, who.name); },
                             [&](store::Database& db, std::size_t) -> std::optional<lookup::BBox> {
                                 auto s = db.prepare(
                                     "SELECT min(MbrMinX(d.geom)), min(MbrMinY(d.geom)), max(MbrMaxX(d.geom)), max(MbrMaxY(d.geom)) "
                                     "FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE i.id IN (SELECT value FROM json_each(?1))");
                                 s.bind(1, json(batch.ids).dump());
                                 if (!s.step() || s.is_null(0)) return std::nullopt;
                                 return lookup::BBox{s.column_double(0), s.column_double(1), s.column_double(2), s.column_double(3)};
                             });
    c.send_json(200, json{{"moved", moved}, {"status", batch.to}, {"ids", batch.ids}});
}

int small_count(const Body& b, const char* field, int fallback) {
    if (!b.has(field)) return fallback;
    const auto v = b.integer(field);
    if (v < 0 || v > 1000) throw http_error{400, "bad_request", std::string{field} + " is out of range", field};
    return static_cast<int>(v);
}

void building_plates(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"building", "units", "floors", "rooms_per_floor", "first_floor", "applicant"}};
    plates::BuildingTemplate t;
    t.door_plate_id = c.path_id(1, "door plate");
    t.building = b.text("building", true, 20);
    t.units = small_count(b, "units", 1);
    t.floors = small_count(b, "floors", 1);
    t.rooms_per_floor = small_count(b, "rooms_per_floor", 1);
    t.first_floor = small_count(b, "first_floor", 1);
    t.applicant = b.text("applicant", false, 100);
    const auto out = write(c, [&](store::Database& db) { return plates::issue_building_plates(db, t, who.name); },
                           [&](store::Database& db, const plates::BuildingPlates&) { return indexed_box(db, "door_plates", t.door_plate_id, 0); });
    c.send_json(201, json{{"building_plate_id", out.building_plate_id}, {"unit_plates", out.unit_plates}, {"room_plates", out.room_plates},
                          {"issuances", out.issuances}, {"first_address", out.first_address}, {"last_address", out.last_address}});
}

void cancel_plate(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"reason_code", "reason", "decision_doc", "cancelled_on"}};
    plates::Cancellation k;
    k.door_plate_id = c.path_id(1, "door plate");
    k.reason_code = b.text("reason_code", true, 20);
    k.reason = b.prose("reason", 2000);
    k.decision_doc = b.text("decision_doc", false, 60);
    k.cancelled_on = b.text("cancelled_on", true, 10);
    const auto out = write(c, [&](store::Database& db) { return plates::cancel_plate(db, k, who.name); },
                           [&](store::Database& db, const plates::CancellationResult&) { return indexed_box(db, "door_plates", k.door_plate_id, 0); });
    c.send_json(200, json{{"id", k.door_plate_id}, {"status", "cancelled"}, {"plates_cancelled", out.plates_cancelled},
                          {"issuances_cancelled", out.issuances_cancelled}, {"number_retired", out.number_retired}});
}

constexpr const char* xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

void application_template(Call& c) {
    c.allow_params({});
    ScratchFolder dir;
    const auto file = dir / "door-plate-applications.xlsx";
    plates::write_application_template(file);
    c.res.set_header("Content-Disposition", "attachment; filename=\"door-plate-applications.xlsx\"");
    c.send_json(200, read_whole(file), xlsx_type);
}

// The sheet is the body (XLSX, or CSV); ?check=true only checks. Either way every row's
// outcome comes back; nothing is written unless every row is good.
void applications(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    c.allow_params({"check"});
    const auto check = c.param("check").value_or("false");
    if (check != "true" && check != "false") throw http_error{400, "bad_request", "check is true or false", "check"};
    const std::string type = c.req.get_header_value("Content-Type");
    const bool xlsx = type.rfind(xlsx_type, 0) == 0;
    const bool csv = type.rfind("text/csv", 0) == 0;
    if (!xlsx && !csv) throw http_error{415, "unsupported_media_type", std::string{"send the sheet as "} + xlsx_type + " (or text/csv)"};
    if (c.req.body.empty()) throw http_error{400, "bad_request", "the sheet is empty", "file"};
    ScratchFolder dir;
    const auto file = dir / (xlsx ? "applications.xlsx" : "applications.csv");
    write_whole(file, c.req.body);
    std::vector<plates::ApplicationRow> rows;
    try {
        rows = plates::read_applications(file);
    } catch (const input_error& e) {
        throw http_error{400, "bad_request", e.what(), "file"};
    }
    const auto gazetteer = c.state.gazetteer();
    const auto batch = write(c, [&](store::Database& db) { return plates::apply_applications(db, *gazetteer, rows, check == "true", who.name); },
                             [](store::Database& db, const plates::ApplicationBatch& b) -> std::optional<lookup::BBox> {
                                 if (!b.written) return std::nullopt;
                                 std::vector<std::int64_t> ids;
                                 for (const auto& r : b.rows) ids.push_back(r.plate.door_plate_id);
                                 return indexed_box(db, "door_plates", ids, 0);
                             });
    // 200 for a check or a refused batch (the rows say why), 201 when written.
    c.send_json(batch.written ? 201 : (check == "true" ? 200 : 422), plates::to_json(batch));
}

} // namespace

void add_plate_batch_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "POST", "/api/v1/issuances/transition", "/api/v1/issuances/transition", issuances_move);
    route(http, state, "POST", R"(/api/v1/doorplates/([^/]+)/building)", "/api/v1/doorplates/{id}/building", building_plates);
    route(http, state, "POST", R"(/api/v1/doorplates/([^/]+)/cancel)", "/api/v1/doorplates/{id}/cancel", cancel_plate);
    route(http, state, "GET", "/api/v1/applications/template.xlsx", "/api/v1/applications/template.xlsx", application_template);
    route(http, state, "POST", "/api/v1/applications", "/api/v1/applications", applications);
    route(http, state, "GET", "/api/v1/cancellation-reasons", "/api/v1/cancellation-reasons", [](Call& c) {
        c.allow_params({});
        c.send_json(200, json{{"reasons", plates::cancellation_reasons()}});
    });
}

} // namespace diming::server
