#include "cli/commands.hpp"

#include "core/data_dir.hpp"
#include "importers/import.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace diming::cli {

void add_import(CLI::App& app) {
    auto* cmd = app.add_subcommand("import", "Import a police or civil-affairs dataset (any format GDAL reads) by a mapping profile");
    struct Args {
        std::string db, source, profile, dataset, layer, rejects, guess;
        bool strict = false, replace = false;
        double max_reject_rate = 0.5;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--db", a->db, "registry database");
    cmd->add_option("--source", a->source, "police or civil");
    cmd->add_option("--profile", a->profile,
                    "mapping profile (JSON, schemas/import-profile.schema.json); shipped: importers/profiles/*.json");
    cmd->add_option("DATASET", a->dataset, "file or folder GDAL opens (CSV, XLSX, SHP, GPKG, GeoJSON, GDB…)");
    cmd->add_option("--layer", a->layer, "layer to read (one-layer profiles)");
    cmd->add_option("--rejects", a->rejects, "where rejected rows go (default: DATASET-NAME.rejects.csv here)");
    cmd->add_flag("--strict", a->strict, "any rejected row fails the whole import");
    cmd->add_option("--max-reject-rate", a->max_reject_rate,
                    "fail the whole import when more than this share of rows is rejected (default 0.5; 1: never)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_flag("--replace", a->replace, "import a file already imported, replacing that dataset");
    cmd->add_option("--guess", a->guess, "print a profile proposed from DATASET's layers and column names, import nothing");
    cmd->callback([a] {
        if (!a->guess.empty()) {
            std::cout << import::guess_profile(a->guess, a->layer) << '\n';
            return;
        }
        for (const auto& [value, name] : {std::pair{a->db, "--db"}, {a->source, "--source"}, {a->profile, "--profile"}, {a->dataset, "DATASET"}}) {
            if (value.empty()) throw input_error{std::string{"import: "} + name + " is required (or --guess DATASET)"};
        }
        import::ImportRequest req;
        req.dataset = a->dataset;
        req.source = import::parse_source_kind(a->source);
        req.profile = import::load_profile(a->profile);
        req.layer = a->layer;
        req.strict = a->strict;
        req.max_reject_rate = a->max_reject_rate;
        req.replace = a->replace;
        req.rejects = a->rejects;
        req.actor = store::cli_actor();
        req.progress = true;
        auto db = store::Database::open(a->db, store::Access::read_write);
        store::require_current_schema(db);
        const auto r = import::import_dataset(db, req);
        std::printf("%s: dataset %lld (%s): read %lld, imported %lld, rejected %lld in %.1f s (%.0f rows/s)\n", a->dataset.c_str(),
                    static_cast<long long>(r.dataset_id), import::to_string(req.source), static_cast<long long>(r.rows_read),
                    static_cast<long long>(r.rows_imported), static_cast<long long>(r.rows_rejected), r.seconds,
                    r.seconds > 0 ? static_cast<double>(r.rows_read) / r.seconds : 0.0);
        std::printf("  CRS %s, encoding %s, sha256 %s\n", r.crs.c_str(), r.encoding.c_str(), r.sha256.substr(0, 16).c_str());
        for (const auto& [target, n] : r.imported_by_target) std::printf("  imported into %s: %lld\n", target.c_str(), static_cast<long long>(n));
        for (const auto& [reason, n] : r.rejected_by_reason) std::printf("  rejected, %s: %lld\n", reason.c_str(), static_cast<long long>(n));
        if (!r.rejects_file.empty()) std::printf("  rejected rows: %s\n", r.rejects_file.c_str());
        if (r.replaced_dataset_id) std::printf("  replaces dataset %lld\n", static_cast<long long>(r.replaced_dataset_id));
    });
}

} // namespace diming::cli
