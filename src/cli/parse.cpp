#include "cli/commands.hpp"

#include "address/components_json.hpp"
#include "address/gazetteer.hpp"
#include "address/parser.hpp"
#include "core/data_dir.hpp"
#include "core/gdal.hpp"
#include "pinyin/romanizer.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <fstream>
#include <iostream>

namespace diming::cli {

address::Gazetteer load_gazetteer(const std::string& db_path) {
    if (!db_path.empty()) {
        auto db = store::Database::open(db_path, store::Access::read_only);
        store::require_current_schema(db);
        return address::Gazetteer::from_database(db);
    }
    // No registry: Pinghu's shipped divisions and the national supplement.
    address::Gazetteer g;
    const auto table = data_dir() / "divisions" / "330482.csv";
    auto ds = gdal::read_csv_table(table, {"code", "name"});
    for (const auto& row : ds.rows) g.add_division(row[ds.column("code")], row[ds.column("name")], true);
    g.add_national_divisions(data_dir() / "divisions" / "china_counties.csv");
    g.add_national_divisions(data_dir() / "divisions" / "china_towns.csv");
    g.index_pinyin(pinyin::Romanizer::shared());
    return g;
}

namespace {

void print_text(const address::AddressComponents& a) {
    std::cout << a.input << '\n';
    for (const auto& c : a.components) {
        std::cout << "  " << address::to_string(c.level) << ": " << c.text;
        if (c.source != c.text) std::cout << "  (written " << c.source << ")";
        std::cout << "  [" << c.span.begin << "," << c.span.end << ") " << c.how << '\n';
    }
    if (!a.suffix.empty()) std::cout << "  suffix (附号): " << a.suffix << '\n';
    if (!a.leftover.empty()) std::cout << "  leftover: " << a.leftover << '\n';
    for (const auto& n : a.notes) std::cout << "  note: " << n << '\n';
    for (const auto& c : a.road_candidates) std::cout << "  candidate road: " << c.name << " (" << c.score << ", " << c.reason << ")\n";
    std::cout << "  keys: road=" << a.key_road << " plate=" << a.key_plate << " building=" << a.key_building
              << " room=" << a.key_room << '\n';
}

} // namespace

void add_parse(CLI::App& app) {
    auto* cmd = app.add_subcommand("parse", "Parse Chinese addresses into components and canonical keys");
    struct Args {
        std::vector<std::string> texts;
        std::string file, db;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("ADDRESS", a->texts, "addresses to parse");
    cmd->add_option("--file", a->file, "parse one address per line of this file ('-' for standard input)");
    cmd->add_option("--db", a->db, "registry database whose names the parser knows (default: Pinghu's divisions only)");
    cmd->add_flag("--json", a->json, "one JSON object per address");
    cmd->callback([a] {
        const auto gazetteer = load_gazetteer(a->db);
        int errors = 0;
        auto one = [&](const std::string& text, const std::string& where) {
            try {
                const auto parsed = address::parse(text, gazetteer);
                if (a->json) std::cout << address::to_json(parsed).dump() << '\n';
                else print_text(parsed);
            } catch (const address::address_error& e) {
                ++errors;
                if (a->json) std::cout << nlohmann::json{{"input_error", std::string{e.what()}}, {"where", where}}.dump() << '\n';
                else std::cerr << where << ": " << e.what() << '\n';
            }
        };
        for (const auto& t : a->texts) one(t, "argument");
        if (!a->file.empty()) {
            std::ifstream file;
            std::istream* in = &std::cin;
            if (a->file != "-") {
                file.open(a->file, std::ios::binary);
                if (!file) throw input_error{a->file + ": cannot read"};
                in = &file;
            }
            std::string line;
            long n = 0;
            while (std::getline(*in, line)) {
                ++n;
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.empty()) continue;
                one(line, a->file + ":" + std::to_string(n));
            }
        }
        if (a->texts.empty() && a->file.empty()) throw input_error{"parse: give an ADDRESS or --file"};
        if (errors) throw input_error{std::to_string(errors) + " address(es) could not be parsed"};
    });
}

} // namespace diming::cli
