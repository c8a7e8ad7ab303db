#include "importers/record_mapping.hpp"

#include "address/parser.hpp"
#include "core/geos.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cpl_conv.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <utility>
#include <vector>

namespace diming::import {

using nlohmann::json;

std::optional<double> number_of(const std::string& s) {
    const std::string t = text::trim(s);
    if (t.empty()) return std::nullopt;
    double v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
    return v;
}

std::string plate_type_of(const std::string& s) {
    if (s == "门牌" || s == "door") return "door";
    if (s == "楼牌" || s == "building") return "building";
    if (s == "单元牌" || s == "unit") return "unit";
    if (s == "户室牌" || s == "room") return "room";
    return {};
}

std::string category_for(const std::string& name) {
    for (const auto& [generic, category] : std::vector<std::pair<std::string, std::string>>{
             {"大道", "D-ROAD"}, {"公路", "D-ROAD"}, {"路", "D-ROAD"}, {"街", "D-STREET"}, {"巷", "D-LANE"}, {"弄", "D-LANE"},
             {"桥", "2361"}, {"广场", "2631"}, {"公园", "252"}}) {
        if (name.ends_with(generic)) return category;
    }
    return {};
}

std::string column_value(const SourceRow& row, int column) {
    return column >= 0 ? text::trim(row.values[static_cast<std::size_t>(column)]) : std::string{};
}

std::string field_value(const SourceLayer& l, const SourceRow& row, const std::string& name) {
    auto it = l.field_col.find(name);
    if (it != l.field_col.end() && it->second >= 0) return column_value(row, it->second);
    auto c = l.mapping->constants.find(name);
    return c != l.mapping->constants.end() ? c->second : std::string{};
}

std::variant<std::monostate, crs::LonLat, Reject> point_of(const SourceLayer& l, const SourceRow& row, const Extent& e) {
    double x, y;
    if (l.x_col >= 0) {
        const std::string& xs = row.values[static_cast<std::size_t>(l.x_col)];
        const std::string& ys = row.values[static_cast<std::size_t>(l.y_col)];
        if (text::trim(xs).empty() && text::trim(ys).empty()) return std::monostate{};
        const auto xv = number_of(xs), yv = number_of(ys);
        if (!xv) return Reject{l.mapping->x_column, "coordinates-not-numbers", "'" + xs + "' is not a number"};
        if (!yv) return Reject{l.mapping->y_column, "coordinates-not-numbers", "'" + ys + "' is not a number"};
        x = *xv;
        y = *yv;
    } else {
        if (row.shape == SourceRow::Shape::none) return std::monostate{};
        if (row.shape == SourceRow::Shape::other) return Reject{"geometry", "geometry-not-point", "expected a point"};
        x = row.gx;
        y = row.gy;
    }
    // Written out only for a rejection: formatting two doubles costs more than the checks.
    auto xy = [&] { return "(" + std::to_string(x) + ", " + std::to_string(y) + ")"; };
    if (x == 0 && y == 0) return Reject{"coordinates", "coordinates-zero", "coordinates are 0,0"};
    const auto p = l.transform->to_storage(x, y);
    if (!p) return Reject{"coordinates", "coordinates-untransformable", xy() + " cannot be transformed: " + l.transform->description()};
    if (!e.contains(p->lon, p->lat)) {
        const auto swapped = l.transform->to_storage(y, x);
        if (swapped && e.contains(swapped->lon, swapped->lat)) {
            return Reject{"coordinates", "coordinates-swapped", "longitude and latitude are swapped " + xy()};
        }
        return Reject{"coordinates", "coordinates-outside-extent", "outside the registry's extent " + xy()};
    }
    return *p;
}

std::variant<std::string, Reject> geometry_wkb(const SourceLayer& l, const SourceRow& row, const Extent& e, bool required) {
    OGRGeometryH g0 = OGR_F_GetGeometryRef(row.feature);
    if (!g0 || OGR_G_IsEmpty(g0)) {
        if (required) return Reject{"geometry", "geometry-missing", "no geometry"};
        return std::string{};
    }
    gdal::Geometry g{OGR_G_Clone(g0)};
    if (!OGR_G_IsValid(g.get())) {
        char* wkt = nullptr;
        OGR_G_ExportToWkt(g.get(), &wkt);
        std::string why = "invalid";
        try {
            geos::Context ctx;
            why = geos::invalid_reason(ctx, geos::from_wkt(ctx, wkt ? wkt : "").get());
        } catch (const diming::error&) {
        }
        CPLFree(wkt);
        return Reject{"geometry", "geometry-invalid", "invalid geometry: " + why};
    }
    if (!l.transform->transform(g.get())) return Reject{"geometry", "coordinates-untransformable", "cannot be transformed to EPSG:4490"};
    OGREnvelope env;
    OGR_G_GetEnvelope(g.get(), &env);
    if (!e.contains(env.MinX, env.MinY) || !e.contains(env.MaxX, env.MaxY)) {
        return Reject{"geometry", "coordinates-outside-extent", "outside the registry's extent"};
    }
    std::string wkb(static_cast<std::size_t>(OGR_G_WkbSize(g.get())), '\0');
    OGR_G_ExportToIsoWkb(g.get(), wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()));
    return wkb;
}

namespace {

std::string address_text(const SourceLayer& l, const SourceRow& row) {
    if (auto a = column_value(row, l.address_col); !a.empty()) return a;
    std::string s;
    for (const char* f : {"province", "city", "county", "town", "community", "road", "number", "compound", "building", "unit", "room"}) {
        s += field_value(l, row, f);
    }
    return s;
}

// The components as one JSON object, keys in byte order and a level written twice taking the
// later value (what a json object would hold), written member by member: a million rows'
// worth of json objects built and dropped was a tenth of an import's parsing.
std::string components_json(const address::AddressComponents& a) {
    std::vector<std::pair<std::string_view, std::string>> members;
    auto set = [&](std::string_view key, std::string value) {
        for (auto& m : members) {
            if (m.first == key) return void(m.second = std::move(value));
        }
        members.emplace_back(key, std::move(value));
    };
    auto& text = JsonText::local();
    auto string = [&](const std::string& s) {
        std::string v;
        text.append_string(v, s);
        return v;
    };
    for (const auto& comp : a.components) set(address::to_string(comp.level), string(comp.text));
    if (!a.suffix.empty()) set("suffix", string(a.suffix));
    if (!a.leftover.empty()) set("leftover", string(a.leftover));
    if (!a.notes.empty()) set("notes", json(a.notes).dump());
    if (!a.road_candidates.empty()) {
        json rc = json::array();
        for (const auto& r : a.road_candidates) rc.push_back({{"name", r.name}, {"score", r.score}});
        set("road_candidates", rc.dump());
    }
    std::sort(members.begin(), members.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::string out = "{";
    for (const auto& [key, value] : members) {
        if (out.size() > 1) out += ',';
        out += '"'; // the keys are diming's own ASCII names (levels, suffix, notes…): nothing to escape
        out += key;
        out += "\":";
        out += value;
    }
    out += '}';
    return out;
}

bool known(const address::Component* c) { return c && (c->how == "gazetteer" || c->how == "former-name" || c->how == "alias"); }

// The extract's own columns beside its free text (一标三实: 街路巷, 门牌号, 楼栋, 单元, 户室). The
// text is read first; where it lacks a part the columns have, or says another, the columns
// settle it — for the road only when the registry knows the columns' road and not the text's —
// and a note says which won (the match reason carries it). The result is read again from the
// reconciled parts, so that its keys are built as every other address's are.
address::AddressComponents reconcile(const address::AddressComponents& text, const address::AddressComponents& columns,
                                     const address::Gazetteer& gazetteer, const address::ParseOptions& options) {
    using address::Level;
    std::vector<std::string> notes;
    auto take = [&](Level level, const char* what, std::string& out) {
        const std::string t = text.value(level), c = columns.value(level);
        out = t;
        if (c.empty() || c == t) return;
        if (t.empty()) {
            // The same part read as another (袁加弄: the text's natural village, the columns' street).
            for (const auto& comp : text.components) {
                if (comp.text == c) return;
            }
            out = c;
            notes.push_back(std::string{what} + " " + c + " from the columns (the text has none)");
        } else if (level != Level::road || (known(columns.get(level)) && !known(text.get(level)))) {
            out = c;
            notes.push_back(std::string{what} + ": the columns say " + c + ", the text " + t + "; the columns are taken");
        }
    };
    std::string road, number, building, unit, floor, room;
    take(Level::road, "road", road);
    take(Level::building, "building", building);
    take(Level::unit, "unit", unit);
    take(Level::floor, "floor", floor);
    take(Level::room, "room", room);
    // The door number with its 附号, as one.
    const std::string tn = text.value(Level::number), cn = columns.value(Level::number);
    const std::string t_door = tn.empty() ? "" : tn + (text.suffix.empty() ? "" : "-" + text.suffix);
    const std::string c_door = cn.empty() ? "" : cn + (columns.suffix.empty() ? "" : "-" + columns.suffix);
    number = t_door;
    if (!c_door.empty() && c_door != t_door) {
        number = c_door;
        notes.push_back(t_door.empty() ? "door number " + c_door + " from the columns (the text has none)"
                                       : "door number: the columns say " + c_door + ", the text " + t_door + "; the columns are taken");
    }
    if (notes.empty()) return text;
    // The text's own parts in their order, the reconciled ones in their place.
    std::string s;
    for (Level l : {Level::province, Level::city, Level::county, Level::town, Level::community, Level::hamlet}) s += text.value(l);
    s += road;
    if (!number.empty()) s += number + "号";
    s += text.value(Level::compound);
    if (!building.empty()) s += building + "幢";
    if (!unit.empty()) s += unit + "单元";
    if (!floor.empty()) s += floor + "层";
    if (!room.empty()) s += room + "室";
    auto out = address::parse(s, gazetteer, options);
    out.notes.insert(out.notes.begin(), text.notes.begin(), text.notes.end());
    out.notes.insert(out.notes.end(), notes.begin(), notes.end());
    return out;
}

// The address the component columns write out, each bare value with its unit word (3 → 3幢,
// 12 and 附号 1 → 12-1号); "" when they hold no street, number, building, unit or room.
// street_at: where the street begins in it (what follows is the parts reconcile compares).
struct ColumnsAddress {
    std::string text;
    std::size_t street_at = 0;
};
ColumnsAddress columns_address(const SourceLayer& l, const SourceRow& row) {
    std::string parts;
    for (const char* f : {"road", "number", "building", "unit", "room"}) parts += field_value(l, row, f);
    if (parts.empty()) return {};
    const std::string suffix = field_value(l, row, "suffix");
    ColumnsAddress out;
    for (const char* f : {"province", "city", "county", "town", "community", "hamlet", "road", "number", "compound", "building", "unit", "room"}) {
        std::string v = field_value(l, row, f);
        const std::string_view name{f};
        if (name == "road") out.street_at = out.text.size();
        if (!v.empty() && std::isalnum(static_cast<unsigned char>(v.back()))) {
            if (name == "number") v += (suffix.empty() ? "" : "-" + suffix) + "号";
            else if (name == "building") v += "幢";
            else if (name == "unit") v += "单元";
            else if (name == "room") v += "室";
        }
        out.text += v;
    }
    return out;
}

} // namespace

void prepare_source_address(const SourceLayer& l, const SourceRow& row, const address::Gazetteer& gazetteer, const Extent& extent,
                            std::unordered_set<std::string>* ids, bool from_plate, std::optional<crs::LonLat> known_point,
                            PreparedAddress& out) {
    out.number = row.number;
    if (l.id_col >= 0) {
        out.id = column_value(row, l.id_col);
        if (out.id.empty()) return void(out.reject = Reject{l.mapping->id_column, "id-empty", "empty id"});
        if (ids && !ids->insert(out.id).second) return void(out.reject = Reject{l.mapping->id_column, "id-duplicate", "id " + out.id + " appears again"});
    }
    out.text = address_text(l, row);
    const std::string address_field = l.mapping->address_column.empty() ? "address" : l.mapping->address_column;
    if (out.text.empty()) return void(out.reject = Reject{address_field, "address-empty", "empty address"});
    out.point = known_point;
    if (!from_plate) {
        auto p = point_of(l, row, extent);
        if (auto* r = std::get_if<Reject>(&p)) return void(out.reject = *r);
        if (auto* ll = std::get_if<crs::LonLat>(&p)) out.point = *ll;
    }
    address::AddressComponents a;
    try {
        address::ParseOptions options;
        if (out.point) options.near = std::make_pair(out.point->lon, out.point->lat);
        a = address::parse(out.text, gazetteer, options);
        // Free text and the columns both: read both, the columns settle what the text lacks or
        // says otherwise.
        // Unless the text ends with the columns' own street-to-room written out character for
        // character: then it says what they say, and a second reading (half an import's
        // parsing) would settle nothing.
        if (!column_value(row, l.address_col).empty()) {
            const auto columns = columns_address(l, row);
            const std::string_view street_on = std::string_view{columns.text}.substr(columns.street_at);
            if (!street_on.empty() && !out.text.ends_with(street_on)) a = reconcile(a, address::parse(columns.text, gazetteer, options), gazetteer, options);
        }
    } catch (const address::address_error& e) {
        return void(out.reject = Reject{address_field, "address-unparseable", e.what()});
    }
    out.components = components_json(a);
    out.town_code = a.town_code;
    out.community_code = a.community_code;
    out.key_road = std::move(a.key_road);
    out.key_plate = std::move(a.key_plate);
    out.key_building = std::move(a.key_building);
    out.key_room = std::move(a.key_room);
    out.flags = out.point ? "" : "no-coordinates";
}

} // namespace diming::import
