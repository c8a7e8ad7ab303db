#include "naming/renaming.hpp"

#include "core/calendar.hpp"
#include "core/text.hpp"
#include "naming/naming.hpp"
#include "pinyin/romanizer.hpp"
#include "plates/standard_address.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>

namespace diming::naming {

namespace {

// The plate's address with the new name. Recomputed from its parts when the stored address
// is exactly what the registry would write with the old name; otherwise (an imported
// address in another form) the old name is replaced where it stands after the town.
std::string readdress(store::Database& db, const plates::AddressParts& old_parts, const std::string& stored, const std::string& old_name,
                      const std::string& new_name) {
    if (plates::standard_address(db, old_parts) == stored) {
        auto parts = old_parts;
        parts.place = new_name;
        return plates::standard_address(db, parts);
    }
    const auto at = stored.find(old_name);
    if (at == std::string::npos) return stored;
    return stored.substr(0, at) + new_name + stored.substr(at + old_name.size());
}

RenamingResult rename_in_open_transaction(store::Database& db, const Renaming& r, const std::string& actor, const NamingRules& rules) {
    const std::string new_name = text::is_valid_utf8(r.new_name) ? text::trim(r.new_name) : r.new_name;
    if (text::trim(r.decision_doc).empty()) throw refusal{refusal::Kind::invalid, "the decision document number is required", "decision_doc"};
    require_iso_date(r.decided_on, "decided_on");
    require_iso_date(r.effective_on, "effective_on");
    if (r.effective_on < r.decided_on) throw refusal{refusal::Kind::invalid, "effective_on is before decided_on", "effective_on"};
    if (!text::is_valid_utf8(r.reason) || text::code_points(r.reason) > 2000) {
        throw refusal{refusal::Kind::invalid, "the reason is UTF-8 text of at most 2,000 characters", "reason"};
    }
    auto place = db.prepare("SELECT name, pinyin, status, category_code FROM place_names WHERE id = ?1");
    place.bind(1, r.place_name_id);
    if (!place.step()) throw refusal{refusal::Kind::not_found, "no place name with id " + std::to_string(r.place_name_id), "id"};
    RenamingResult out;
    out.former_name = place.column_text(0);
    const std::string former_pinyin = place.column_text(1), status = place.column_text(2), category = place.column_text(3);
    if (status != "approved" && status != "registered") {
        throw refusal{refusal::Kind::conflict, "place name " + std::to_string(r.place_name_id) + " is " + status + "; only an approved or registered name is renamed", "id"};
    }
    if (new_name == out.former_name) throw refusal{refusal::Kind::invalid, "the new name is the current name", "new_name"};
    auto conflicts = check_name(db, new_name, rules, r.place_name_id);
    require_acceptable(conflicts, r.accepted);
    out.conflicts = conflicts;

    const auto romanized = pinyin::Romanizer::shared().romanize(
        new_name, category == "222" ? pinyin::NameKind::one_word : pinyin::NameKind::generic_separate);
    db.prepare(
          "INSERT INTO place_name_history(place_name_id, former_name, former_pinyin, new_name, decision_doc, decided_on, effective_on, reason, recorded_by) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind_all(r.place_name_id, out.former_name, former_pinyin, new_name, r.decision_doc, r.decided_on, r.effective_on, r.reason, actor)
        .run();
    out.history_id = db.last_insert_rowid();
    out.new_pinyin = romanized.spelling;
    db.prepare("UPDATE place_names SET name = ?2, pinyin = ?3, pinyin_key = ?4, pinyin_initials = ?5, "
               "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1")
        .bind_all(r.place_name_id, new_name, romanized.spelling, romanized.key, romanized.initials)
        .run();

    // Every live plate on the place, re-addressed; the ones showing the name re-issued.
    struct Plate {
        std::int64_t id;
        std::string type;
        plates::AddressParts parts;
        std::string address;
    };
    std::vector<Plate> list;
    auto q = db.prepare(
        "SELECT id, plate_type, town_code, hamlet, number, suffix, compound, building, unit, room, standard_address "
        "FROM door_plates WHERE place_name_id = ?1 AND status <> 'cancelled' ORDER BY id");
    q.bind(1, r.place_name_id);
    while (q.step()) {
        plates::AddressParts p;
        p.town_code = q.column_text(2);
        p.place = out.former_name;
        p.hamlet = q.column_text(3);
        if (!q.is_null(4)) p.number = static_cast<int>(q.column_int(4));
        p.suffix = q.column_text(5);
        p.compound = q.column_text(6);
        p.building = q.column_text(7);
        p.unit = q.column_text(8);
        p.room = q.column_text(9);
        list.push_back({q.column_int(0), q.column_text(1), std::move(p), q.column_text(10)});
    }
    auto update = db.prepare("UPDATE door_plates SET standard_address = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1");
    auto history = db.prepare(
        "INSERT INTO door_plate_history(door_plate_id, former_address, new_address, renaming_id, changed_by) VALUES (?1, ?2, ?3, ?4, ?5)");
    auto issue = db.prepare(
        "INSERT INTO issuances(door_plate_id, kind, applicant, renaming_id, created_by) VALUES (?1, 'renaming', ?2, ?3, ?4)");
    for (const auto& p : list) {
        const std::string now = readdress(db, p.parts, p.address, out.former_name, new_name);
        update.bind_all(p.id, now).run();
        history.bind_all(p.id, p.address, now, out.history_id, actor).run();
        store::record_change(db, {actor, "door_plate.readdress", "door_plates", std::to_string(p.id),
                                  nlohmann::json{{"standard_address", p.address}}.dump(),
                                  nlohmann::json{{"standard_address", now}, {"renaming_id", out.history_id}}.dump()});
        ++out.plates_readdressed;
        out.plate_ids.push_back(p.id);
        if (p.type == "door" || p.type == "building") {
            issue.bind_all(p.id, "renaming " + r.decision_doc, out.history_id, actor).run();
            ++out.issuances_created;
        }
    }
    store::record_change(db, {actor, "place_name.rename", "place_names", std::to_string(r.place_name_id),
                              nlohmann::json{{"name", out.former_name}, {"pinyin", former_pinyin}}.dump(),
                              nlohmann::json{{"name", new_name},
                                             {"pinyin", out.new_pinyin},
                                             {"decision_doc", r.decision_doc},
                                             {"decided_on", r.decided_on},
                                             {"effective_on", r.effective_on},
                                             {"reason", r.reason},
                                             {"history_id", out.history_id},
                                             {"plates_readdressed", out.plates_readdressed},
                                             {"issuances_created", out.issuances_created},
                                             {"accepted_conflicts", to_json(conflicts)}}
                                  .dump()});
    return out;
}


} // namespace

RenamingResult rename_place(store::Database& db, const Renaming& r, const std::string& actor, const NamingRules& rules) {
    store::Transaction tx{db};
    auto out = rename_in_open_transaction(db, r, actor, rules);
    if (!r.dry_run) tx.commit(); // a dry run rolls back as the transaction ends
    return out;
}


std::int64_t schedule_renaming(store::Database& db, const Renaming& r, const std::string& actor, const NamingRules& rules) {
    require_iso_date(r.effective_on, "effective_on");
    if (r.effective_on <= today()) {
        throw refusal{refusal::Kind::invalid, "effective_on " + r.effective_on + " is not after today (" + today() + "): rename now instead", "effective_on"};
    }
    store::Transaction tx{db};
    auto pending = db.prepare("SELECT id, new_name, effective_on FROM scheduled_renamings WHERE place_name_id = ?1 AND status = 'scheduled'");
    pending.bind(1, r.place_name_id);
    if (pending.step()) {
        throw refusal{refusal::Kind::conflict,
                      "place " + std::to_string(r.place_name_id) + " is to be renamed " + pending.column_text(1) + " on " + pending.column_text(2) +
                          " already (scheduled renaming " + std::to_string(pending.column_int(0)) + "); withdraw that one first",
                      "id"};
    }
    pending.reset();
    // Every check rename_place makes, made now (then rolled back with its savepoint).
    db.exec("SAVEPOINT schedule_check");
    RenamingResult checked;
    {
        auto dry = r;
        dry.dry_run = true;
        try {
            checked = rename_in_open_transaction(db, dry, actor, rules);
        } catch (...) {
            db.exec("ROLLBACK TO schedule_check");
            db.exec("RELEASE schedule_check");
            throw;
        }
    }
    db.exec("ROLLBACK TO schedule_check");
    db.exec("RELEASE schedule_check");
    nlohmann::json accepted = r.accepted;
    db.prepare("INSERT INTO scheduled_renamings(place_name_id, new_name, decision_doc, decided_on, effective_on, reason, accepted, scheduled_by) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind_all(r.place_name_id, text::trim(r.new_name), r.decision_doc, r.decided_on, r.effective_on, r.reason, accepted.dump(), actor)
        .run();
    const auto id = db.last_insert_rowid();
    store::record_change(db, {actor, "place_name.schedule_rename", "scheduled_renamings", std::to_string(id), std::nullopt,
                              nlohmann::json{{"place_name_id", r.place_name_id},
                                             {"name", checked.former_name},
                                             {"new_name", text::trim(r.new_name)},
                                             {"decision_doc", r.decision_doc},
                                             {"decided_on", r.decided_on},
                                             {"effective_on", r.effective_on},
                                             {"plates_to_readdress", checked.plates_readdressed},
                                             {"issuances_to_create", checked.issuances_created}}
                                  .dump()});
    tx.commit();
    return id;
}

RenamingOutcome rename_or_schedule(store::Database& db, const Renaming& r, const std::string& actor, const NamingRules& rules) {
    RenamingOutcome out;
    if (is_iso_date(r.effective_on) && r.effective_on > today()) {
        out.scheduled = true;
        out.scheduled_id = schedule_renaming(db, r, actor, rules);
    } else {
        out.done = rename_place(db, r, actor, rules);
    }
    return out;
}

void withdraw_renaming(store::Database& db, std::int64_t id, const std::string& actor) {
    store::Transaction tx{db};
    auto s = db.prepare("SELECT status, place_name_id, new_name FROM scheduled_renamings WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) throw refusal{refusal::Kind::not_found, "no scheduled renaming " + std::to_string(id), "id"};
    if (s.column_text(0) != "scheduled") {
        throw refusal{refusal::Kind::conflict, "scheduled renaming " + std::to_string(id) + " is " + s.column_text(0) + "; only a coming one is withdrawn", "id"};
    }
    db.prepare("UPDATE scheduled_renamings SET status = 'withdrawn' WHERE id = ?1").bind(1, id).run();
    store::record_change(db, {actor, "place_name.withdraw_rename", "scheduled_renamings", std::to_string(id),
                              nlohmann::json{{"status", "scheduled"}, {"place_name_id", s.column_int(1)}, {"new_name", s.column_text(2)}}.dump(),
                              nlohmann::json{{"status", "withdrawn"}}.dump()});
    tx.commit();
}

std::vector<std::int64_t> apply_due_renamings(store::Database& db, const std::string& on, const std::string& actor) {
    std::vector<ScheduledRenaming> due;
    for (auto& s : scheduled_renamings(db)) {
        if (s.effective_on <= on) due.push_back(std::move(s));
    }
    std::vector<std::int64_t> done;
    for (const auto& s : due) {
        Renaming r;
        r.place_name_id = s.place_name_id;
        r.new_name = s.new_name;
        r.decision_doc = s.decision_doc;
        r.decided_on = s.decided_on;
        r.effective_on = s.effective_on;
        r.reason = s.reason;
        auto a = db.prepare("SELECT accepted FROM scheduled_renamings WHERE id = ?1");
        a.bind(1, s.id);
        a.step();
        r.accepted = nlohmann::json::parse(a.column_text(0)).get<std::vector<std::string>>();
        a.reset();
        const std::string by = actor + " (scheduled by " + s.scheduled_by + ")";
        try {
            store::Transaction tx{db};
            const auto out = rename_in_open_transaction(db, r, by, {});
            db.prepare("UPDATE scheduled_renamings SET status = 'done', history_id = ?2, outcome = ?3 WHERE id = ?1")
                .bind_all(s.id, out.history_id, "renamed on " + on)
                .run();
            tx.commit();
            done.push_back(s.place_name_id);
        } catch (const refusal& e) {
            // Its name was taken, or the place retired, since the decision: recorded for the committee.
            store::Transaction tx{db};
            db.prepare("UPDATE scheduled_renamings SET status = 'failed', outcome = ?2 WHERE id = ?1").bind_all(s.id, std::string{e.what()}).run();
            store::record_change(db, {by, "place_name.rename_failed", "scheduled_renamings", std::to_string(s.id),
                                      nlohmann::json{{"status", "scheduled"}}.dump(), nlohmann::json{{"status", "failed"}, {"reason", e.what()}}.dump()});
            tx.commit();
        }
    }
    return done;
}

std::vector<ScheduledRenaming> scheduled_renamings(store::Database& db, std::optional<std::int64_t> place_name_id, bool only_coming) {
    std::vector<ScheduledRenaming> out;
    auto s = db.prepare(
        "SELECT s.id, s.place_name_id, p.name, s.new_name, s.decision_doc, s.decided_on, s.effective_on, s.reason, s.status, s.outcome, s.scheduled_by "
        "FROM scheduled_renamings s JOIN place_names p ON p.id = s.place_name_id "
        "WHERE (?1 IS NULL OR s.place_name_id = ?1) AND (?2 = 0 OR s.status = 'scheduled') ORDER BY s.effective_on, s.id");
    s.bind(1, place_name_id).bind(2, only_coming ? 1 : 0);
    while (s.step()) {
        out.push_back({s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3), s.column_text(4), s.column_text(5), s.column_text(6),
                       s.column_text(7), s.column_text(8), s.column_text(9), s.column_text(10)});
    }
    return out;
}

} // namespace diming::naming
