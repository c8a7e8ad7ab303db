// Every CHECK constraint and trigger the schema declares, refused (or done) as declared, from
// a table of cases (constraints.tsv); a CHECK or trigger added to schemas/ without its case
// fails here.

#include <catch2/catch.hpp>

#include <algorithm>

#include "importers/divisions.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace diming;
using diming::testing::TempDir;

namespace {

std::string squeezed(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// The CHECK expressions (with their table) and the trigger names in schemas/*.sql.
void read_schema(std::set<std::pair<std::string, std::string>>& checks, std::set<std::string>& triggers) {
    // In migration order: a table a later migration drops (to rebuild it) takes its CHECKs with it.
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator{testing::source_dir() / "schemas"}) {
        if (entry.path().extension() == ".sql") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::string sql = testing::read_file(file);
        // Comments out: they mention CHECKs too.
        sql = std::regex_replace(sql, std::regex{"--[^\n]*"}, "");
        std::string table;
        const std::regex create_table{R"(CREATE TABLE (\w+))"}, create_trigger{R"(CREATE TRIGGER (\w+))"}, drop_table{R"(DROP TABLE (\w+))"};
        for (auto m = std::sregex_iterator(sql.begin(), sql.end(), create_trigger); m != std::sregex_iterator(); ++m) triggers.insert((*m)[1]);
        for (std::size_t i = 0; i < sql.size(); ++i) {
            std::smatch m;
            const std::string rest = sql.substr(i, 64);
            if (std::regex_search(rest, m, create_table) && m.position(0) == 0) table = m[1];
            if (std::regex_search(rest, m, drop_table) && m.position(0) == 0) {
                const std::string dropped = m[1];
                std::erase_if(checks, [&](const auto& c) { return c.second == dropped; });
            }
            if (sql.compare(i, 5, "CHECK") != 0) continue;
            std::size_t open = sql.find('(', i);
            int depth = 0;
            bool quoted = false;
            std::size_t close = open;
            for (; close < sql.size(); ++close) {
                const char c = sql[close];
                if (c == '\'') quoted = !quoted;
                if (quoted) continue;
                if (c == '(') ++depth;
                if (c == ')' && --depth == 0) break;
            }
            checks.emplace(squeezed(sql.substr(open + 1, close - open - 1)), table);
            i = close;
        }
    }
}

struct Case {
    int line;
    std::string kind, what, sql, expected;
};

std::vector<Case> read_cases() {
    std::ifstream in{testing::source_dir() / "tests/store/constraints.tsv"};
    std::vector<Case> out;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.empty() || line.starts_with("#")) continue;
        std::vector<std::string> cols;
        std::stringstream ss{line};
        for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
        REQUIRE(cols.size() >= 3);
        out.push_back({n, cols[0], cols[1], cols[2], cols.size() > 3 ? cols[3] : ""});
    }
    return out;
}

// One row in every table, for the cases to break.
void base_rows(store::Database& db) {
    import::import_divisions(db, testing::source_dir() / "data/divisions/330482.csv", "test");
    db.exec(R"sql(
        INSERT INTO place_names(id, name, category_code, division_code, status) VALUES
          (1, '人民路', 'D-ROAD', '330482001000', 'registered'), (2, '长安路', 'D-ROAD', '330482001000', 'registered');
        INSERT INTO place_name_history(id, place_name_id, former_name, new_name, decision_doc, decided_on, effective_on)
          VALUES (1, 2, '胜利路', '长安路', '平政地〔2015〕9号', '2015-03-01', '2015-04-01');
        INSERT INTO place_name_aliases(id, place_name_id, alias) VALUES (1, 1, '人民大街');
        INSERT INTO door_plates(id, plate_type, parent_id, place_name_id, number, building, unit, room, town_code, standard_address, geom) VALUES
          (1, 'door', NULL, 1, 12, '', '', '', '330482001000', '人民路12号', MakePoint(121.0100, 30.7000, 4490)),
          (2, 'door', NULL, 1, 14, '', '', '', '330482001000', '人民路14号', MakePoint(121.0110, 30.7000, 4490)),
          (5, 'building', 1, 1, NULL, '1', '', '', '330482001000', '人民路12号1幢', MakePoint(121.0100, 30.7000, 4490)),
          (6, 'room', 5, 1, NULL, '1', '1', '101', '330482001000', '人民路12号1幢1单元101室', MakePoint(121.0100, 30.7000, 4490));
        INSERT INTO door_plate_history(id, door_plate_id, former_address, new_address) VALUES (1, 1, '胜利路12号', '人民路12号');
        INSERT INTO datasets(id, source_kind, file_name, sha256, crs, encoding) VALUES
          (1, 'civil', 'c', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'EPSG:4490', 'UTF-8'),
          (2, 'police', 'p', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'EPSG:4490', 'UTF-8');
        INSERT INTO source_addresses(id, dataset_id, row_number, raw, raw_address, geom) VALUES
          (1, 1, 1, '{}', '人民路12号', MakePoint(121.0100, 30.7000, 4490)), (2, 2, 1, '{}', '人民路12号', MakePoint(121.0101, 30.7000, 4490));
        INSERT INTO match_runs(id, police_dataset_id, civil_dataset_id, distance_m) VALUES (1, 2, 1, 50);
        INSERT INTO match_results(run_id, police_address_id, civil_address_id, level, score) VALUES (1, 2, 1, 'exact', 1);
        INSERT INTO print_orders(id) VALUES (1);
        INSERT INTO issuances(id, door_plate_id, kind) VALUES (1, 1, 'new');
        INSERT INTO api_tokens(id, name, role, token_hash) VALUES (1, 't', 'viewer', 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc');
        INSERT INTO audit_log(actor, action, entity) VALUES ('t', 'x', 'y');
    )sql");
}

} // namespace

TEST_CASE("every CHECK and trigger in schemas/ refuses what it should, case by case from constraints.tsv") {
    std::set<std::pair<std::string, std::string>> checks;
    std::set<std::string> triggers;
    read_schema(checks, triggers);
    REQUIRE(checks.size() > 60);
    REQUIRE(triggers.size() > 15);
    const auto cases = read_cases();

    // Coverage: each CHECK (by its text, or text@table) and each trigger has its case.
    std::set<std::string> covered;
    for (const auto& c : cases) covered.insert(c.kind + " " + c.what);
    for (const auto& [text, table] : checks) {
        INFO("schemas/: CHECK (" << text << ") on " << table << " has no case in constraints.tsv");
        CHECK((covered.count("check " + text) + covered.count("check " + text + "@" + table)) == 1);
    }
    for (const auto& t : triggers) {
        INFO("schemas/: trigger " << t << " has no case in constraints.tsv");
        CHECK((covered.count("trigger " + t) + covered.count("effect " + t)) == 1);
    }

    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    store::migrate(db);
    base_rows(db);
    const char* all_rows = "SELECT (SELECT count(*) FROM door_plates) + (SELECT count(*) FROM issuances) + (SELECT count(*) FROM audit_log) "
                           "+ (SELECT count(*) FROM place_names) + (SELECT count(*) FROM place_name_terms)";
    auto rows_now = [&] {
        auto st = db.prepare(all_rows);
        REQUIRE(st.step());
        return st.column_int(0);
    };
    const auto rows_before = rows_now();
    for (const auto& c : cases) {
        INFO("constraints.tsv:" << c.line << " " << c.kind << " " << c.what << "\n  " << c.sql);
        db.exec("SAVEPOINT one_case");
        if (c.kind == "effect") {
            CHECK_NOTHROW(db.exec(c.sql));
            auto st = db.prepare(c.expected);
            REQUIRE(st.step());
            CHECK(st.column_int(0) == 1);
        } else {
            const std::string text = c.what.substr(0, c.what.find('@'));
            const std::string expected = c.kind == "check" ? "CHECK constraint failed: " + text : c.expected;
            CHECK_THROWS_WITH(db.exec(c.sql), Catch::Contains(expected));
        }
        db.exec("ROLLBACK TO one_case");
        db.exec("RELEASE one_case");
    }
    // The base rows were valid, and every case was rolled back.
    CHECK(rows_now() == rows_before);
}
