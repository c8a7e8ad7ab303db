#include "cli/commands.hpp"

#include "core/error.hpp"
#include "lookup/address_lookup.hpp"
#include "lookup/name_record.hpp"
#include "lookup/name_search.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace diming::cli {

void add_names(CLI::App& app) {
    auto* cmd = app.add_subcommand("names", "Look place names up (the same search as GET /api/v1/names)");
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

} // namespace diming::cli
