#include "importers/profile.hpp"

#include "core/gdal.hpp"

#include <ogr_srs_api.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace diming::import {

namespace {

using nlohmann::json;

Target parse_target(const std::string& s, const std::string& where) {
    if (s == "addresses") return Target::addresses;
    if (s == "place_names") return Target::place_names;
    if (s == "door_plates") return Target::door_plates;
    if (s == "divisions") return Target::divisions;
    throw import_error{where + ": target '" + s + "' is not one of addresses, place_names, door_plates, divisions"};
}

std::string string_at(const json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) return {};
    if (!j[key].is_string()) throw import_error{where + ": '" + key + "' must be a string"};
    return j[key].get<std::string>();
}

} // namespace

const char* to_string(Target t) {
    switch (t) {
    case Target::addresses: return "addresses";
    case Target::place_names: return "place_names";
    case Target::door_plates: return "door_plates";
    case Target::divisions: return "divisions";
    }
    return "?";
}

const std::vector<std::string>& fields_of(Target t) {
    static const std::vector<std::string> addresses{"province", "city", "county", "town", "community", "road",
                                                    "number", "compound", "building", "unit", "room"};
    static const std::vector<std::string> place_names{"name", "pinyin", "category", "division_code", "former_name",
                                                      "former_pinyin", "decision_doc", "decided_on", "effective_on", "reason"};
    static const std::vector<std::string> door_plates{"plate_type", "town_code", "community_code", "road_id", "road", "hamlet",
                                                      "number", "suffix", "compound", "building", "unit", "room"};
    static const std::vector<std::string> divisions{"code"};
    switch (t) {
    case Target::addresses: return addresses;
    case Target::place_names: return place_names;
    case Target::door_plates: return door_plates;
    case Target::divisions: return divisions;
    }
    return addresses;
}

Profile profile_from_json(const std::string& text, const std::string& where) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw import_error{where + ": not valid JSON (" + std::string{e.what()} + ")"};
    }
    if (!j.is_object()) throw import_error{where + ": a profile is a JSON object"};
    static const std::set<std::string> top{"$schema", "name", "description", "encoding", "crs", "extent", "layers"};
    for (const auto& [k, v] : j.items()) {
        if (!top.contains(k)) throw import_error{where + ": unknown key '" + k + "'"};
    }
    Profile p;
    p.name = string_at(j, "name", where);
    if (j.contains("encoding")) p.encoding = string_at(j, "encoding", where);
    p.crs = string_at(j, "crs", where);
    if (j.contains("extent")) {
        const auto& e = j["extent"];
        if (!e.is_array() || e.size() != 4 || !std::all_of(e.begin(), e.end(), [](const json& v) { return v.is_number(); })) {
            throw import_error{where + ": 'extent' is [min_lon, min_lat, max_lon, max_lat]"};
        }
        p.extent = std::array<double, 4>{e[0].get<double>(), e[1].get<double>(), e[2].get<double>(), e[3].get<double>()};
        if ((*p.extent)[0] >= (*p.extent)[2] || (*p.extent)[1] >= (*p.extent)[3]) throw import_error{where + ": 'extent' is empty"};
    }
    if (!j.contains("layers") || !j["layers"].is_array() || j["layers"].empty()) {
        throw import_error{where + ": 'layers' must be a non-empty array"};
    }
    static const std::set<std::string> layer_keys{"layer", "target", "id", "address", "fields", "constants", "x", "y"};
    int n = 0;
    for (const auto& l : j["layers"]) {
        const std::string lw = where + ": layers[" + std::to_string(n++) + "]";
        if (!l.is_object()) throw import_error{lw + ": must be an object"};
        for (const auto& [k, v] : l.items()) {
            if (!layer_keys.contains(k)) throw import_error{lw + ": unknown key '" + k + "'"};
        }
        LayerMapping m;
        m.layer = string_at(l, "layer", lw);
        if (!l.contains("target")) throw import_error{lw + ": 'target' is required"};
        m.target = parse_target(string_at(l, "target", lw), lw);
        m.id_column = string_at(l, "id", lw);
        m.address_column = string_at(l, "address", lw);
        m.x_column = string_at(l, "x", lw);
        m.y_column = string_at(l, "y", lw);
        if (m.x_column.empty() != m.y_column.empty()) throw import_error{lw + ": give both 'x' and 'y', or neither"};
        const auto& known = fields_of(m.target);
        for (const char* key : {"fields", "constants"}) {
            if (!l.contains(key)) continue;
            if (!l[key].is_object()) throw import_error{lw + ": '" + key + "' must be an object"};
            for (const auto& [k, v] : l[key].items()) {
                if (std::find(known.begin(), known.end(), k) == known.end()) {
                    throw import_error{lw + ": " + key + "." + k + " is not a field of target " + to_string(m.target)};
                }
                if (!v.is_string()) throw import_error{lw + ": " + key + "." + k + " must be a string"};
                (std::string{key} == "fields" ? m.fields : m.constants)[k] = v.get<std::string>();
            }
        }
        if (m.target == Target::addresses && m.address_column.empty() && m.fields.empty()) {
            throw import_error{lw + ": an addresses layer needs 'address' or 'fields'"};
        }
        if (m.target == Target::place_names && !m.fields.contains("name")) throw import_error{lw + ": fields.name is required"};
        if (m.target == Target::divisions && !m.fields.contains("code")) throw import_error{lw + ": fields.code is required"};
        p.layers.push_back(std::move(m));
    }
    return p;
}

Profile load_profile(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    if (!in) throw import_error{path.string() + ": cannot read the profile"};
    std::ostringstream ss;
    ss << in.rdbuf();
    return profile_from_json(ss.str(), path.string());
}

std::string guess_profile(const std::filesystem::path& dataset, const std::string& wanted_layer) {
    auto ds = gdal::open_vector(dataset, {"AUTODETECT_TYPE=NO", "EMPTY_STRING_AS_NULL=NO"});
    // Column names seen in police and civil exports, Chinese and English, by diming field.
    static const std::vector<std::pair<std::string, std::vector<std::string>>> synonyms{
        {"id", {"地址编码", "地址ID", "编码", "门牌编码", "plate_id", "address_id", "id", "code", "road_id", "hamlet_id"}},
        {"address", {"标准地址", "地址", "详细地址", "地址名称", "全地址", "address", "full_address", "addr"}},
        {"province", {"省", "省份", "province"}},
        {"city", {"市", "地市", "city"}},
        {"county", {"区县", "县区", "县", "区", "county", "district"}},
        {"town", {"乡镇街道", "乡镇", "街道", "town", "street"}},
        {"community", {"社区村委会", "社区", "村委会", "村居", "社区村", "community", "village"}},
        {"road", {"街路巷", "道路", "路", "街巷", "road", "road_name"}},
        {"number", {"门牌号", "门牌", "号", "number", "house_number", "door_number"}},
        {"compound", {"小区", "小区名称", "compound", "poi"}},
        {"building", {"楼栋", "幢", "栋", "楼号", "building"}},
        {"unit", {"单元", "unit"}},
        {"room", {"户室", "室", "房号", "room"}},
        {"x", {"经度", "X", "x", "lon", "lng", "longitude", "POINT_X"}},
        {"y", {"纬度", "Y", "y", "lat", "latitude", "POINT_Y"}},
        {"name", {"name", "名称", "标准名称", "地名"}},
        {"pinyin", {"pinyin", "拼音", "罗马字母拼写"}},
        {"category", {"category", "类别", "类别代码", "地名类别"}},
        {"plate_type", {"plate_type", "门牌类型", "牌类型"}},
        {"town_code", {"town_code", "乡镇代码"}},
        {"community_code", {"community_code", "社区代码", "村代码"}},
        {"road_id", {"road_id", "道路编码"}},
        {"hamlet", {"hamlet", "自然村", "组"}},
        {"suffix", {"suffix", "附号"}},
        {"former_name", {"former_name", "曾用名"}},
    };
    json profile{{"name", dataset.stem().string()}, {"encoding", "UTF-8"}, {"layers", json::array()}};
    if (std::filesystem::exists(std::filesystem::path{dataset}.replace_extension(".cpg"))) profile["encoding"] = "(from .cpg)";
    for (int li = 0; li < GDALDatasetGetLayerCount(ds.get()); ++li) {
        OGRLayerH layer = GDALDatasetGetLayer(ds.get(), li);
        const std::string name = OGR_L_GetName(layer);
        if (!wanted_layer.empty() && name != wanted_layer) continue;
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        std::vector<std::string> columns;
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) columns.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        std::map<std::string, std::string> found;
        std::set<std::string> used;
        for (const auto& [field, names] : synonyms) {
            for (const auto& n : names) {
                auto it = std::find_if(columns.begin(), columns.end(), [&](const std::string& c) {
                    std::string a = c, b = n;
                    std::transform(a.begin(), a.end(), a.begin(), ::tolower);
                    std::transform(b.begin(), b.end(), b.begin(), ::tolower);
                    return a == b;
                });
                if (it != columns.end() && !used.contains(*it)) {
                    found[field] = *it;
                    used.insert(*it);
                    break;
                }
            }
        }
        const OGRwkbGeometryType gt = wkbFlatten(OGR_L_GetGeomType(layer));
        json l{{"layer", name}};
        Target target = Target::addresses;
        if (gt == wkbLineString || gt == wkbMultiLineString) target = Target::place_names;
        else if (gt == wkbPolygon || gt == wkbMultiPolygon) target = Target::divisions;
        else if (found.contains("plate_type")) target = Target::door_plates;
        else if (found.contains("name") && !found.contains("address")) target = Target::place_names;
        l["target"] = to_string(target);
        if (found.contains("id")) l["id"] = found["id"];
        if (target == Target::addresses || target == Target::door_plates) {
            if (found.contains("address")) l["address"] = found["address"];
        }
        json fields = json::object();
        for (const auto& f : fields_of(target)) {
            if (found.contains(f)) fields[f] = found[f];
        }
        if (target == Target::divisions && found.contains("id")) {
            fields["code"] = found["id"];
            l.erase("id");
        }
        l["fields"] = fields;
        if (gt == wkbNone || gt == wkbUnknown) {
            if (found.contains("x") && found.contains("y")) {
                l["x"] = found["x"];
                l["y"] = found["y"];
            }
        }
        profile["layers"].push_back(l);
        // A layer's SRS says which CRS; without one (CSV), say what to check.
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
        if (srs && OSRGetAuthorityCode(srs, nullptr)) {
            profile["crs"] = std::string{OSRGetAuthorityName(srs, nullptr)} + ":" + OSRGetAuthorityCode(srs, nullptr);
        } else if (!profile.contains("crs")) {
            profile["crs"] = "EPSG:4490 (check: gcj02 for Amap/Tencent coordinates, bd09 for Baidu, EPSG:4549 for Gauss-Kruger metres)";
        }
    }
    if (profile["layers"].empty()) throw import_error{dataset.string() + ": no layer called '" + wanted_layer + "'"};
    return profile.dump(2);
}

} // namespace diming::import
