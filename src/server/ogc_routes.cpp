// /ogc: OGC API - Features. The documents are built by src/ogc; this file only routes.

#include "ogc/features.hpp"
#include "server/call.hpp"

namespace diming::server {

namespace {

std::string ogc_base(const Call& c) { return c.base_url() + "/ogc"; }

// `f` selects the encoding in many OGC clients; JSON is the only one here.
void check_format(const Call& c) {
    if (const auto f = c.param("f"); f && *f != "json" && *f != "geojson") {
        throw http_error{400, "bad_request", "f: only json is served", "f"};
    }
}

void items(Call& c) {
    c.allow_params({"limit", "bbox", "after", "offset", "f"});
    check_format(c);
    const std::string id = c.req.matches[1];
    if (!ogc::has_collection(id)) throw http_error{404, "not_found", "no collection '" + id.substr(0, 40) + "'"};
    ogc::ItemsQuery q;
    if (auto v = c.param("limit")) q.limit = static_cast<int>(lookup::parse_integer(*v, "limit", 1, ogc::max_limit));
    if (auto v = c.param("bbox")) q.bbox = lookup::parse_bbox(*v, "bbox");
    if (auto v = c.param("after")) q.after = lookup::parse_integer(*v, "after", 0, std::numeric_limits<std::int64_t>::max());
    if (auto v = c.param("offset")) q.offset = lookup::parse_integer(*v, "offset", 0, 1'000'000'000);
    std::string page;
    {
        const Admission::Slot slot{*c.state.reads};
        page = ogc::items(c.worker.db, c.worker.counts, ogc_base(c), id, q);
    }
    c.send_json(200, std::move(page), ogc::geojson_type);
}

void item(Call& c) {
    c.allow_params({"f"});
    check_format(c);
    const std::string id = c.req.matches[1];
    const std::string fid_text = c.req.matches[2];
    std::optional<std::string> feature;
    try {
        const auto fid = lookup::parse_integer(fid_text, "featureId", 0, std::numeric_limits<std::int64_t>::max());
        feature = ogc::item(c.worker.db, ogc_base(c), id, fid);
    } catch (const lookup::query_error&) {
    }
    if (!feature) throw http_error{404, "not_found", "no feature '" + fid_text.substr(0, 40) + "' in collection '" + id.substr(0, 40) + "'"};
    c.send_json(200, *feature, ogc::geojson_type);
}

} // namespace

void add_ogc_routes(httplib::Server& http, ServerState& state) {
    auto landing = [](Call& c) {
        c.allow_params({"f"});
        check_format(c);
        c.send_json(200, ogc::landing_page(ogc_base(c)));
    };
    route(http, state, "GET", "/ogc", "/ogc", landing);
    route(http, state, "GET", "/ogc/", "/ogc", landing);
    route(http, state, "GET", "/ogc/conformance", "/ogc/conformance", [](Call& c) {
        c.allow_params({"f"});
        check_format(c);
        c.send_json(200, ogc::conformance());
    });
    route(http, state, "GET", "/ogc/api", "/ogc/api", [](Call& c) {
        c.allow_params({"f"});
        c.send_json(200, ogc::api_definition(ogc_base(c)), ogc::openapi_type);
    });
    route(http, state, "GET", "/ogc/collections", "/ogc/collections", [](Call& c) {
        c.allow_params({"f"});
        check_format(c);
        c.send_json(200, ogc::collections(c.worker.db, ogc_base(c)));
    });
    route(http, state, "GET", R"(/ogc/collections/([^/]+))", "/ogc/collections/{id}", [](Call& c) {
        c.allow_params({"f"});
        check_format(c);
        const std::string id = c.req.matches[1];
        auto doc = ogc::collection(c.worker.db, ogc_base(c), id);
        if (!doc) throw http_error{404, "not_found", "no collection '" + id.substr(0, 40) + "'"};
        c.send_json(200, *doc);
    });
    route(http, state, "GET", R"(/ogc/collections/([^/]+)/items)", "/ogc/collections/{id}/items", items);
    route(http, state, "GET", R"(/ogc/collections/([^/]+)/items/([^/]+))", "/ogc/collections/{id}/items/{fid}", item);
}

} // namespace diming::server
