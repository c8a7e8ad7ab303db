#include "cli/commands.hpp"

#include "core/error.hpp"
#include "lookup/address_lookup.hpp"
#include "naming/naming.hpp"
#include "naming/renaming.hpp"
#include "store/audit_log.hpp"
#include "lookup/name_record.hpp"
#include "lookup/name_search.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace diming::cli {

void add_naming(CLI::App& names);

void add_names(CLI::App& app) {
    auto* cmd = app.add_subcommand("names", "Look place names up; propose, approve, reject, retire and rename them");
    cmd->require_subcommand(1);
    struct Args {
        std::string db, q, category, town, status, near, bbox;
        int limit = 20, offset = 0;
        std::int64_t id = 0;
    };
    auto a = std::make_shared<Args>();

    auto* search = cmd->add_subcommand("search", "Search by name, part of a name, pinyin, initials or former name; prints JSON");
    search->add_option("--db", a->db, "registry database")->required();
    search->add_option("q", a->q, "what to look for (may be empty with --near or --bbox)");
    search->add_option("--category", a->category, "category code (D-ROAD, 222, ...)");
    search->add_option("--town", a->town, "town code or name");
    search->add_option("--status", a->status, "proposed, approved, registered, rejected or retired");
    search->add_option("--near", a->near, "lon,lat: order by distance from this point");
    search->add_option("--bbox", a->bbox, "minlon,minlat,maxlon,maxlat");
    search->add_option("--limit", a->limit)->capture_default_str();
    search->add_option("--offset", a->offset)->capture_default_str();
    search->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_only);
        store::require_current_schema(db);
        lookup::NameQuery q;
        q.q = a->q;
        if (!a->category.empty()) q.category = a->category;
        if (!a->town.empty()) q.town = a->town;
        if (!a->status.empty()) q.status = a->status;
        if (!a->near.empty()) q.near = lookup::parse_lon_lat(a->near, "--near");
        if (!a->bbox.empty()) q.bbox = lookup::parse_bbox(a->bbox, "--bbox");
        q.limit = a->limit;
        q.offset = a->offset;
        const auto gazetteer = address::Gazetteer::from_database(db);
        std::cout << lookup::to_json(lookup::search_names(db, q, &gazetteer)).dump(2) << '\n';
    });

    auto* show = cmd->add_subcommand("show", "One place name in full, with its history; prints JSON");
    show->add_option("--db", a->db, "registry database")->required();
    show->add_option("id", a->id, "place name id")->required();
    show->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_only);
        store::require_current_schema(db);
        const auto record = lookup::name_record(db, a->id);
        if (!record) throw input_error{"no place name with id " + std::to_string(a->id)};
        std::cout << record->dump(2) << '\n';
    });
    add_naming(*cmd);
}

void add_geocode(CLI::App& app) {
    auto* cmd = app.add_subcommand("geocode", "Find the registry's door plate for a free-text address (as GET /api/v1/addresses)");
    struct Args {
        std::string db, q, reverse;
        double radius = 100;
        int limit = 5;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--db", a->db, "registry database")->required();
    cmd->add_option("address", a->q, "the address");
    cmd->add_option("--reverse", a->reverse, "lon,lat: the nearest plates and road instead");
    cmd->add_option("--radius", a->radius, "metres, with --reverse")->capture_default_str();
    cmd->add_option("--limit", a->limit)->capture_default_str();
    cmd->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_only);
        store::require_current_schema(db);
        if (!a->reverse.empty()) {
            const auto p = lookup::parse_lon_lat(a->reverse, "--reverse");
            std::cout << lookup::to_json(lookup::reverse_geocode(db, p, a->radius, a->limit)).dump(2) << '\n';
            return;
        }
        const auto gazetteer = address::Gazetteer::from_database(db);
        std::cout << lookup::to_json(lookup::geocode(db, gazetteer, a->q, a->limit)).dump(2) << '\n';
    });
}


void add_naming(CLI::App& cmd) {
    struct Args {
        std::string db, name, category, division, geometry, meaning, origin, doc, decided, effective, reason;
        std::vector<std::string> accept;
        std::int64_t id = 0;
    };
    auto a = std::make_shared<Args>();
    auto open = [a] {
        auto db = store::Database::open(a->db, store::Access::read_write);
        store::require_current_schema(db);
        return db;
    };
    auto report = [](const std::vector<naming::Conflict>& conflicts) {
        for (const auto& c : conflicts) std::cerr << "  " << c.kind << (c.blocking ? " (blocking)" : "") << ": " << c.message << '\n';
    };

    auto* propose = cmd.add_subcommand("propose", "Propose a name: checked for duplicates, homophones, recent former names, characters");
    propose->add_option("--db", a->db, "registry database")->required();
    propose->add_option("name", a->name, "the proposed name")->required();
    propose->add_option("--category", a->category, "category code (D-ROAD, D-LANE, 222, ...)")->required();
    propose->add_option("--division", a->division, "town or village code it lies in")->required();
    propose->add_option("--geometry", a->geometry, "GeoJSON geometry (CGCS2000 lon/lat)");
    propose->add_option("--meaning", a->meaning, "含义");
    propose->add_option("--origin", a->origin, "来历");
    propose->add_option("--accept", a->accept, "conflict kinds the committee accepts (homophone, former_name)");
    propose->callback([a, open, report] {
        auto db = open();
        naming::NameProposal p{a->name, a->category, a->division, std::nullopt, std::nullopt, std::nullopt, a->accept};
        if (!a->geometry.empty()) p.geometry = a->geometry;
        if (!a->meaning.empty()) p.meaning = a->meaning;
        if (!a->origin.empty()) p.origin = a->origin;
        try {
            const auto r = naming::propose_name(db, p, store::cli_actor());
            std::cout << r.id << '\n';
            std::cerr << "proposed " << a->name << " (" << r.pinyin << ") as place name " << r.id << '\n';
            report(r.conflicts);
        } catch (const naming::naming_error& e) {
            report(e.conflicts());
            throw;
        }
    });

    auto decision_options = [a](CLI::App* sub, bool doc_required) {
        sub->add_option("--db", a->db, "registry database")->required();
        sub->add_option("id", a->id, "place name id")->required();
        auto* doc = sub->add_option("--doc", a->doc, "decision document number, e.g. 平政地〔2026〕12号");
        auto* date = sub->add_option("--date", a->decided, "decision date, YYYY-MM-DD");
        if (doc_required) {
            doc->required();
            date->required();
        }
        sub->add_option("--reason", a->reason, "reason");
    };
    auto* approve = cmd.add_subcommand("approve", "Approve a proposed name with the committee's decision");
    decision_options(approve, true);
    approve->callback([a, open] {
        auto db = open();
        naming::approve_name(db, a->id, {a->doc, a->decided, a->reason}, store::cli_actor());
        std::cerr << "place name " << a->id << " approved\n";
    });
    auto* reject = cmd.add_subcommand("reject", "Reject a proposed name");
    decision_options(reject, false);
    reject->callback([a, open] {
        auto db = open();
        naming::reject_name(db, a->id, {a->doc, a->decided, a->reason}, store::cli_actor());
        std::cerr << "place name " << a->id << " rejected\n";
    });
    auto* retire = cmd.add_subcommand("retire", "Retire an approved or registered name that no plate uses");
    decision_options(retire, true);
    retire->callback([a, open] {
        auto db = open();
        naming::retire_name(db, a->id, {a->doc, a->decided, a->reason}, store::cli_actor());
        std::cerr << "place name " << a->id << " retired\n";
    });

    auto* rename = cmd.add_subcommand("rename", "Rename a place: history, pinyin, every plate re-addressed and re-issued, in one transaction "
                                                "(scheduled when the effective date is after today)");
    rename->add_option("--db", a->db, "registry database")->required();
    rename->add_option("id", a->id, "place name id")->required();
    rename->add_option("--to", a->name, "the new name")->required();
    rename->add_option("--doc", a->doc, "decision document number")->required();
    rename->add_option("--decided", a->decided, "decision date, YYYY-MM-DD")->required();
    rename->add_option("--effective", a->effective, "effective date, YYYY-MM-DD")->required();
    rename->add_option("--reason", a->reason, "reason");
    rename->add_option("--accept", a->accept, "conflict kinds the committee accepts (homophone, former_name)");
    rename->callback([a, open, report] {
        auto db = open();
        naming::Renaming r{a->id, a->name, a->doc, a->decided, a->effective, a->reason, a->accept};
        try {
            const auto out = naming::rename_or_schedule(db, r, store::cli_actor());
            if (out.scheduled) {
                std::cout << nlohmann::json{{"id", a->id}, {"status", "scheduled"}, {"scheduled_renaming_id", out.scheduled_id}, {"new_name", a->name},
                                            {"effective_on", a->effective}}
                                 .dump()
                          << '\n';
                return;
            }
            std::cout << nlohmann::json{{"id", a->id}, {"status", "renamed"}, {"former_name", out.done.former_name}, {"name", a->name},
                                        {"pinyin", out.done.new_pinyin}, {"renaming_id", out.done.history_id},
                                        {"plates_readdressed", out.done.plates_readdressed}, {"issuances_created", out.done.issuances_created}}
                             .dump()
                      << '\n';
        } catch (const naming::naming_error& e) {
            report(e.conflicts());
            throw;
        }
    });

    auto* due = cmd.add_subcommand("apply-due", "Carry out the renamings scheduled for today or before (a running server does it each minute)");
    due->add_option("--db", a->db, "registry database")->required();
    due->callback([a, open] {
        auto db = open();
        const auto renamed = naming::apply_due_renamings(db, naming::today(), store::cli_actor());
        std::cout << nlohmann::json{{"today", naming::today()}, {"renamed", renamed}}.dump() << '\n';
    });
}

} // namespace diming::cli
