// The registry's write side: naming and renaming (committee), door plates and issuances
// (clerks; print orders are in printing_routes.cpp). Each handler checks the role, reads a
// JSON body, and calls the same library function the CLI calls; the library writes in one
// transaction with its audit entry.

#include "lookup/query.hpp"
#include "naming/naming.hpp"
#include "naming/renaming.hpp"
#include "plates/door_plates.hpp"
#include "plates/issuance.hpp"
#include "server/call.hpp"
#include "server/request_body.hpp"
#include "server/scratch_folder.hpp"

#include <limits>

namespace diming::server {

namespace {

naming::Decision decision(const Body& b, bool document_required) {
    naming::Decision d;
    d.document = b.text("decision_doc", document_required, 60);
    d.date = b.text("decided_on", document_required, 10);
    d.reason = b.prose("reason", 2000);
    return d;
}

json issued_json(const plates::IssuedPlate& p) {
    json j{{"door_plate_id", p.door_plate_id}, {"issuance_id", p.issuance_id}, {"standard_address", p.standard_address},
           {"suffix", p.suffix}, {"proposal", {{"number", p.proposal.number}, {"suffix", p.proposal.suffix},
                                               {"side", plates::to_string(p.proposal.side)}, {"before", p.proposal.before},
                                               {"after", p.proposal.after}, {"reason", p.proposal.reason}}}};
    j["number"] = p.number ? json(*p.number) : json(nullptr);
    if (p.proposal.along_m) j["proposal"]["along_m"] = std::round(*p.proposal.along_m * 10) / 10;
    if (p.proposal.offset_m) j["proposal"]["offset_m"] = std::round(*p.proposal.offset_m * 10) / 10;
    return j;
}

// ---- naming ----------------------------------------------------------------------------

void names_check(Call& c) {
    c.require(access::Role::committee);
    Body b{c, {"name"}};
    const auto name = b.text("name", true, 40);
    c.send_json(200, json{{"name", name}, {"conflicts", naming::to_json(naming::check_name(c.worker.db, name, {}))}});
}

void names_propose(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {"name", "category_code", "division_code", "geometry", "meaning", "origin", "accept"}};
    naming::NameProposal p;
    p.name = b.text("name", true, 40);
    p.category_code = b.text("category_code", true, 20);
    p.division_code = b.text("division_code", true, 12);
    if (b.has("geometry")) {
        if (!b.raw("geometry").is_object()) throw http_error{400, "bad_request", "geometry must be a GeoJSON geometry object", "geometry"};
        p.geometry = b.raw("geometry").dump();
    }
    p.meaning = b.optional_prose("meaning");
    p.origin = b.optional_prose("origin");
    p.accepted = b.strings("accept");
    const auto r = write(c, [&](store::Database& db) { return naming::propose_name(db, p, who.name); },
                         [](store::Database& db, const naming::ProposalResult& res) { return indexed_box(db, "place_names", res.id, 0); });
    c.send_json(201, json{{"id", r.id}, {"name", p.name}, {"pinyin", r.pinyin}, {"status", "proposed"}, {"accepted_conflicts", naming::to_json(r.conflicts)}});
}

void names_approve(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {"decision_doc", "decided_on"}};
    const auto id = c.path_id();
    const auto d = decision(b, true);
    write(c, [&](store::Database& db) { naming::approve_name(db, id, d, who.name); return 0; }, place_touched(id));
    c.state.reload_names();
    c.send_json(200, json{{"id", id}, {"status", "approved"}});
}

void names_reject(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {"decision_doc", "decided_on", "reason"}};
    const auto id = c.path_id();
    const auto d = decision(b, false);
    write(c, [&](store::Database& db) { naming::reject_name(db, id, d, who.name); return 0; }, place_touched(id));
    c.send_json(200, json{{"id", id}, {"status", "rejected"}});
}

void names_retire(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {"decision_doc", "decided_on", "reason"}};
    const auto id = c.path_id();
    const auto d = decision(b, true);
    write(c, [&](store::Database& db) { naming::retire_name(db, id, d, who.name); return 0; }, place_touched(id));
    c.state.reload_names();
    c.send_json(200, json{{"id", id}, {"status", "retired"}});
}

naming::Renaming renaming_from(const Call& c, const Body& b) {
    naming::Renaming r;
    r.place_name_id = c.path_id();
    r.new_name = b.text("new_name", true, 40);
    r.decision_doc = b.text("decision_doc", true, 60);
    r.decided_on = b.text("decided_on", true, 10);
    r.effective_on = b.text("effective_on", true, 10);
    r.reason = b.prose("reason", 2000);
    r.accepted = b.strings("accept");
    return r;
}

// A renaming whose effective date has come is carried out now; a later one is scheduled (202).
void names_rename(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {"new_name", "decision_doc", "decided_on", "effective_on", "reason", "accept"}};
    const auto r = renaming_from(c, b);
    const auto out = write(c, [&](store::Database& db) { return naming::rename_or_schedule(db, r, who.name); }, place_touched(r.place_name_id));
    c.state.reload_names();
    if (out.scheduled) {
        c.send_json(202, json{{"id", r.place_name_id}, {"status", "scheduled"}, {"scheduled_renaming_id", out.scheduled_id}, {"new_name", r.new_name},
                              {"effective_on", r.effective_on}});
        return;
    }
    c.send_json(200, json{{"id", r.place_name_id}, {"status", "renamed"}, {"former_name", out.done.former_name}, {"name", r.new_name},
                          {"pinyin", out.done.new_pinyin}, {"renaming_id", out.done.history_id}, {"plates_readdressed", out.done.plates_readdressed},
                          {"issuances_created", out.done.issuances_created}});
}

// The impact preview: what the renaming would do, done and rolled back (the same code path).
void names_rename_preview(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {"new_name", "decision_doc", "decided_on", "effective_on", "reason", "accept"}};
    auto r = renaming_from(c, b);
    r.dry_run = true;
    // On a read connection a write cannot even start: the preview runs on the writer and rolls back.
    const auto out = write(c, [&](store::Database& db) { return naming::rename_place(db, r, who.name); });
    const bool scheduled = r.effective_on > naming::today();
    c.send_json(200, json{{"id", r.place_name_id}, {"former_name", out.former_name}, {"name", r.new_name}, {"pinyin", out.new_pinyin},
                          {"plates_readdressed", out.plates_readdressed}, {"issuances_created", out.issuances_created},
                          {"plate_ids", out.plate_ids}, {"accepted_conflicts", naming::to_json(out.conflicts)},
                          {"takes_effect", scheduled ? "scheduled" : "now"}, {"effective_on", r.effective_on}});
}

json scheduled_json(const naming::ScheduledRenaming& s) {
    return json{{"id", s.id}, {"place_name_id", s.place_name_id}, {"name", s.current_name}, {"new_name", s.new_name},
                {"decision_doc", s.decision_doc}, {"decided_on", s.decided_on}, {"effective_on", s.effective_on}, {"reason", s.reason},
                {"status", s.status}, {"outcome", s.outcome}, {"scheduled_by", s.scheduled_by}};
}

void scheduled_list(Call& c) {
    c.allow_params({"all"});
    const bool all = c.param("all").value_or("") == "true";
    auto out = json::array();
    for (const auto& s : naming::scheduled_renamings(c.worker.db, std::nullopt, !all)) out.push_back(scheduled_json(s));
    c.send_json(200, json{{"today", naming::today()}, {"scheduled_renamings", std::move(out)}});
}

void scheduled_withdraw(Call& c) {
    const auto& who = c.require(access::Role::committee);
    Body b{c, {}};
    const auto id = c.path_id();
    write(c, [&](store::Database& db) { naming::withdraw_renaming(db, id, who.name); return 0; });
    c.state.reload_names();
    c.send_json(200, json{{"id", id}, {"status", "withdrawn"}});
}

// ---- door plates and issuances -----------------------------------------------------------

void doorplates_create(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"place_name_id", "point", "hamlet", "number", "suffix", "compound", "applicant", "dry_run", "parent_id", "plate_type",
               "building", "unit", "room", "reuse_cancelled"}};
    plates::IssuedPlate out;
    if (b.has("parent_id")) {
        plates::ChildPlateRequest r;
        r.parent_id = b.integer("parent_id");
        r.plate_type = b.text("plate_type", true, 20);
        r.building = b.text("building", false, 20);
        r.unit = b.text("unit", false, 20);
        r.room = b.text("room", false, 20);
        r.applicant = b.text("applicant", false, 100);
        out = write(c, [&](store::Database& db) { return plates::issue_child_plate(db, r, who.name); });
    } else {
        plates::DoorPlateRequest r;
        r.place_name_id = b.integer("place_name_id");
        r.point = b.point("point");
        r.hamlet = b.text("hamlet", false, 20);
        if (b.has("number")) {
            const auto n = b.integer("number");
            if (n < 1 || n > 99'999) throw http_error{400, "bad_request", "number is between 1 and 99999", "number"};
            r.number = static_cast<int>(n);
        }
        r.suffix = b.text("suffix", false, 8);
        r.compound = b.text("compound", false, 20);
        r.applicant = b.text("applicant", false, 100);
        r.dry_run = b.flag("dry_run");
        r.reuse_cancelled = b.flag("reuse_cancelled");
        out = write(c, [&](store::Database& db) { return plates::issue_door_plate(db, r, who.name); },
                    [](store::Database& db, const plates::IssuedPlate& p) { return p.door_plate_id ? indexed_box(db, "door_plates", p.door_plate_id, 0) : std::nullopt; });
        if (r.dry_run) {
            c.send_json(200, issued_json(out));
            return;
        }
    }
    c.send_json(201, issued_json(out));
}

void doorplate_by_id(Call& c) {
    c.allow_params({});
    const auto id = c.path_id();
    auto& s = c.worker.db.cached(
        "SELECT d.plate_type, d.parent_id, d.place_name_id, p.name, d.hamlet, d.number, d.suffix, d.compound, d.building, d.unit, d.room, "
        "d.town_code, d.community_code, d.standard_address, d.status, X(d.geom), Y(d.geom), d.created_at, d.updated_at "
        "FROM door_plates d JOIN place_names p ON p.id = d.place_name_id WHERE d.id = ?1");
    s.bind(1, id);
    if (!s.step()) {
        s.reset();
        throw http_error{404, "not_found", "no door plate " + std::to_string(id)};
    }
    auto opt = [&](int i) { return s.is_null(i) ? json(nullptr) : json(s.column_text(i)); };
    json r{{"id", id}, {"plate_type", s.column_text(0)}, {"parent_id", s.is_null(1) ? json(nullptr) : json(s.column_int(1))},
           {"place", {{"id", s.column_int(2)}, {"name", s.column_text(3)}}}, {"hamlet", s.column_text(4)},
           {"number", s.is_null(5) ? json(nullptr) : json(s.column_int(5))}, {"suffix", s.column_text(6)}, {"compound", s.column_text(7)},
           {"building", s.column_text(8)}, {"unit", s.column_text(9)}, {"room", s.column_text(10)}, {"town_code", s.column_text(11)},
           {"community_code", opt(12)}, {"standard_address", s.column_text(13)}, {"status", s.column_text(14)},
           {"point", {s.column_double(15), s.column_double(16)}}, {"created_at", s.column_text(17)}, {"updated_at", s.column_text(18)}};
    s.reset();
    json history = json::array();
    auto& h = c.worker.db.cached("SELECT former_address, new_address, renaming_id, changed_at, changed_by FROM door_plate_history WHERE door_plate_id = ?1 ORDER BY id");
    h.bind(1, id);
    while (h.step()) {
        history.push_back({{"former_address", h.column_text(0)}, {"new_address", h.column_text(1)},
                           {"renaming_id", h.is_null(2) ? json(nullptr) : json(h.column_int(2))}, {"changed_at", h.column_text(3)},
                           {"changed_by", h.column_text(4)}});
    }
    h.reset();
    r["history"] = std::move(history);
    json issuances = json::array();
    auto& i = c.worker.db.cached("SELECT id, kind, status, created_at FROM issuances WHERE door_plate_id = ?1 ORDER BY id");
    i.bind(1, id);
    while (i.step()) issuances.push_back({{"id", i.column_int(0)}, {"kind", i.column_text(1)}, {"status", i.column_text(2)}, {"created_at", i.column_text(3)}});
    i.reset();
    r["issuances"] = std::move(issuances);
    c.send_json(200, r);
}

plates::IssuanceFilter issuance_filter(const Call& c) {
    plates::IssuanceFilter f;
    f.status = c.param("status");
    f.road = c.param("road");
    f.from = c.param("from");
    f.to = c.param("to");
    if (auto v = c.param("print_order")) f.print_order = lookup::parse_integer(*v, "print_order", 1, std::numeric_limits<std::int64_t>::max());
    if (auto v = c.param("limit")) f.limit = static_cast<int>(lookup::parse_integer(*v, "limit", 1, plates::max_issuance_limit));
    if (auto v = c.param("after")) f.after = lookup::parse_integer(*v, "after", 0, std::numeric_limits<std::int64_t>::max());
    if (f.road) f.road = lookup::parse_text(*f.road, "road", 40);
    f.kind = c.param("kind");
    if (auto q = c.param("q")) f.q = lookup::parse_text(*q, "q", 100);
    return f;
}

void issuances_list(Call& c) {
    c.allow_params({"status", "kind", "road", "q", "from", "to", "print_order", "limit", "after"});
    c.send_json(200, plates::list_issuances(c.worker.db, issuance_filter(c)));
}

// The filtered issuances as a sheet (every match, not one page).
void issuances_export(Call& c, bool xlsx) {
    c.allow_params({"status", "kind", "road", "q", "from", "to", "print_order"});
    const auto f = issuance_filter(c);
    ScratchFolder dir;
    const auto file = dir / (xlsx ? "issuances.xlsx" : "issuances.csv");
    plates::export_issuances(c.worker.db, f, file, xlsx);
    c.res.set_header("Content-Disposition", std::string{"attachment; filename=\""} + file.filename().string() + "\"");
    c.send_json(200, read_whole(file), xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8");
}

void issuance_by_id(Call& c) {
    c.allow_params({});
    const auto id = c.path_id();
    auto r = plates::issuance_record(c.worker.db, id);
    if (!r) throw http_error{404, "not_found", "no issuance " + std::to_string(id)};
    c.send_json(200, *r);
}

void issuance_transition(Call& c) {
    const auto& who = c.require(access::Role::clerk);
    Body b{c, {"to", "note"}};
    const auto id = c.path_id();
    const auto to = b.text("to", true, 20);
    const auto note = b.prose("note", 500);
    write(c, [&](store::Database& db) {
        plates::move_issuance(db, id, to, who.name, note);
        auto plate = db.prepare("SELECT door_plate_id FROM issuances WHERE id = ?1");
        plate.bind(1, id);
        plate.step();
        return plate.column_int(0);
    }, [](store::Database& db, std::int64_t plate) { return indexed_box(db, "door_plates", plate, 0); });
    c.send_json(200, json{{"id", id}, {"status", to}});
}

} // namespace

void add_registry_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "POST", "/api/v1/names/check", "/api/v1/names/check", names_check);
    route(http, state, "POST", "/api/v1/names", "/api/v1/names", names_propose);
    route(http, state, "POST", R"(/api/v1/names/([^/]+)/approve)", "/api/v1/names/{id}/approve", names_approve);
    route(http, state, "POST", R"(/api/v1/names/([^/]+)/reject)", "/api/v1/names/{id}/reject", names_reject);
    route(http, state, "POST", R"(/api/v1/names/([^/]+)/retire)", "/api/v1/names/{id}/retire", names_retire);
    route(http, state, "POST", R"(/api/v1/names/([^/]+)/rename)", "/api/v1/names/{id}/rename", names_rename);
    route(http, state, "POST", R"(/api/v1/names/([^/]+)/rename/preview)", "/api/v1/names/{id}/rename/preview", names_rename_preview);
    route(http, state, "GET", "/api/v1/scheduled-renamings", "/api/v1/scheduled-renamings", scheduled_list);
    route(http, state, "POST", R"(/api/v1/scheduled-renamings/([^/]+)/withdraw)", "/api/v1/scheduled-renamings/{id}/withdraw", scheduled_withdraw);
    route(http, state, "POST", "/api/v1/doorplates", "/api/v1/doorplates", doorplates_create);
    route(http, state, "GET", R"(/api/v1/doorplates/([^/]+))", "/api/v1/doorplates/{id}", doorplate_by_id);
    route(http, state, "GET", "/api/v1/issuances", "/api/v1/issuances", issuances_list);
    route(http, state, "GET", "/api/v1/issuances.csv", "/api/v1/issuances.csv", [](Call& c) { issuances_export(c, false); });
    route(http, state, "GET", "/api/v1/issuances.xlsx", "/api/v1/issuances.xlsx", [](Call& c) { issuances_export(c, true); });
    route(http, state, "GET", R"(/api/v1/issuances/([^/]+))", "/api/v1/issuances/{id}", issuance_by_id);
    route(http, state, "POST", R"(/api/v1/issuances/([^/]+)/transition)", "/api/v1/issuances/{id}/transition", issuance_transition);
}

} // namespace diming::server
