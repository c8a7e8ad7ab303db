#pragma once
// Each subcommand registers itself on the app; the handlers are thin shells over library calls.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace diming::cli {

void add_init(CLI::App& app);
void add_import_divisions(CLI::App& app);
void add_demo(CLI::App& app);
void add_sample(CLI::App& app);
void add_parse(CLI::App& app);

// Shared pieces.
struct InitSummary {
    int from_version;
    int to_version;
    std::size_t applied;
};
InitSummary init_database(const std::filesystem::path& db_path);

} // namespace diming::cli
