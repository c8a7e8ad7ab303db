#include "ogc/collections.hpp"

namespace diming::ogc {

namespace {

using T = QueryableType;

const char* const place_columns =
    "p.id, json_object('name', p.name, 'pinyin', p.pinyin, 'category_code', p.category_code, "
    "'category', c.name, 'division_code', p.division_code, 'status', p.status, 'approval_doc', p.approval_doc, "
    "'approval_date', p.approval_date)";
const char* const place_from = "place_names p JOIN place_name_categories c ON c.code = p.category_code";

std::vector<Queryable> place_queryables() {
    return {{"name", "p.name", T::string, "name (地名)"},
            {"pinyin", "p.pinyin", T::string, "pinyin"},
            {"category_code", "p.category_code", T::string, "category code"},
            {"division_code", "p.division_code", T::string, "town or village code"},
            {"status", "p.status", T::string, "proposed, approved, registered, rejected, retired"},
            {"approval_doc", "p.approval_doc", T::string, "decision document"},
            {"approval_date", "p.approval_date", T::date, "approval date"}};
}

} // namespace

const std::vector<Collection>& all_collections() {
    static const std::vector<Collection> all{
        {"place_names", "地名 Place names",
         "Standard names of roads, streets, lanes, villages, natural villages and compounds, with pinyin, category and status "
         "(lines and points mixed: clients that need one geometry type read roads and places).",
         "place_names", "idx_place_names_geom", "Geometry", place_columns, "AsGeoJSON(p.geom, 7)", place_from, "p.id", "p.id", "", Shape::any, "p.approval_date", T::date,
         "approval_date", place_queryables()},
        {"roads", "街路巷 Roads, streets and lanes", "Place names whose geometry is a line: roads, streets, lanes, bridges.", "place_names",
         "idx_place_names_geom", "LineString", place_columns, "AsGeoJSON(p.geom, 7)", place_from, "p.id", "p.id", "GeometryType(p.geom) IN ('LINESTRING', 'MULTILINESTRING')",
         Shape::any, "p.approval_date", T::date, "approval_date", place_queryables()},
        {"places", "村、自然村、小区 Places (villages, natural villages, compounds)", "Place names whose geometry is a point.", "place_names",
         "idx_place_names_geom", "Point", place_columns, "MbrMinX(p.geom), MbrMinY(p.geom)", place_from, "p.id", "p.id", "GeometryType(p.geom) = 'POINT'", Shape::point, "p.approval_date",
         T::date, "approval_date", place_queryables()},
        {"divisions", "乡镇街道、社区村 Towns and communities",
         "Administrative divisions below the county: towns and subdistricts, communities and villages, with their 12-digit codes.",
         "divisions", "idx_divisions_geom", "MultiPolygon",
         "CAST(v.code AS INTEGER), json_object('code', v.code, 'name', v.name, 'short_name', v.short_name, 'kind', v.kind, 'level', v.level, "
         "'parent_code', v.parent_code)",
         "AsGeoJSON(v.geom, 7)", "divisions v", "CAST(v.code AS INTEGER)", "v.rowid", "v.level >= 4", Shape::any, nullptr, T::date, nullptr,
         {{"code", "v.code", T::string, "12-digit division code"},
          {"name", "v.name", T::string, "official name"},
          {"short_name", "v.short_name", T::string, "name as written in addresses"},
          {"kind", "v.kind", T::string, "subdistrict, town, township, community, village"},
          {"level", "v.level", T::integer, "4 town, 5 community or village"},
          {"parent_code", "v.parent_code", T::string, "the division it belongs to"}}},
        {"door_plates", "门牌 Door plates", "Door, building and room plates with their standard addresses, on their road or village.",
         "door_plates", "idx_door_plates_geom", "Point",
         "d.id, json_object('plate_type', d.plate_type, 'standard_address', d.standard_address, "
         "'place_name_id', d.place_name_id, 'place_name', p.name, 'hamlet', d.hamlet, 'number', d.number, 'suffix', d.suffix, "
         "'compound', d.compound, 'building', d.building, 'unit', d.unit, 'room', d.room, 'town_code', d.town_code, "
         "'community_code', d.community_code, 'status', d.status, 'parent_id', d.parent_id, 'created_at', d.created_at)",
         "MbrMinX(d.geom), MbrMinY(d.geom)", "door_plates d JOIN place_names p ON p.id = d.place_name_id", "d.id", "d.id", "", Shape::point, "d.created_at", T::datetime,
         "created_at",
         {{"plate_type", "d.plate_type", T::string, "door, building, unit, room"},
          {"standard_address", "d.standard_address", T::string, "standard address (标准地址)"},
          {"place_name_id", "d.place_name_id", T::integer, "the road or village"},
          {"place_name", "p.name", T::string, "the road's or village's name"},
          {"hamlet", "d.hamlet", T::string, "natural village or group"},
          {"number", "d.number", T::integer, "door number"},
          {"suffix", "d.suffix", T::string, "附号"},
          {"compound", "d.compound", T::string, "compound (小区)"},
          {"building", "d.building", T::string, "building (幢)"},
          {"unit", "d.unit", T::string, "unit (单元)"},
          {"room", "d.room", T::string, "room (室)"},
          {"town_code", "d.town_code", T::string, "town code"},
          {"community_code", "d.community_code", T::string, "community code"},
          {"status", "d.status", T::string, "planned, active, cancelled"},
          {"created_at", "d.created_at", T::datetime, "when the plate was registered"}}},
        {"match_results", "比对结果（最近一次） Match results (latest run)",
         "Each police (一标三实) address of the latest match run with its match level, score and the civil-affairs address it was matched to.",
         "source_addresses", "idx_source_addresses_geom", "Point",
         "r.police_address_id, json_object('run_id', r.run_id, 'level', r.level, 'score', r.score, "
         "'distance_m', r.distance_m, 'spatially_consistent', r.spatially_consistent, 'ties', r.ties, 'reason', r.reason, "
         "'police_source_id', s.source_id, 'police_address', s.raw_address, 'civil_address_id', r.civil_address_id, "
         "'civil_address', c.raw_address, 'door_plate_id', c.door_plate_id)",
         "MbrMinX(s.geom), MbrMinY(s.geom)", "match_results r JOIN source_addresses s ON s.id = r.police_address_id LEFT JOIN source_addresses c ON c.id = r.civil_address_id",
         "r.police_address_id", "r.police_address_id", "r.run_id = ?9", Shape::point, nullptr, T::date, nullptr,
         {{"level", "r.level", T::string, "exact, room, building, plate, fuzzy, road, spatial, none, manual"},
          {"score", "r.score", T::number, "match score, 0-1"},
          {"distance_m", "r.distance_m", T::number, "distance to the matched civil address, metres"},
          {"spatially_consistent", "r.spatially_consistent", T::boolean, "whether the two points agree"},
          {"police_address", "s.raw_address", T::string, "the police address as written"},
          {"civil_address", "c.raw_address", T::string, "the matched civil address"}}},
    };
    return all;
}

const Collection* find_collection(const std::string& id) {
    for (const auto& c : all_collections()) {
        if (id == c.id) return &c;
    }
    return nullptr;
}

} // namespace diming::ogc
