// /ogc: OGC API - Features (parts 1, 2 and 3). The documents are built by src/ogc; this file
// only routes, reads the parameters and picks JSON or HTML.

#include "ogc/crs.hpp"
#include "ogc/features.hpp"
#include "ogc/html.hpp"
#include "server/call.hpp"

namespace diming::server {

namespace {

std::string ogc_base(const Call& c) { return c.base_url() + "/ogc"; }

// `f` selects the encoding; without it a browser (Accept: text/html first) gets HTML.
bool wants_html(const Call& c) {
    if (const auto f = c.param("f")) {
        if (*f == "html") return true;
        if (*f != "json" && *f != "geojson") throw http_error{400, "bad_request", "f: json or html", "f"};
        return false;
    }
    const std::string accept = c.req.get_header_value("Accept");
    return accept.rfind("text/html", 0) == 0;
}

// GDAL repeats the query of the URL it was given on every request (crs among them): the
// documents that have no coordinates accept it and check it.
void allow_document_params(const Call& c) {
    c.allow_params({"f", "crs"});
    if (const auto v = c.param("crs")) ogc::crs_by_name(*v, "crs");
}

void send(Call& c, ogc::PageKind kind, std::string document, const char* json_type) {
    if (wants_html(c)) c.send_json(200, ogc::html_of(kind, document, ogc_base(c)), "text/html; charset=utf-8");
    else c.send_json(200, std::move(document), json_type);
}

const ogc::Crs* crs_param(const Call& c, const char* name) {
    if (const auto v = c.param(name)) return &ogc::crs_by_name(*v, name);
    return nullptr;
}

void content_crs(const Call& c, const ogc::Crs* crs) {
    c.res.set_header("Content-Crs", "<" + std::string{crs ? crs->uri : ogc::crs84_uri} + ">");
}

void items(Call& c) {
    c.allow_params({"limit", "bbox", "bbox-crs", "crs", "datetime", "filter", "filter-lang", "filter-crs", "after", "offset", "f"});
    const bool html = wants_html(c);
    const std::string id = c.req.matches[1];
    if (!ogc::has_collection(id)) throw http_error{404, "not_found", "no collection '" + id.substr(0, 40) + "'"};
    ogc::ItemsQuery q;
    if (auto v = c.param("limit")) q.limit = static_cast<int>(lookup::parse_integer(*v, "limit", 1, ogc::max_limit));
    q.next_limit = c.state.options.ogc_next_limit;
    q.crs = crs_param(c, "crs");
    q.bbox_crs = crs_param(c, "bbox-crs");
    if (auto v = c.param("bbox")) {
        q.bbox_text = *v;
        q.bbox = ogc::parse_bbox_in(q.bbox_crs ? *q.bbox_crs : ogc::supported_crs().front(), *v);
    } else if (q.bbox_crs) {
        throw http_error{400, "bad_request", "bbox-crs: given without a bbox", "bbox-crs"};
    }
    if (auto v = c.param("datetime")) q.datetime = *v;
    if (auto v = c.param("filter-lang"); v && *v != "cql2-text") {
        throw http_error{400, "bad_request", "filter-lang: only cql2-text is understood", "filter-lang"};
    }
    if (auto v = c.param("filter-crs")) {
        if (!ogc::crs_by_name(*v, "filter-crs").stored) throw http_error{400, "bad_request", "filter-crs: only CRS84 (Basic CQL2 has no geometries)", "filter-crs"};
    }
    if (auto v = c.param("filter")) q.filter = *v;
    if (auto v = c.param("after")) q.after = lookup::parse_integer(*v, "after", 0, std::numeric_limits<std::int64_t>::max());
    if (auto v = c.param("offset")) q.offset = lookup::parse_integer(*v, "offset", 0, 1'000'000'000);
    std::string page;
    {
        const Admission::Slot slot{*c.state.reads};
        page = ogc::items(c.worker.db, c.worker.counts, ogc_base(c), id, q);
    }
    content_crs(c, q.crs);
    if (html) c.send_json(200, ogc::html_of(ogc::PageKind::items, page, ogc_base(c)), "text/html; charset=utf-8");
    else c.send_json(200, std::move(page), ogc::geojson_type);
}

void item(Call& c) {
    c.allow_params({"f", "crs"});
    const bool html = wants_html(c);
    const auto* crs = crs_param(c, "crs");
    const std::string id = c.req.matches[1];
    const std::string fid_text = c.req.matches[2];
    std::optional<std::string> feature;
    try {
        const auto fid = lookup::parse_integer(fid_text, "featureId", 0, std::numeric_limits<std::int64_t>::max());
        feature = ogc::item(c.worker.db, ogc_base(c), id, fid, crs);
    } catch (const lookup::query_error&) {
    }
    if (!feature) throw http_error{404, "not_found", "no feature '" + fid_text.substr(0, 40) + "' in collection '" + id.substr(0, 40) + "'"};
    content_crs(c, crs);
    if (html) c.send_json(200, ogc::html_of(ogc::PageKind::item, *feature, ogc_base(c)), "text/html; charset=utf-8");
    else c.send_json(200, *feature, ogc::geojson_type);
}

} // namespace

void add_ogc_routes(httplib::Server& http, ServerState& state) {
    auto landing = [](Call& c) {
        allow_document_params(c);
        send(c, ogc::PageKind::landing, ogc::landing_page(ogc_base(c)), ogc::json_type);
    };
    route(http, state, "GET", "/ogc", "/ogc", landing);
    route(http, state, "GET", "/ogc/", "/ogc", landing);
    route(http, state, "GET", "/ogc/conformance", "/ogc/conformance", [](Call& c) {
        allow_document_params(c);
        send(c, ogc::PageKind::conformance, ogc::conformance(), ogc::json_type);
    });
    route(http, state, "GET", "/ogc/api", "/ogc/api", [](Call& c) {
        allow_document_params(c);
        c.send_json(200, ogc::api_definition(ogc_base(c)), ogc::openapi_type);
    });
    route(http, state, "GET", "/ogc/collections", "/ogc/collections", [](Call& c) {
        allow_document_params(c);
        send(c, ogc::PageKind::collections, ogc::collections(c.worker.db, c.worker.counts, ogc_base(c)), ogc::json_type);
    });
    route(http, state, "GET", R"(/ogc/collections/([^/]+))", "/ogc/collections/{id}", [](Call& c) {
        allow_document_params(c);
        const std::string id = c.req.matches[1];
        auto doc = ogc::collection(c.worker.db, c.worker.counts, ogc_base(c), id);
        if (!doc) throw http_error{404, "not_found", "no collection '" + id.substr(0, 40) + "'"};
        send(c, ogc::PageKind::collection, std::move(*doc), ogc::json_type);
    });
    route(http, state, "GET", R"(/ogc/collections/([^/]+)/queryables)", "/ogc/collections/{id}/queryables", [](Call& c) {
        allow_document_params(c);
        const std::string id = c.req.matches[1];
        auto doc = ogc::queryables(ogc_base(c), id);
        if (!doc) throw http_error{404, "not_found", "no collection '" + id.substr(0, 40) + "'"};
        c.send_json(200, std::move(*doc), ogc::schema_type);
    });
    route(http, state, "GET", R"(/ogc/collections/([^/]+)/items)", "/ogc/collections/{id}/items", items);
    route(http, state, "GET", R"(/ogc/collections/([^/]+)/items/([^/]+))", "/ogc/collections/{id}/items/{fid}", item);
}

} // namespace diming::server
