// The OpenAPI 3.0 document of /ogc, which OGC clients read (GDAL's OAPIF driver looks up the
// items' parameters in it).

#include "ogc/crs.hpp"
#include "ogc/features.hpp"

#include <nlohmann/json.hpp>

namespace diming::ogc {

std::string api_definition(const std::string& base) {
    using nlohmann::json;
    auto query = [](const char* name, json schema, const char* description) {
        return json{{"name", name}, {"in", "query"}, {"required", false}, {"style", "form"}, {"explode", false},
                    {"schema", std::move(schema)}, {"description", description}};
    };
    json crs_uris = json::array();
    for (const auto& c : supported_crs()) crs_uris.push_back(c.uri);
    const json f = query("f", {{"type", "string"}, {"enum", {"json", "html"}}}, "the encoding: json (GeoJSON) or html");
    const json limit = query("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", max_limit}, {"default", default_limit}},
                             "features per page; next links double it up to 1,000");
    const json bbox = query("bbox", {{"type", "array"}, {"minItems", 4}, {"maxItems", 4}, {"items", {{"type", "number"}}}},
                            "minx,miny,maxx,maxy in the axis order of bbox-crs (CRS84: lon,lat)");
    const json bbox_crs = query("bbox-crs", {{"type", "string"}, {"format", "uri"}, {"enum", crs_uris}}, "the CRS of bbox (default CRS84)");
    const json crs = query("crs", {{"type", "string"}, {"format", "uri"}, {"enum", crs_uris}},
                           "the CRS of the answer (default CRS84); axis order as the CRS defines it");
    const json datetime = query("datetime", {{"type", "string"}},
                                "an instant (2026-03-01, 2026-03-01T08:00:00Z) or an interval start/end, open ends .. or empty");
    const json filter = query("filter", {{"type", "string"}}, "a CQL2 text expression on the collection's queryables (Basic CQL2)");
    const json filter_lang = query("filter-lang", {{"type", "string"}, {"enum", {"cql2-text"}}, {"default", "cql2-text"}}, "the filter's language");
    const json after = query("after", {{"type", "integer"}}, "keyset cursor: features with an id greater than this (use the next link)");
    const json offset = query("offset", {{"type", "integer"}, {"minimum", 0}}, "features to skip");
    const json collection_id{{"name", "collectionId"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
    const json feature_id{{"name", "featureId"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}};
    const json error{{"description", "the request is wrong: the body names the parameter and why"},
                     {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/error"}}}}}}}};
    auto ok = [&](std::initializer_list<const char*> types) {
        json content = json::object();
        for (const char* t : types) content[t] = json::object();
        return json{{"200", {{"description", "OK"}, {"content", content}}}, {"400", error}, {"404", error}};
    };
    return json{{"openapi", "3.0.3"},
                {"info", {{"title", "diming OGC API - Features"}, {"version", "1.0.0"}}},
                {"servers", {{{"url", base}}}},
                {"paths",
                 {{"/", {{"get", {{"summary", "landing page"}, {"parameters", {f}}, {"responses", ok({json_type, "text/html"})}}}}},
                  {"/conformance", {{"get", {{"summary", "conformance classes"}, {"parameters", {f}}, {"responses", ok({json_type, "text/html"})}}}}},
                  {"/collections", {{"get", {{"summary", "the collections"}, {"parameters", {f}}, {"responses", ok({json_type, "text/html"})}}}}},
                  {"/collections/{collectionId}",
                   {{"get", {{"summary", "one collection"}, {"parameters", {collection_id, f}}, {"responses", ok({json_type, "text/html"})}}}}},
                  {"/collections/{collectionId}/queryables",
                   {{"get", {{"summary", "the properties a filter may use, as JSON Schema"}, {"parameters", {collection_id}}, {"responses", ok({schema_type})}}}}},
                  {"/collections/{collectionId}/items",
                   {{"get",
                     {{"summary", "features"},
                      {"parameters", {collection_id, limit, bbox, bbox_crs, crs, datetime, filter, filter_lang, after, offset, f}},
                      {"responses", ok({geojson_type, "text/html"})}}}}},
                  {"/collections/{collectionId}/items/{featureId}",
                   {{"get", {{"summary", "one feature"}, {"parameters", {collection_id, feature_id, crs, f}}, {"responses", ok({geojson_type, "text/html"})}}}}}}},
                {"components",
                 {{"schemas",
                   {{"error",
                     {{"type", "object"},
                      {"required", {"error", "message"}},
                      {"properties",
                       {{"error", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}}}}}}}}
        .dump();
}

} // namespace diming::ogc
