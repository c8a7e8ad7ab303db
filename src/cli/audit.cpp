#include "cli/commands.hpp"

#include "audit/audit.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <iostream>

namespace diming::cli {

void add_audit(CLI::App& app) {
    auto* cmd = app.add_subcommand("audit", "Match-rate audits of a match run");
    cmd->require_subcommand(1);
    auto* report = cmd->add_subcommand("report", "Write a run's rates by town, community and road: html, csv, json or gpkg");
    struct Args {
        std::string db, format = "html", out;
        std::int64_t run = 0;
    };
    auto a = std::make_shared<Args>();
    report->add_option("--db", a->db, "registry database")->required();
    report->add_option("--run", a->run, "match run id (diming match prints it)")->required();
    report->add_option("--format", a->format, "html, csv, json or gpkg")->capture_default_str();
    report->add_option("--out", a->out, "file to write")->required();
    report->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_only);
        store::require_current_schema(db);
        const auto audit = audit::compute_audit(db, a->run);
        if (a->format == "html") audit::write_html(db, audit, a->out);
        else if (a->format == "csv") audit::write_csv(audit, a->out);
        else if (a->format == "json") audit::write_json(audit, a->out);
        else if (a->format == "gpkg") audit::write_gpkg(db, audit, a->out);
        else throw input_error{"--format: '" + a->format + "' is not one of html, csv, json, gpkg"};
        std::cout << a->out << ": match run " << a->run << " (" << audit.towns.size() << " towns, " << audit.communities.size()
                  << " communities, " << audit.roads.size() << " roads and villages)\n";
    });
}

} // namespace diming::cli
