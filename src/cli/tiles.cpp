#include "cli/commands.hpp"

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "tiles/tile_export.hpp"

#include <cstdio>

namespace diming::cli {

void add_tiles(CLI::App& app) {
    auto* cmd = app.add_subcommand("tiles", "Vector tiles of the registry for offline use");
    cmd->require_subcommand(1);
    struct Args {
        std::string db, out;
        int minzoom = 10, maxzoom = 16;
    };
    auto a = std::make_shared<Args>();
    auto* exp = cmd->add_subcommand("export", "Write a static pyramid: a folder (z/x/y.mvt + metadata.json) or FILE.mbtiles");
    exp->add_option("--db", a->db, "registry database")->required();
    exp->add_option("--out", a->out, "a new folder, or a new .mbtiles file")->required();
    exp->add_option("--minzoom", a->minzoom)->capture_default_str();
    exp->add_option("--maxzoom", a->maxzoom)->capture_default_str();
    exp->callback([a] {
        auto db = store::Database::open(a->db, store::Access::read_only);
        store::require_current_schema(db);
        const auto s = tiles::export_tiles(db, a->out, a->minzoom, a->maxzoom, [](int z, std::int64_t done, std::int64_t total) {
            std::fprintf(stderr, "\rz%d: %lld / %lld tiles", z, static_cast<long long>(done), static_cast<long long>(total));
            if (done == total) std::fprintf(stderr, "\n");
        });
        std::printf("%lld tiles written (%lld empty skipped), %.1f MiB, in %s\n", static_cast<long long>(s.tiles_built),
                    static_cast<long long>(s.tiles_empty), static_cast<double>(s.bytes) / (1 << 20), a->out.c_str());
    });
}

} // namespace diming::cli
