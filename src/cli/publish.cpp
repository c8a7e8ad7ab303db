#include "cli/commands.hpp"

#include "publish/publication.hpp"
#include "store/audit_log.hpp"
#include "store/migrations.hpp"

#include <chrono>
#include <iomanip>
#include <iostream>

namespace diming::cli {

void add_publish(CLI::App& app) {
    auto* cmd = app.add_subcommand("publish", "Publish the county's registry to the province's PostGIS (only what changed since the last publication)");
    auto o = std::make_shared<publish::PublishOptions>();
    auto db_path = std::make_shared<std::string>();
    auto county = std::make_shared<std::string>();
    cmd->add_option("--db", *db_path, "registry database")->required();
    cmd->add_option("--to", o->target, "the province's database: a libpq connection string or GDAL's form, e.g. \"PG:host=db dbname=province\"")->required();
    cmd->add_option("--schema", o->schema, "the province's schema")->capture_default_str();
    cmd->add_option("--county", *county, "six-digit county code (when the registry holds several)");
    cmd->add_flag("--full", o->full, "replace the county's copy whole instead of sending what changed");
    cmd->callback([o, db_path, county] {
        auto db = store::Database::open(*db_path, store::Access::read_write);
        store::require_current_schema(db);
        if (!county->empty()) o->county = *county;
        o->actor = store::cli_actor();
        const auto t0 = std::chrono::steady_clock::now();
        const auto p = publish::publish(db, *o);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout << "published county " << p.county_code << " (" << p.county_name << ") to " << p.target << " schema " << o->schema << ", publication "
                  << p.province_id << (p.full_copy ? ": a full copy (" + p.why_full + ")" : std::string{": what changed since the last publication"}) << '\n';
        auto line = [](const char* what, const publish::TableCounts& c) {
            std::cout << "  " << std::left << std::setw(20) << what << c.written << " written, " << c.deleted << " deleted\n";
        };
        line("divisions", p.divisions);
        line("place names", p.place_names);
        line("renamings", p.renamings);
        line("standard addresses", p.addresses);
        std::cout << "  " << std::left << std::setw(20) << "match rates" << p.match_rates << " rows"
                  << (p.match_run ? " (match run " + std::to_string(*p.match_run) + ")" : std::string{" (no match run)"}) << '\n';
        std::cout << "  in " << std::fixed << std::setprecision(2) << secs << " s\n";
    });
}

} // namespace diming::cli
