#include "tiles/tile_export.hpp"

#include "core/error.hpp"
#include "store/database.hpp"
#include "tiles/tile_builder.hpp"
#include "tiles/tile_cache.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace diming::tiles {

namespace {


nlohmann::json vector_layers(int maxzoom) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& r : layer_rules()) {
        nlohmann::json fields = nlohmann::json::object();
        for (const auto& [name, type] : r.fields) fields[name] = type;
        layers.push_back({{"id", r.layer}, {"description", r.description}, {"minzoom", r.minzoom}, {"maxzoom", maxzoom}, {"fields", fields}});
    }
    return layers;
}

nlohmann::json lonlat_bounds(store::Database& db) {
    const proj::Transformation tm{"EPSG:4490", "EPSG:3857"};
    const auto e = registry_extent(db, tm);
    if (!e) return {-180, -85, 180, 85};
    const auto sw = tm.inverse({e->min_x, e->min_y});
    const auto ne = tm.inverse({e->max_x, e->max_y});
    return {sw.x, sw.y, ne.x, ne.y};
}

} // namespace

std::string tilejson(store::Database& db, const std::string& tile_url, int minzoom, int maxzoom) {
    const auto b = lonlat_bounds(db);
    const double cx = (b[0].get<double>() + b[2].get<double>()) / 2, cy = (b[1].get<double>() + b[3].get<double>()) / 2;
    return nlohmann::json{{"tilejson", "3.0.0"},
                          {"name", "diming registry"},
                          {"description", "Place names, door plates and address match results of the registry"},
                          {"scheme", "xyz"},
                          {"tiles", {tile_url}},
                          {"minzoom", minzoom},
                          {"maxzoom", maxzoom},
                          {"bounds", b},
                          {"center", {cx, cy, 13}},
                          {"vector_layers", vector_layers(maxzoom)}}
        .dump();
}

ExportSummary export_tiles(store::Database& db, const std::filesystem::path& out, int minzoom, int maxzoom,
                           const std::function<void(int, std::int64_t, std::int64_t)>& progress) {
    if (minzoom < 0 || maxzoom > 20 || minzoom > maxzoom) throw input_error{"zoom range: 0 <= minzoom <= maxzoom <= 20"};
    if (std::filesystem::exists(out)) throw input_error{out.string() + ": exists; give a new folder or .mbtiles file"};
    TileBuilder builder;
    const proj::Transformation tm{"EPSG:4490", "EPSG:3857"};
    const auto extent = registry_extent(db, tm);
    if (!extent) throw input_error{"the registry has nothing with a geometry to draw"};
    const bool mbtiles = out.extension() == ".mbtiles";
    std::optional<store::Database> mb;
    std::optional<store::Statement> insert;
    std::optional<store::Transaction> tx;
    if (mbtiles) {
        mb.emplace(store::Database::open(out, store::Access::create));
        mb->exec("PRAGMA journal_mode = DELETE");
        mb->exec("CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
                 "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);");
        tx.emplace(*mb);
        insert.emplace(mb->prepare("INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)"));
    } else {
        std::filesystem::create_directories(out);
    }
    ExportSummary s;
    for (int z = minzoom; z <= maxzoom; ++z) {
        const auto tiles = covering(*extent, z);
        std::int64_t done = 0;
        for (const auto& t : tiles) {
            const std::string data = builder.build(db, t);
            ++done;
            if (progress && done % 500 == 0) progress(z, done, static_cast<std::int64_t>(tiles.size()));
            if (data.empty()) {
                ++s.tiles_empty;
                continue;
            }
            ++s.tiles_built;
            s.bytes += static_cast<std::int64_t>(data.size());
            if (mbtiles) {
                const std::string packed = gzip(data);
                insert->bind(1, t.z).bind(2, static_cast<std::int64_t>(t.x)).bind(3, static_cast<std::int64_t>((1LL << t.z) - 1 - t.y));
                insert->bind_blob(4, packed.data(), packed.size());
                insert->run();
            } else {
                const auto dir = out / std::to_string(t.z) / std::to_string(t.x);
                std::filesystem::create_directories(dir);
                std::ofstream f{dir / (std::to_string(t.y) + ".mvt"), std::ios::binary};
                f.write(data.data(), static_cast<std::streamsize>(data.size()));
                if (!f) throw input_error{(dir / (std::to_string(t.y) + ".mvt")).string() + ": cannot write"};
            }
        }
        if (progress) progress(z, done, static_cast<std::int64_t>(tiles.size()));
    }
    const auto b = lonlat_bounds(db);
    const std::string bounds = std::to_string(b[0].get<double>()) + "," + std::to_string(b[1].get<double>()) + "," +
                               std::to_string(b[2].get<double>()) + "," + std::to_string(b[3].get<double>());
    const std::string center = std::to_string((b[0].get<double>() + b[2].get<double>()) / 2) + "," +
                               std::to_string((b[1].get<double>() + b[3].get<double>()) / 2) + "," + std::to_string(std::max(minzoom, std::min(maxzoom, 13)));
    const std::string json = nlohmann::json{{"vector_layers", vector_layers(maxzoom)}}.dump();
    const std::vector<std::pair<std::string, std::string>> meta{
        {"name", "diming registry"}, {"format", "pbf"}, {"type", "overlay"}, {"version", "2"}, {"minzoom", std::to_string(minzoom)},
        {"maxzoom", std::to_string(maxzoom)}, {"bounds", bounds}, {"center", center}, {"json", json}};
    if (mbtiles) {
        auto m = mb->prepare("INSERT INTO metadata VALUES (?1, ?2)");
        for (const auto& [k, v] : meta) m.bind_all(k, v).run();
        tx->commit();
    } else {
        nlohmann::json metadata = nlohmann::json::object();
        for (const auto& [k, v] : meta) metadata[k] = v;
        std::ofstream f{out / "metadata.json"};
        f << metadata.dump(2) << '\n';
    }
    return s;
}

} // namespace diming::tiles
