#include "sample/police.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

namespace diming::sample {

const std::vector<std::string> police_columns{"地址编码", "省",   "市",   "区县",     "乡镇街道", "社区村委会", "街路巷", "门牌号",
                                              "小区",     "楼栋", "单元", "户室", "标准地址", "经度",     "纬度"};

namespace {

enum Col { col_id, col_province, col_city, col_county, col_town, col_community, col_road, col_number, col_compound, col_building, col_unit, col_room, col_address, col_x, col_y };

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string two_digits(int n) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", n);
    return buf;
}

// Moves p by `metres` in direction `bearing` (radians); a local flat-earth step, which is all
// GPS noise needs.
LonLat displace(LonLat p, double metres, double bearing) {
    const double dy = metres * std::cos(bearing), dx = metres * std::sin(bearing);
    return {p.lon + dx / (111320.0 * std::cos(p.lat * std::numbers::pi / 180.0)), p.lat + dy / 110574.0};
}

} // namespace

std::string number_text(const CivilAddress& a) {
    if (a.number == 0) return {};
    return std::to_string(a.number) + (a.suffix ? "-" + std::to_string(a.suffix) : "") + "号";
}

std::string standard_address(const Layout& layout, const CivilAddress& a) {
    const Town& t = layout.towns()[a.town];
    const County& k = layout.county_of(a.town);
    std::string s = k.province + k.city + k.name + t.name;
    if (a.rural) s += t.communities[a.community].short_name + a.hamlet;
    else s += a.road;
    s += number_text(a) + a.compound;
    if (a.building) s += std::to_string(a.building) + "幢";
    if (a.unit) s += std::to_string(a.unit) + "单元";
    if (a.room) s += std::to_string(a.room) + "室";
    return s;
}

const std::map<std::string, Variation>& variation_catalogue() {
    static const std::map<std::string, Variation> catalogue{
        {"admin_partial", {"admin_partial", 0.25, "every record", "address starts at the county (平湖市…): province and city left out"}},
        {"admin_missing", {"admin_missing", 0.20, "records not admin_partial", "address starts below the county: no province, city or county"}},
        {"town_missing", {"town_missing", 0.05, "every record", "乡镇街道 left out of the column and the address"}},
        {"town_wrong", {"town_wrong", 0.02, "records not town_missing", "another town's name in 乡镇街道 and the address"}},
        {"community_missing", {"community_missing", 0.10, "every record", "社区村委会 column empty"}},
        {"community_wrong", {"community_wrong", 0.03, "records not community_missing", "another community of the same town in 社区村委会"}},
        {"former_name", {"former_name", 0.60, "records on renamed roads", "the road's former name instead of its standard name"}},
        {"typo", {"typo", 0.04, "records whose road or natural-village name has a confusable character", "one homophone (同音字) or look-alike (形近字) character in the road or natural-village name"}},
        {"numerals", {"numerals", 0.08, "records with a door number", "door number in Chinese numerals (十二号) or full-width digits (１２号)"}},
        {"suffix_form", {"suffix_form", 0.50, "records whose door number has a 附号", "附号 written 12之1号 or 12号之一 instead of 12-1号"}},
        {"detail_missing", {"detail_missing", 0.03, "flat records", "unit and flat left out (the record then describes the building plate)"}},
        {"unit_words", {"unit_words", 0.30, "records with a building", "栋/号楼/座 for 幢, 2-301 for 2单元301室, 3-2-301 for 3幢2单元301室, 户 for 室, or 3楼01室 for 301室"}},
        {"no_hao", {"no_hao", 0.03, "records whose address ends with a door number without 附号", "the door number in Chinese numerals without 号 (…路三十七), in the address and 门牌号"}},
        {"village_dropped", {"village_dropped", 0.30, "rural records of a natural village (not a group)", "the village left out: town, natural village, number (某镇张家浜23号), 社区村委会 empty"}},
        {"text_short", {"text_short", 0.02, "records with a door number", "标准地址 stops before the door number (or the building) while 门牌号 (楼栋, 单元, 户室) hold it"}},
        {"jitter", {"jitter", 1.00, "every record", "GPS noise of 5-30 m"}},
        {"zero_coords", {"zero_coords", 0.003, "every record", "coordinates 0,0"}},
        {"swapped_coords", {"swapped_coords", 0.003, "records not zero_coords", "longitude and latitude swapped"}},
        {"far_off", {"far_off", 0.01, "records with neither coordinate defect above", "point 200-800 m from the door"}},
        {"civil_only", {"civil_only", 0.05, "civil door and flat plates", "no police record describes the plate"}},
        {"unregistered", {"unregistered", 0.04, "police records of registered plates", "one more police record for a door civil affairs never registered (no counterpart)"}},
        {"duplicate", {"duplicate", 0.005, "police records", "an exact copy of the record under another 地址编码"}},
    };
    return catalogue;
}

PoliceWriterModel::PoliceWriterModel(const Layout& layout, const Names& names, const SampleOptions& options)
    : layout_{layout}, names_{names}, crs_{options.police_crs} {
    for (const auto& [name, v] : variation_catalogue()) {
        auto it = options.rates.find(name);
        rates_.emplace(name, Rate{it != options.rates.end() ? it->second : v.default_rate});
    }
    if (crs_ == PoliceCrs::gk120) to_gk_.emplace("EPSG:4490", "EPSG:4549");
}

PoliceRecord PoliceWriterModel::describe(const CivilAddress& a, const std::string& police_id, Random& rng) {
    PoliceRecord r;
    r.fields.resize(police_columns.size());
    r.civil_plate_id = a.plate_id;
    auto& f = r.fields;
    auto vary = [&](const char* name) {
        const bool yes = rates_.at(name).decide(rng);
        if (yes) r.variations.emplace_back(name);
        return yes;
    };
    const Town& town = layout_.towns()[a.town];

    f[col_id] = police_id;
    // Administrative prefix.
    const County& county = layout_.county_of(a.town);
    std::string prefix = county.province + county.city + county.name;
    f[col_province] = county.province;
    f[col_city] = county.city;
    f[col_county] = county.name;
    if (vary("admin_partial")) {
        prefix = county.name;
        f[col_province].clear();
        f[col_city].clear();
    } else if (vary("admin_missing")) {
        prefix.clear();
        f[col_province].clear();
        f[col_city].clear();
        f[col_county].clear();
    }
    // Town.
    std::string town_text = town.name;
    if (vary("town_missing")) {
        town_text.clear();
    } else if (layout_.towns_of_county(town.county).size() > 1 && vary("town_wrong")) {
        // Another town of the same county: a clerk's slip, not another county's address.
        const auto& towns = layout_.towns_of_county(town.county);
        const auto own = std::find(towns.begin(), towns.end(), a.town) - towns.begin();
        auto other = static_cast<std::ptrdiff_t>(rng.below(towns.size() - 1));
        if (other >= own) ++other;
        town_text = layout_.towns()[towns[other]].name;
    }
    f[col_town] = town_text;
    // Community column.
    const auto& communities = town.communities;
    f[col_community] = communities[a.community].short_name;
    // A group (3组) names nothing without its village: only natural villages are written so.
    const bool village_dropped = a.rural && !a.hamlet.ends_with("组") && vary("village_dropped");
    if (village_dropped) {
        f[col_community].clear();
    } else if (vary("community_missing")) {
        f[col_community].clear();
    } else if (communities.size() > 1 && vary("community_wrong")) {
        int other = static_cast<int>(rng.below(communities.size() - 1));
        if (other >= a.community) ++other;
        f[col_community] = communities[other].short_name;
    }
    // Road or natural village, by its former name or with a typo.
    std::string place = a.rural ? a.hamlet : a.road;
    if (!a.former_road.empty() && vary("former_name")) place = a.former_road;
    {
        TypoKind kind{};
        // The proper part: all but the generic (路, 东路, 大道, 浜…), and never a group number.
        const auto cps = text::split_code_points(place);
        const std::size_t proper = a.rural ? (a.hamlet.ends_with("组") ? 0 : cps.size() - 1) : (cps.size() > 2 ? cps.size() - 2 : 1);
        // Draw the typo once, from a copy of the stream: whether a record can carry one must not
        // depend on the draws the decision makes (and a second draw could find none).
        Random draw = rng;
        const auto typo = proper > 0 ? names_.typo(place, proper, draw, kind) : std::nullopt;
        if (typo && vary("typo")) {
            place = *typo;
            forms_[kind == TypoKind::homophone ? "typo:homophone" : "typo:shape"]++;
        }
    }
    f[col_road] = place;
    // Door number.
    std::string number_part;
    if (a.number) {
        std::string digits = std::to_string(a.number);
        if (vary("numerals")) {
            if (rng.chance(0.5)) { digits = chinese_numeral(a.number); forms_["numerals:chinese"]++; }
            else { digits = fullwidth_digits(digits); forms_["numerals:fullwidth"]++; }
        }
        const bool ends_address = !a.building && a.compound.empty();
        if (!a.suffix && ends_address && vary("no_hao")) {
            number_part = chinese_numeral(a.number);
        } else if (a.suffix) {
            if (vary("suffix_form")) {
                if (rng.chance(0.5)) { number_part = digits + "之" + std::to_string(a.suffix) + "号"; forms_["suffix_form:之"]++; }
                else { number_part = digits + "号之" + chinese_numeral(a.suffix); forms_["suffix_form:号之"]++; }
            } else {
                number_part = digits + "-" + std::to_string(a.suffix) + "号";
            }
        } else {
            number_part = digits + "号";
        }
    }
    f[col_number] = number_part;
    f[col_compound] = a.compound;
    // Building, unit, flat.
    std::string building_part, unit_part, room_part;
    bool drop_detail = false;
    if (a.room && vary("detail_missing")) {
        drop_detail = true;
        r.civil_plate_id = a.building_plate_id; // what the record now identifies
    }
    if (a.building) {
        building_part = std::to_string(a.building) + "幢";
        if (a.unit && !drop_detail) unit_part = std::to_string(a.unit) + "单元";
        if (a.room && !drop_detail) room_part = std::to_string(a.room) + "室";
        if (vary("unit_words")) {
            static const char* kinds[] = {"栋", "号楼", "座", "dash", "户", "floor", "chain"};
            std::string kind = kinds[rng.below(7)];
            // A form that rewrites the flat falls back to 栋 on a record without one.
            if (((kind == "dash" || kind == "chain") && (unit_part.empty() || room_part.empty())) ||
                ((kind == "户" || kind == "floor") && room_part.empty())) {
                kind = "栋";
            }
            if (kind == "dash") {
                unit_part = std::to_string(a.unit);
                room_part = "-" + std::to_string(a.room);
            } else if (kind == "chain") {
                // 3-2-301: building, unit and flat as one chain after the door number.
                building_part = std::to_string(a.building) + "-";
                unit_part = std::to_string(a.unit);
                room_part = "-" + std::to_string(a.room);
            } else if (kind == "户") {
                room_part = std::to_string(a.room) + "户";
            } else if (kind == "floor") {
                room_part = std::to_string(a.floor) + "楼" + two_digits(a.room % 100) + "室";
            } else {
                building_part = std::to_string(a.building) + kind;
            }
            forms_["unit_words:" + kind]++;
        }
    }
    f[col_building] = building_part.ends_with("-") ? building_part.substr(0, building_part.size() - 1) : building_part;
    f[col_unit] = unit_part;
    f[col_room] = room_part.starts_with("-") ? room_part.substr(1) : room_part;

    std::string text = prefix + town_text;
    if (a.rural && !village_dropped) text += communities[a.community].short_name;
    // The free text cut short: it stops before the door number (or, with a building, before
    // the building), the columns keep the rest.
    if (a.number && vary("text_short")) {
        text += place + (a.building ? number_part + a.compound : "");
    } else {
        text += place + number_part + a.compound + building_part + unit_part + room_part;
    }
    f[col_address] = text;

    // Coordinates: GPS noise, then at most one gross defect.
    LonLat p = a.point;
    if (vary("jitter")) p = displace(p, rng.uniform(5.0, 30.0), rng.uniform(0.0, 2 * std::numbers::pi));
    const bool zero = vary("zero_coords");
    const bool swapped = !zero && vary("swapped_coords");
    if (!zero && !swapped && vary("far_off")) p = displace(p, rng.uniform(200.0, 800.0), rng.uniform(0.0, 2 * std::numbers::pi));
    if (zero) {
        f[col_x] = "0";
        f[col_y] = "0";
    } else {
        switch (crs_) {
        case PoliceCrs::cgcs2000: f[col_x] = fmt(p.lon, 7); f[col_y] = fmt(p.lat, 7); break;
        case PoliceCrs::gcj02: {
            const LonLat g = crs::gcj02_from_wgs84(p);
            f[col_x] = fmt(g.lon, 7);
            f[col_y] = fmt(g.lat, 7);
            break;
        }
        case PoliceCrs::gk120: {
            const auto e = to_gk_->forward({p.lon, p.lat});
            f[col_x] = fmt(e.x, 3);
            f[col_y] = fmt(e.y, 3);
            break;
        }
        }
        if (swapped) std::swap(f[col_x], f[col_y]);
    }
    return r;
}

} // namespace diming::sample
