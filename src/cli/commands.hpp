#pragma once
// Each subcommand registers itself on the app; the handlers are thin shells over library calls.

#include "address/gazetteer.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace diming::cli {

void add_init(CLI::App& app);
void add_import_divisions(CLI::App& app);
void add_demo(CLI::App& app);
void add_sample(CLI::App& app);
void add_parse(CLI::App& app);
void add_eval_parse(CLI::App& app);
void add_import(CLI::App& app);
void add_match(CLI::App& app);
void add_audit(CLI::App& app);
void add_serve(CLI::App& app);
void add_token(CLI::App& app);
void add_names(CLI::App& app);
void add_geocode(CLI::App& app);
void add_plates(CLI::App& app);
void add_print_orders(CLI::App& app);
void add_tiles(CLI::App& app);
void add_publish(CLI::App& app);

// The parser's gazetteer: the registry's names with --db, else Pinghu's shipped divisions.
address::Gazetteer load_gazetteer(const std::string& db_path);

// Shared pieces.
struct InitSummary {
    int from_version;
    int to_version;
    std::size_t applied;
};
InitSummary init_database(const std::filesystem::path& db_path);

} // namespace diming::cli
