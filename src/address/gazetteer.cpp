#include "address/gazetteer.hpp"

#include "address/normalize.hpp"
#include "address/similarity.hpp"
#include "core/data_dir.hpp"
#include "core/gdal.hpp"
#include "division/division_code.hpp"
#include "pinyin/romanizer.hpp"
#include "store/database.hpp"

#include <algorithm>
#include <set>

namespace diming::address {

namespace {

Level division_level(division::Level l) {
    switch (l) {
    case division::Level::province: return Level::province;
    case division::Level::city: return Level::city;
    case division::Level::county: return Level::county;
    case division::Level::town: return Level::town;
    case division::Level::community: return Level::community;
    }
    return Level::community;
}

// Short forms by which divisions are written (平湖 for 平湖市, 当湖 for 当湖街道); only where
// at least two characters remain.
std::vector<std::u32string> short_forms(const std::u32string& name, division::Level level) {
    static const std::vector<std::u32string> province_suffixes{U"维吾尔自治区", U"壮族自治区", U"回族自治区", U"自治区", U"特别行政区", U"省", U"市"};
    static const std::vector<std::u32string> city_suffixes{U"自治州", U"地区", U"盟", U"市"};
    static const std::vector<std::u32string> county_suffixes{U"自治县", U"市", U"县", U"区", U"旗"};
    static const std::vector<std::u32string> town_suffixes{U"街道", U"镇", U"乡"};
    const std::vector<std::u32string>* suffixes = nullptr;
    switch (level) {
    case division::Level::province: suffixes = &province_suffixes; break;
    case division::Level::city: suffixes = &city_suffixes; break;
    case division::Level::county: suffixes = &county_suffixes; break;
    case division::Level::town: suffixes = &town_suffixes; break;
    case division::Level::community: return {};
    }
    std::vector<std::u32string> out;
    for (const auto& s : *suffixes) {
        if (name.size() >= s.size() + 2 && name.ends_with(s)) {
            out.push_back(name.substr(0, name.size() - s.size()));
            break;
        }
    }
    return out;
}

} // namespace

Gazetteer::Gazetteer() : nodes_(1) {}

void Gazetteer::add(std::u32string_view name, GazetteerEntry entry) {
    if (name.empty()) return;
    std::uint32_t node = 0;
    for (char32_t c : name) {
        const std::uint64_t key = (static_cast<std::uint64_t>(node) << 32) | c;
        auto it = edges_.find(key);
        if (it == edges_.end()) {
            nodes_.push_back({});
            it = edges_.emplace(key, static_cast<std::uint32_t>(nodes_.size() - 1)).first;
        }
        node = it->second;
    }
    if (nodes_[node].entries < 0) {
        nodes_[node].entries = static_cast<std::int32_t>(entries_.size());
        entries_.emplace_back();
    }
    auto& list = entries_[static_cast<std::size_t>(nodes_[node].entries)];
    // The registry's own entries first; one entry per (level, code).
    for (const auto& e : list) {
        if (e.level == entry.level && e.code == entry.code) return;
    }
    list.push_back(std::move(entry));
    std::stable_sort(list.begin(), list.end(), [](const GazetteerEntry& a, const GazetteerEntry& b) {
        return a.local > b.local || (a.local == b.local && a.via < b.via);
    });
    longest_ = std::max(longest_, name.size());
}

void Gazetteer::add_division(const std::string& code_text, const std::string& official, bool local) {
    const auto code = division::DivisionCode::parse(code_text);
    const std::string address_form = division::short_name(official);
    // A name that is only a generic word (a national list's 街道) names nothing: it would match
    // the end of every 某某街道.
    for (const char* generic : {"街道", "镇", "乡", "区", "县", "市", "村", "社区", "居委会", "村委会", "办事处", "街道办事处"}) {
        if (address_form == generic || official == generic) return;
    }
    // A name that is only a generic word (a national list's 街道) names nothing: it would match
    // the end of every 某某街道.
    for (const char* generic : {"街道", "镇", "乡", "区", "县", "市", "村", "社区", "居委会", "村委会", "办事处", "街道办事处"}) {
        if (address_form == generic || official == generic) return;
    }
    const auto parent = code.parent();
    GazetteerEntry e;
    e.level = division_level(code.level());
    e.canonical = address_form;
    e.code = code.str();
    e.parent_code = parent ? parent->str() : "";
    e.local = local;
    if (code.level() == division::Level::town) e.town_code = code.str();
    if (code.level() == division::Level::community) e.town_code = parent->str();
    division_parent_[e.code] = e.parent_code;
    division_level_[e.code] = static_cast<int>(code.level());
    division_name_[e.code] = address_form;
    add(to_u32(address_form), e);
    if (official != address_form) add(to_u32(official), e);
    for (const auto& s : short_forms(to_u32(address_form), code.level())) {
        GazetteerEntry sf = e;
        sf.via = Via::short_form;
        sf.written = to_utf8(s);
        add(s, sf);
    }
}

void Gazetteer::add_national_divisions(const std::filesystem::path& csv) {
    const auto table = gdal::read_csv_table(csv, {"code", "name"});
    const auto code_col = table.column("code"), name_col = table.column("name");
    for (const auto& row : table.rows) {
        if (division_level_.contains(row[code_col])) continue; // the registry's own rows win
        add_division(row[code_col], row[name_col], false);
    }
}

std::string Gazetteer::division_name(const std::string& code) const {
    auto it = division_name_.find(code);
    return it == division_name_.end() ? std::string{} : it->second;
}

std::optional<std::pair<double, double>> Gazetteer::division_centre(const std::string& code) const {
    const auto it = division_centre_.find(code);
    if (it == division_centre_.end()) return std::nullopt;
    return it->second;
}

void Gazetteer::set_division_centre(const std::string& code, double lon, double lat) { division_centre_[code] = {lon, lat}; }

std::string Gazetteer::town_of(const std::string& code) const {
    std::string c = code;
    for (int guard = 0; guard < 6 && !c.empty(); ++guard) {
        auto lv = division_level_.find(c);
        if (lv == division_level_.end()) return {};
        if (lv->second == static_cast<int>(division::Level::town)) return c;
        if (lv->second < static_cast<int>(division::Level::town)) return {};
        c = division_parent_.at(c);
    }
    return {};
}

void Gazetteer::add_road(const std::string& id, const std::string& name, const std::string& division_code, Level level) {
    GazetteerEntry e;
    e.level = level;
    e.canonical = name;
    e.code = id;
    e.parent_code = division_code;
    e.town_code = town_of(division_code);
    add(to_u32(name), e);
    place_entry_[id] = e;
    if (level == Level::road) {
        road_names_.push_back(name);
        for (auto& d : deletion_variants(to_u32(name))) roads_by_deletion_[d].push_back(road_names_.size() - 1);
    }
}

void Gazetteer::add_former_name(const std::string& former, const std::string& place_name_id, Via via) {
    auto it = place_entry_.find(place_name_id);
    if (it == place_entry_.end()) return;
    GazetteerEntry e = it->second;
    e.via = via;
    e.written = former;
    add(to_u32(former), e);
}

void Gazetteer::index_pinyin(const pinyin::Romanizer& romanizer) {
    roads_by_pinyin_.clear();
    for (std::size_t i = 0; i < road_names_.size(); ++i) roads_by_pinyin_[romanizer.key(road_names_[i])].push_back(i);
}

GazetteerMatches Gazetteer::matches_at(const std::u32string& text, std::size_t pos) const {
    GazetteerMatches out;
    std::uint32_t node = 0;
    for (std::size_t i = pos; i < text.size() && i - pos < longest_; ++i) {
        auto it = edges_.find((static_cast<std::uint64_t>(node) << 32) | text[i]);
        if (it == edges_.end()) break;
        node = it->second;
        if (nodes_[node].entries >= 0) {
            // Keep the longest ones when a name has more prefixes than fit (never in practice).
            if (out.count == GazetteerMatches::capacity) {
                std::move(out.items.begin() + 1, out.items.end(), out.items.begin());
                --out.count;
            }
            out.items[static_cast<std::size_t>(out.count++)] = {static_cast<int>(i - pos + 1), &entries_[static_cast<std::size_t>(nodes_[node].entries)]};
        }
    }
    std::reverse(out.items.begin(), out.items.begin() + out.count);
    return out;
}

std::vector<RoadCandidate> Gazetteer::road_candidates(const std::string& unknown, const pinyin::Romanizer& romanizer) const {
    std::vector<RoadCandidate> out;
    if (road_names_.empty()) return out; // nothing to be read as (and romanizing is not free)
    std::set<std::size_t> seen_pinyin, seen_edit;
    const std::string key = romanizer.key(unknown);
    if (auto it = roads_by_pinyin_.find(key); it != roads_by_pinyin_.end()) seen_pinyin.insert(it->second.begin(), it->second.end());
    const std::u32string u = to_u32(unknown);
    for (const auto& d : deletion_variants(u)) {
        auto it = roads_by_deletion_.find(d);
        if (it == roads_by_deletion_.end()) continue;
        for (std::size_t idx : it->second) {
            if (edit_distance(u, to_u32(road_names_[idx]), 1) <= 1) seen_edit.insert(idx);
        }
    }
    std::set<std::size_t> all = seen_pinyin;
    all.insert(seen_edit.begin(), seen_edit.end());
    for (std::size_t idx : all) {
        if (road_names_[idx] == unknown) continue;
        const bool p = seen_pinyin.contains(idx), e = seen_edit.contains(idx);
        const double score = p && e ? 0.95 : p ? 0.9 : 0.8;
        std::string reason = p && e ? "one character differs and sounds the same (" + key + ")"
                             : p    ? "sounds the same (" + key + ")"
                                    : "one character differs";
        out.push_back({road_names_[idx], score, reason});
    }
    std::stable_sort(out.begin(), out.end(), [](const RoadCandidate& a, const RoadCandidate& b) { return a.score > b.score; });
    return out;
}

Gazetteer Gazetteer::from_database(const store::Database& db) {
    Gazetteer g;
    auto divisions = db.prepare("SELECT code, name, (MbrMinX(geom) + MbrMaxX(geom)) / 2, (MbrMinY(geom) + MbrMaxY(geom)) / 2 "
                                "FROM divisions ORDER BY level, code");
    while (divisions.step()) {
        g.add_division(divisions.column_text(0), divisions.column_text(1), true);
        if (!divisions.is_null(2)) g.set_division_centre(divisions.column_text(0), divisions.column_double(2), divisions.column_double(3));
    }
    auto places = db.prepare(
        "SELECT p.id, p.name, p.division_code, c.geometry_kind, c.code FROM place_names p "
        "JOIN place_name_categories c ON c.code = p.category_code WHERE p.status IN ('proposed','approved','registered')");
    while (places.step()) {
        const std::string kind = places.column_text(3), category = places.column_text(4);
        const Level level = category == "222" ? Level::hamlet : kind == "line" ? Level::road : Level::compound;
        g.add_road(std::to_string(places.column_int(0)), places.column_text(1), places.column_text(2), level);
    }
    auto history = db.prepare("SELECT former_name, place_name_id FROM place_name_history");
    while (history.step()) g.add_former_name(history.column_text(0), std::to_string(history.column_int(1)), Via::former_name);
    auto aliases = db.prepare("SELECT alias, place_name_id FROM place_name_aliases");
    while (aliases.step()) g.add_former_name(aliases.column_text(0), std::to_string(aliases.column_int(1)), Via::alias);
    g.add_national_divisions(data_dir() / "divisions" / "china_counties.csv");
    g.add_national_divisions(data_dir() / "divisions" / "china_towns.csv");
    g.index_pinyin(pinyin::Romanizer::shared());
    return g;
}

} // namespace diming::address
