#pragma once
// The collections /ogc serves: what each is, where its features come from (SQL written here,
// never from a request), its geometry type, its temporal property and its queryables.

#include "ogc/cql2.hpp"

#include <optional>
#include <string>
#include <vector>

namespace diming::ogc {

// Point collections give their coordinates as two numbers (SpatiaLite's MbrMinX/MbrMinY of a
// point: a tenth of AsGeoJSON's cost); the others give AsGeoJSON.
enum class Shape { point, any };

struct Collection {
    const char* id;
    const char* title;
    const char* description;
    const char* table;          // the table of the geometry (its extent, its count)
    const char* rtree;          // its SpatiaLite R*Tree
    const char* geometry_type;  // GeoJSON type every feature has (or null geometry)
    std::string columns;        // feature id, properties (json_object)
    const char* geometry;       // AsGeoJSON(…), or a point's MbrMinX(…), MbrMinY(…)
    const char* from;
    const char* id_column;      // the integer feature id; pages are ordered by it
    const char* rtree_key;      // the column the R*Tree's pkid refers to
    const char* where;          // a fixed condition ("" for none); ?9 is the latest match run
    Shape shape;
    const char* temporal = nullptr;  // the SQL of the temporal property, if any
    QueryableType temporal_type = QueryableType::date;
    const char* temporal_name = nullptr;
    std::vector<Queryable> queryables = {};
};

const std::vector<Collection>& all_collections();
const Collection* find_collection(const std::string& id);

} // namespace diming::ogc
