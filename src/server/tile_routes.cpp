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

// Towns (level 4) or communities (level 5): code, name, their box and one point inside each
// for its label (the page labels each once, where tiles would label every tile's piece).
void divisions_of_level(Call& c, int level, const char* key) {
    c.allow_params(level == 5 ? std::initializer_list<const char*>{"town"} : std::initializer_list<const char*>{});
    std::optional<std::string> town = c.param("town");
    if (town && (town->size() != 12 || town->find_first_not_of("0123456789") != std::string::npos)) {
        throw http_error{400, "bad_request", "town is a 12-digit division code", "town"};
    }
    nlohmann::json list = nlohmann::json::array();
    auto& s = c.worker.db.cached(
        "SELECT d.code, d.name, r.xmin, r.ymin, r.xmax, r.ymax, X(PointOnSurface(d.geom)), Y(PointOnSurface(d.geom)), d.parent_code "
        "FROM divisions d LEFT JOIN idx_divisions_geom r ON r.pkid = d.rowid "
        "WHERE d.level = ?1 AND (?2 IS NULL OR d.parent_code = ?2) ORDER BY d.code");
    s.bind(1, level).bind(2, town);
    while (s.step()) {
        nlohmann::json t{{"code", s.column_text(0)}, {"name", s.column_text(1)}};
        t["bbox"] = s.is_null(2) ? nlohmann::json(nullptr) : nlohmann::json{s.column_double(2), s.column_double(3), s.column_double(4), s.column_double(5)};
        t["label_point"] = s.is_null(6) ? nlohmann::json(nullptr) : nlohmann::json{s.column_double(6), s.column_double(7)};
        if (level == 5) t["town_code"] = s.column_text(8);
        list.push_back(std::move(t));
    }
    s.reset();
    c.send_json(200, nlohmann::json{{key, std::move(list)}});
}

void categories(Call& c) {
    c.allow_params({});
    nlohmann::json list = nlohmann::json::array();
    auto& s = c.worker.db.cached("SELECT code, name, generic_terms, geometry_kind FROM place_name_categories ORDER BY code");
    while (s.step()) {
        list.push_back({{"code", s.column_text(0)}, {"name", s.column_text(1)}, {"generic_terms", s.column_text(2)}, {"geometry_kind", s.column_text(3)}});
    }
    s.reset();
    c.send_json(200, nlohmann::json{{"categories", std::move(list)}});
}

} // namespace

void add_web_map(httplib::Server& http) {
    // The web map's files at /; API routes are matched when no file has the path.
    http.set_mount_point("/", web_dir().string());
}

void add_tile_routes(httplib::Server& http, ServerState& state) {
    route(http, state, "GET", R"(/tiles/(\d{1,2})/(\d{1,8})/(\d{1,8})\.mvt)", "/tiles/{z}/{x}/{y}.mvt", tile);
    route(http, state, "GET", "/api/v1/towns", "/api/v1/towns", [](Call& c) { divisions_of_level(c, 4, "towns"); });
    route(http, state, "GET", "/api/v1/communities", "/api/v1/communities", [](Call& c) { divisions_of_level(c, 5, "communities"); });
    route(http, state, "GET", "/api/v1/categories", "/api/v1/categories", categories);
    route(http, state, "GET", "/tiles/tilejson.json", "/tiles/tilejson.json", [](Call& c) {
        c.allow_params({});
        c.send_json(200, tiles::tilejson(c.worker.db, c.base_url() + "/tiles/{z}/{x}/{y}.mvt", 8, served_maxzoom));
    });
}

} // namespace diming::server
