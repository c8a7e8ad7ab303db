// /tiles: vector tiles of the registry, TileJSON, and the web map's files at /.

#include "server/call.hpp"
#include "core/data_dir.hpp"
#include "tiles/tile_export.hpp"

#include <ctime>

namespace diming::server {

namespace {

constexpr int served_maxzoom = 20;

std::string http_date(std::time_t t) {
    char buf[64];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

void tile(Call& c) {
    c.allow_params({});
    tiles::TileId id;
    try {
        id = tiles::make_tile(std::stoll(c.req.matches[1]), std::stoll(c.req.matches[2]), std::stoll(c.req.matches[3]));
    } catch (const std::out_of_range&) {
        throw http_error{404, "not_found", "no such tile"};
    } catch (const lookup::query_error& e) {
        throw http_error{404, "not_found", e.reason()};
    }
    if (id.z > served_maxzoom) throw http_error{404, "not_found", "tiles are served up to zoom " + std::to_string(served_maxzoom)};
    // A change made outside this server (an import, a match run) empties the cache; looked
    // for at most every quarter second, not on every tile (the query cost a fifth of a cached tile).
    if (c.state.tile_cache.stamp_check_due()) c.state.tile_cache.sync(tiles::registry_stamp(c.worker.db));
    auto cached = c.state.tile_cache.get(id);
    if (!cached) {
        if (!c.worker.tiles) c.worker.tiles = std::make_unique<tiles::TileBuilder>();
        auto built = std::make_shared<tiles::CachedTile>();
        {
            const Admission::Slot slot{*c.state.reads};
            built->data = c.worker.tiles->build(c.worker.db, id);
        }
        built->etag = tiles::tile_etag(built->data);
        if (!built->data.empty()) built->gzipped = tiles::gzip(built->data);
        built->built_at = std::time(nullptr);
        built->last_modified = http_date(built->built_at);
        c.state.tile_cache.put(id, built);
        cached = built;
    }
    c.res.set_header("ETag", cached->etag);
    c.res.set_header("Last-Modified", cached->last_modified);
    // Revalidate every time: the registry changes under the map (a renaming, a new plate).
    c.res.set_header("Cache-Control", "no-cache");
    if (c.req.get_header_value("If-None-Match") == cached->etag) {
        c.res.status = 304;
        return;
    }
    c.res.set_header("Vary", "Accept-Encoding");
    // Browsers ask for gzip: the tile compressed once when it was built, not per request.
    if (!cached->gzipped.empty() && c.req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
        c.res.set_header("Content-Encoding", "gzip");
        c.send_json(200, cached->gzipped, "application/vnd.mapbox-vector-tile");
        return;
    }
    c.send_json(200, cached->data, "application/vnd.mapbox-vector-tile");
}

void towns(Call& c) {
    c.allow_params({});
    nlohmann::json list = nlohmann::json::array();
    auto& s = c.worker.db.cached(
        "SELECT d.code, d.name, r.xmin, r.ymin, r.xmax, r.ymax FROM divisions d LEFT JOIN idx_divisions_geom r ON r.pkid = d.rowid "
        "WHERE d.level = 4 ORDER BY d.code");
    while (s.step()) {
        nlohmann::json t{{"code", s.column_text(0)}, {"name", s.column_text(1)}};
        t["bbox"] = s.is_null(2) ? nlohmann::json(nullptr) : nlohmann::json{s.column_double(2), s.column_double(3), s.column_double(4), s.column_double(5)};
        list.push_back(std::move(t));
    }
    s.reset();
    c.send_json(200, nlohmann::json{{"towns", std::move(list)}});
}

} // namespace

void add_web_map(httplib::Server& http) {
    // The web map's files at /; API routes are matched when no file has the path.
    http.set_mount_point("/", web_dir().string());
}

void add_tile_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "GET", R"(/tiles/(\d{1,2})/(\d{1,8})/(\d{1,8})\.mvt)", "/tiles/{z}/{x}/{y}.mvt", tile);
    route(http, state, "GET", "/api/v1/towns", "/api/v1/towns", towns);
    route(http, state, "GET", "/tiles/tilejson.json", "/tiles/tilejson.json", [](Call& c) {
        c.allow_params({});
        c.send_json(200, tiles::tilejson(c.worker.db, c.base_url() + "/tiles/{z}/{x}/{y}.mvt", 8, served_maxzoom));
    });
}

} // namespace diming::server
