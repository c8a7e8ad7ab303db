#include "cli/commands.hpp"

#include "store/database.hpp"
#include "store/migrations.hpp"

#include <iostream>

namespace diming::cli {

InitSummary init_database(const std::filesystem::path& db_path) {
    auto db = store::Database::open(db_path, store::Access::create);
    const auto r = store::migrate(db);
    return {r.from_version, r.to_version, r.applied.size()};
}

void add_init(CLI::App& app) {
    auto* cmd = app.add_subcommand("init", "Create a registry database, or bring an existing one up to this diming's schema");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "SpatiaLite database file (created if missing)")->required();
    cmd->callback([db] {
        const auto s = init_database(*db);
        if (s.applied == 0) {
            std::cout << *db << ": schema already at version " << s.to_version << ", nothing to do\n";
        } else {
            std::cout << *db << ": schema version " << s.from_version << " -> " << s.to_version << " (" << s.applied
                      << " migration(s) applied)\n";
        }
    });
}

} // namespace diming::cli
