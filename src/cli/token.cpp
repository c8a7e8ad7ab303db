#include "cli/commands.hpp"

#include "access/token.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <cstdio>

namespace diming::cli {

void add_token(CLI::App& app) {
    auto* cmd = app.add_subcommand("token", "Create, list and revoke API tokens (the server's write endpoints need one)");
    cmd->require_subcommand(1);
    struct Args {
        std::string db, name, role;
    };
    auto a = std::make_shared<Args>();

    auto* create = cmd->add_subcommand("create", "Create a token and print it once; only its hash is kept");
    create->add_option("--db", a->db, "registry database")->required();
    create->add_option("--name", a->name, "who or what holds it (shown in the audit log)")->required();
    create->add_option("--role", a->role, "viewer, clerk, committee, gis or admin")->required();
    create->callback([a] {
        const auto role = access::parse_role(a->role);
        auto db = store::Database::open(a->db, store::Access::read_write);
        store::require_current_schema(db);
        const auto secret = access::create_token(db, a->name, role, store::cli_actor());
        std::printf("%s\n", secret.c_str());
        std::fprintf(stderr, "token '%s' (%s) created: copy it now, it is not shown again\n", a->name.c_str(), access::to_string(role));
    });

    auto* list = cmd->add_subcommand("list", "List tokens (names and roles, never secrets)");
    list->add_option("--db", a->db, "registry database")->required();
    list->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_only);
        store::require_current_schema(db);
        for (const auto& t : access::list_tokens(db)) {
            std::printf("%-24s %-10s created %s%s\n", t.name.c_str(), access::to_string(t.role), t.created_at.c_str(),
                        t.revoked_at ? (", revoked " + *t.revoked_at).c_str() : "");
        }
    });

    auto* revoke = cmd->add_subcommand("revoke", "Revoke a token (it stays listed, for the audit trail)");
    revoke->add_option("--db", a->db, "registry database")->required();
    revoke->add_option("--name", a->name, "the token's name")->required();
    revoke->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_write);
        store::require_current_schema(db);
        access::revoke_token(db, a->name, store::cli_actor());
        std::fprintf(stderr, "token '%s' revoked\n", a->name.c_str());
    });
}

} // namespace diming::cli
