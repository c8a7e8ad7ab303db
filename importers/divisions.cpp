#include "importers/divisions.hpp"

#include "core/gdal.hpp"
#include "core/text.hpp"
#include "division/division_code.hpp"
#include "store/audit_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace diming::import {

namespace {

struct Row {
    int line;
    division::DivisionCode code;
    std::string name;
};

int field_index(OGRFeatureDefnH defn, const char* wanted) {
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
        const char* name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (text::trim(name) == wanted) return i;
    }
    return -1;
}

} // namespace

DivisionsImport import_divisions(store::Database& db, const std::filesystem::path& csv, const std::string& actor) {
    const std::string file = csv.string();
    if (csv.extension() != ".csv" && csv.extension() != ".CSV") {
        throw import_error{file + ": expected a .csv file with columns code,name"};
    }
    // GDAL's CSV driver reads the file; every field stays a string so codes keep their zeros.
    auto ds = gdal::open_vector(csv, {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO"});
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
    if (!layer) throw import_error{file + ": holds no table"};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    const int code_field = field_index(defn, "code");
    const int name_field = field_index(defn, "name");
    if (code_field < 0 || name_field < 0) {
        throw import_error{file + ": the header must name the columns 'code' and 'name'"};
    }

    std::vector<Row> rows;
    std::vector<std::string> problems;
    std::set<std::string> seen;
    OGR_L_ResetReading(layer);
    int line = 1; // the header
    for (gdal::Feature f{OGR_L_GetNextFeature(layer)}; f; f.reset(OGR_L_GetNextFeature(layer))) {
        ++line;
        const std::string where = file + ":" + std::to_string(line) + ": ";
        const std::string code_text = text::trim(OGR_F_GetFieldAsString(f.get(), code_field));
        const std::string name = text::trim(OGR_F_GetFieldAsString(f.get(), name_field));
        if (!text::is_valid_utf8(name)) {
            problems.push_back(where + "field name: not valid UTF-8 (convert the file to UTF-8)");
            continue;
        }
        if (auto why = division::DivisionCode::why_invalid(code_text)) {
            problems.push_back(where + "field code: " + *why);
            continue;
        }
        if (name.empty()) {
            problems.push_back(where + "field name: empty");
            continue;
        }
        if (!seen.insert(code_text).second) {
            problems.push_back(where + "field code: " + code_text + " appears twice in the file");
            continue;
        }
        rows.push_back(Row{line, division::DivisionCode::parse(code_text), name});
    }
    if (rows.empty() && problems.empty()) problems.push_back(file + ": no rows");

    std::ranges::stable_sort(rows, {}, [](const Row& r) { return static_cast<int>(r.code.level()); });

    store::Transaction tx{db};
    auto find = db.prepare("SELECT name FROM divisions WHERE code = ?1");
    auto insert = db.prepare(
        "INSERT INTO divisions(code, name, short_name, level, kind, parent_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    auto rename = db.prepare("UPDATE divisions SET name = ?2, short_name = ?3 WHERE code = ?1");

    DivisionsImport result;
    nlohmann::json renamed = nlohmann::json::array();
    for (const auto& r : rows) {
        const std::string where = file + ":" + std::to_string(r.line) + ": ";
        std::optional<std::string> parent;
        if (auto p = r.code.parent()) {
            parent = p->str();
            find.bind(1, *parent);
            const bool parent_known = find.step();
            find.reset();
            if (!parent_known) {
                problems.push_back(where + "field code: " + r.code.str() + " lies in " + *parent +
                                   ", which is neither in the file nor in the database");
                continue;
            }
        }
        ++result.rows;
        if (r.code.level() == division::Level::town) ++result.towns;
        if (r.code.level() == division::Level::community) ++result.communities;

        find.bind(1, r.code.str());
        std::optional<std::string> existing;
        if (find.step()) existing = find.column_text(0);
        find.reset();
        const std::string short_name = division::short_name(r.name);
        if (!existing) {
            insert.bind_all(r.code.str(), r.name, short_name, static_cast<int>(r.code.level()),
                            division::kind_of(r.code, r.name), parent);
            insert.run();
            ++result.inserted;
        } else if (*existing != r.name) {
            rename.bind_all(r.code.str(), r.name, short_name).run();
            renamed.push_back({{"code", r.code.str()}, {"before", *existing}, {"after", r.name}});
            ++result.renamed;
        } else {
            ++result.unchanged;
        }
    }

    if (!problems.empty()) {
        std::string msg = file + ": " + std::to_string(problems.size()) + " problem(s), nothing was imported:";
        const std::size_t shown = std::min<std::size_t>(problems.size(), 20);
        for (std::size_t i = 0; i < shown; ++i) msg += "\n  " + problems[i];
        if (shown < problems.size()) msg += "\n  ... and " + std::to_string(problems.size() - shown) + " more";
        throw import_error{msg};
    }

    nlohmann::json after{{"file", file},           {"rows", result.rows},         {"inserted", result.inserted},
                         {"renamed", renamed},     {"unchanged", result.unchanged}};
    store::record_change(db, {actor, "divisions.import", "divisions", std::nullopt, std::nullopt, after.dump()});
    tx.commit();
    return result;
}

} // namespace diming::import
