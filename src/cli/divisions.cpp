#include "cli/commands.hpp"

#include "importers/divisions.hpp"
#include "store/audit_log.hpp"
#include "store/migrations.hpp"

#include <iostream>

namespace diming::cli {

void add_import_divisions(CLI::App& app) {
    auto* cmd = app.add_subcommand("import-divisions",
                                   "Load administrative divisions (CSV with columns code,name; e.g. data/divisions/330482.csv)");
    auto db_path = std::make_shared<std::string>();
    auto csv = std::make_shared<std::string>();
    cmd->add_option("--db", *db_path, "registry database")->required();
    cmd->add_option("CSV", *csv, "divisions file")->required();
    cmd->callback([db_path, csv] {
        auto db = store::Database::open(*db_path, store::Access::read_write);
        store::require_current_schema(db);
        const auto r = import::import_divisions(db, *csv, store::cli_actor());
        std::cout << *csv << ": " << r.rows << " divisions (" << r.towns << " towns/subdistricts, " << r.communities
                  << " communities/villages): " << r.inserted << " new, " << r.renamed << " renamed, " << r.unchanged
                  << " unchanged\n";
    });
}

} // namespace diming::cli
