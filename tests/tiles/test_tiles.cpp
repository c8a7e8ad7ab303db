// Vector tiles: encoding read back by GDAL's MVT driver, clipping, zoom rules, the served
// tiles' cache and ETags, exports.

#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "core/geos.hpp"
#include "core/proj.hpp"
#include "server/registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "tiles/mvt.hpp"
#include "tiles/tile_builder.hpp"

#include <nlohmann/json.hpp>
#include <zlib.h>
#include <cpl_conv.h>

#include <cmath>
#include <map>
#include <set>

using namespace diming;
using namespace diming::testing;

namespace {

tiles::TileId tile_at(double lon, double lat, int z) {
    const proj::Transformation tm{"EPSG:4490", "EPSG:3857"};
    const auto m = tm.forward({lon, lat});
    const double side = 2 * tiles::mercator_half_side / static_cast<double>(1 << z);
    return {z, static_cast<std::uint32_t>(std::floor((m.x + tiles::mercator_half_side) / side)),
            static_cast<std::uint32_t>(std::floor((tiles::mercator_half_side - m.y) / side))};
}

// Writes the tile where GDAL infers its place from the path (z/x/y.mvt) and opens it.
gdal::Dataset open_tile(const TempDir& dir, const std::string& data, tiles::TileId t) {
    const auto folder = dir / std::to_string(t.z) / std::to_string(t.x);
    std::filesystem::create_directories(folder);
    const auto path = folder / (std::to_string(t.y) + ".mvt");
    write_file(path, data);
    return gdal::open_vector(path);
}

std::set<std::string> layer_names(GDALDatasetH ds) {
    std::set<std::string> out;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i) out.insert(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    return out;
}

std::vector<std::map<std::string, std::string>> features(GDALDatasetH ds, const char* layer_name) {
    std::vector<std::map<std::string, std::string>> out;
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, layer_name);
    if (!layer) return out;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    OGR_L_ResetReading(layer);
    while (gdal::Feature f{OGR_L_GetNextFeature(layer)}) {
        std::map<std::string, std::string> props;
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
            if (OGR_F_IsFieldSetAndNotNull(f.get(), i)) props[OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))] = OGR_F_GetFieldAsString(f.get(), i);
        }
        out.push_back(std::move(props));
    }
    return out;
}

} // namespace

TEST_CASE("a tile read back through GDAL's MVT driver has the layers, attributes and places") {
    TempDir dir;
    build_registry(dir / "r.sqlite");
    auto db = store::Database::open(dir / "r.sqlite", store::Access::read_only);
    tiles::TileBuilder builder;
    const auto t = tile_at(121.0060, 30.6999, 16); // 人民路12号
    const std::string data = builder.build(db, t);
    REQUIRE(!data.empty());
    auto ds = open_tile(dir, data, t);
    const auto layers = layer_names(ds.get());
    CHECK(layers.count("roads") == 1);
    CHECK(layers.count("door_plates") == 1);

    bool found = false;
    for (const auto& f : features(ds.get(), "door_plates")) {
        if (f.at("number") == "12" && f.at("road") == "人民路") found = true;
    }
    CHECK(found);
    auto roads = features(ds.get(), "roads");
    REQUIRE(!roads.empty());
    CHECK(roads[0].at("name") == "人民路");
    CHECK(roads[0].at("pinyin") == "Renmin Lu");

    // The plate is where it should be: GDAL gives EPSG:3857 for a z/x/y path.
    OGRLayerH plates = GDALDatasetGetLayerByName(ds.get(), "door_plates");
    OGR_L_SetAttributeFilter(plates, "number = '12'");
    OGR_L_ResetReading(plates);
    gdal::Feature f{OGR_L_GetNextFeature(plates)};
    REQUIRE(f);
    OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
    const proj::Transformation tm{"EPSG:4490", "EPSG:3857"};
    const auto expected = tm.forward({121.0060, 30.6999});
    // One tile unit at z16 is 611.5 m / 4096 = 0.15 m.
    CHECK(OGR_G_GetX(g, 0) == Approx(expected.x).margin(0.3));
    CHECK(OGR_G_GetY(g, 0) == Approx(expected.y).margin(0.3));
}

TEST_CASE("geometry is clipped to the tile and its buffer") {
    TempDir dir;
    build_registry(dir / "r.sqlite");
    auto db = store::Database::open(dir / "r.sqlite", store::Access::read_only);
    tiles::TileBuilder builder;
    // 人民路 runs 121.000 to 121.010: at z17 it crosses several tiles.
    const auto first = tile_at(121.0001, 30.7000, 17);
    const auto last = tile_at(121.0099, 30.7000, 17);
    REQUIRE(last.x > first.x + 1);
    int tiles_with_road = 0;
    for (std::uint32_t x = first.x; x <= last.x; ++x) {
        const tiles::TileId t{17, x, first.y};
        const std::string data = builder.build(db, t);
        if (data.empty()) continue;
        TempDir tdir;
        auto ds = open_tile(tdir, data, t);
        OGRLayerH roads = GDALDatasetGetLayerByName(ds.get(), "roads");
        if (!roads) continue;
        OGR_L_ResetReading(roads);
        while (gdal::Feature f{OGR_L_GetNextFeature(roads)}) {
            OGREnvelope e;
            OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f.get()), &e);
            const auto b = tiles::bounds(t);
            const double buffer = (b.max_x - b.min_x) * tiles::tile_buffer / tiles::tile_extent + 0.5;
            CHECK(e.MinX >= b.min_x - buffer);
            CHECK(e.MaxX <= b.max_x + buffer);
            ++tiles_with_road;
        }
    }
    CHECK(tiles_with_road >= 3);
}

TEST_CASE("what a tile shows depends on its zoom") {
    TempDir dir;
    build_registry(dir / "r.sqlite");
    auto db = store::Database::open(dir / "r.sqlite", store::Access::read_only);
    tiles::TileBuilder builder;
    auto layers_at = [&](int z) {
        const auto t = tile_at(121.0010, 30.7001, z);
        const std::string data = builder.build(db, t);
        if (data.empty()) return std::set<std::string>{};
        TempDir tdir;
        auto ds = open_tile(tdir, data, t);
        return layer_names(ds.get());
    };
    CHECK(layers_at(15).count("door_plates") == 1);
    CHECK(layers_at(14).count("door_plates") == 0);
    CHECK(layers_at(16).count("match_results") == 1);
    CHECK(layers_at(9).empty());
    // At z14 the match layer holds the problems only: 乍浦镇长安路9号 has no plate of its own.
    {
        const auto t = tile_at(121.0870, 30.6201, 14);
        TempDir tdir;
        auto ds = open_tile(tdir, builder.build(db, t), t);
        auto results = features(ds.get(), "match_results");
        REQUIRE(results.size() == 1);
        CHECK((results[0].at("level") == "unmatched" || results[0].at("consistent") == "0"));
        CHECK(results[0].at("level") != "exact");
    }
    // At z10 only roads (路) are drawn; at z12 every street and lane.
    CHECK(layers_at(10).count("roads") == 1);
}

TEST_CASE("served tiles carry ETags, and a renaming changes the tiles it touches") {
    TempDir dir;
    const auto db = dir / "r.sqlite";
    build_registry(db);
    const std::string secret = create_token(db, "committee-1", "committee");
    ServerProcess server{db, {"--access-log", ""}};
    auto c = server.client();
    const auto t = tile_at(121.0060, 30.6999, 16);
    const std::string path = "/tiles/" + t.str() + ".mvt";
    const auto far = tile_at(121.0850, 30.6201, 16);
    const std::string far_path = "/tiles/" + far.str() + ".mvt";

    auto r1 = c.Get(path.c_str());
    REQUIRE(r1);
    REQUIRE(r1->status == 200);
    CHECK(r1->get_header_value("Content-Type") == "application/vnd.mapbox-vector-tile");
    const std::string etag = r1->get_header_value("ETag");
    CHECK(!etag.empty());
    CHECK(!r1->get_header_value("Last-Modified").empty());
    CHECK(c.Get(path.c_str(), {{"If-None-Match", etag}})->status == 304);
    const std::string far_etag = c.Get(far_path.c_str())->get_header_value("ETag");

    const nlohmann::json rename{{"new_name", "解放路"}, {"decision_doc", "平政地〔2026〕21号"}, {"decided_on", "2026-05-01"}, {"effective_on", "2026-06-01"}};
    auto rr = c.Post("/api/v1/names/1/rename", {{"Authorization", "Bearer " + secret}}, rename.dump(), "application/json");
    REQUIRE(rr);
    REQUIRE(rr->status == 200);

    auto r2 = c.Get(path.c_str(), {{"If-None-Match", etag}});
    REQUIRE(r2);
    REQUIRE(r2->status == 200); // rebuilt: the road has a new name
    CHECK(r2->get_header_value("ETag") != etag);
    TempDir tdir;
    auto ds = open_tile(tdir, r2->body, t);
    auto roads = features(ds.get(), "roads");
    REQUIRE(!roads.empty());
    CHECK(roads[0].at("name") == "解放路");
    CHECK(c.Get(far_path.c_str(), {{"If-None-Match", far_etag}})->status == 304);

    auto tj = c.Get("/tiles/tilejson.json");
    REQUIRE(tj);
    const auto j = nlohmann::json::parse(tj->body);
    CHECK(j["tilejson"] == "3.0.0");
    CHECK(j["tiles"][0].get<std::string>().find("/tiles/{z}/{x}/{y}.mvt") != std::string::npos);
    CHECK(j["vector_layers"].size() == 5);
    CHECK(c.Get("/tiles/3/9/1.mvt")->status == 404);
    CHECK(c.Get("/tiles/25/1/1.mvt")->status == 404);
}

TEST_CASE("an exported pyramid opens in GDAL as a folder and as MBTiles") {
    TempDir dir;
    const auto db = dir / "r.sqlite";
    build_registry(db);
    auto r = run_diming({"tiles", "export", "--db", db.string(), "--out", (dir / "pyramid").string(), "--minzoom", "12", "--maxzoom", "15"});
    REQUIRE(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "pyramid" / "metadata.json"));
    auto ds = gdal::open_vector(dir / "pyramid" / "15", {"TILE_EXTENSION=mvt"});
    CHECK(layer_names(ds.get()).count("door_plates") == 1);
    bool plate = false;
    for (const auto& f : features(ds.get(), "door_plates")) plate = plate || (f.at("number") == "12" && f.at("road") == "人民路");
    CHECK(plate);

    r = run_diming({"tiles", "export", "--db", db.string(), "--out", (dir / "r.mbtiles").string(), "--minzoom", "12", "--maxzoom", "15"});
    REQUIRE(r.exit_code == 0);
    auto mb = gdal::open_vector(dir / "r.mbtiles");
    const auto names = layer_names(mb.get());
    CHECK(names.count("roads") == 1);
    CHECK(names.count("door_plates") == 1);
    CHECK(run_diming({"tiles", "export", "--db", db.string(), "--out", (dir / "r.mbtiles").string()}).exit_code == 3);
}

namespace {

std::string gunzip(const std::string& data) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::string out;
    char buf[65536];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        REQUIRE((rc == Z_OK || rc == Z_STREAM_END));
        out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    return out;
}

} // namespace

TEST_CASE("every exported tile, in the folder and in MBTiles (TMS rows), is the tile the server serves at that z/x/y") {
    TempDir dir;
    const auto db = dir / "r.sqlite";
    build_registry(db);
    REQUIRE(run_diming({"tiles", "export", "--db", db.string(), "--out", (dir / "pyramid").string(), "--minzoom", "12", "--maxzoom", "16"}).exit_code == 0);
    REQUIRE(run_diming({"tiles", "export", "--db", db.string(), "--out", (dir / "r.mbtiles").string(), "--minzoom", "12", "--maxzoom", "16"}).exit_code == 0);
    ServerProcess server{db, {"--access-log", ""}};
    auto client = server.client();
    auto mbtiles = store::Database::open(dir / "r.mbtiles", store::Access::read_only);
    auto row = mbtiles.prepare("SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3");
    int compared = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator{dir / "pyramid"}) {
        if (entry.path().extension() != ".mvt") continue;
        const auto rel = std::filesystem::relative(entry.path(), dir / "pyramid");
        auto part = rel.begin();
        const int z = std::stoi(part->string());
        const std::uint32_t x = static_cast<std::uint32_t>(std::stoul((++part)->string()));
        const std::uint32_t y = static_cast<std::uint32_t>(std::stoul((++part)->stem().string()));
        INFO("tile " << z << "/" << x << "/" << y);
        auto served = client.Get(("/tiles/" + std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y) + ".mvt").c_str());
        REQUIRE(served);
        REQUIRE(served->status == 200);
        CHECK(read_file(entry.path()) == served->body);
        // MBTiles numbers rows from the south (TMS): row = 2^z - 1 - y.
        row.bind(1, static_cast<std::int64_t>(z)).bind(2, static_cast<std::int64_t>(x)).bind(3, static_cast<std::int64_t>((1u << z) - 1 - y));
        REQUIRE(row.step());
        const auto blob = row.column_text(0);
        row.reset();
        CHECK(gunzip(blob) == served->body);
        ++compared;
    }
    CHECK(compared > 20);
    // The MBTiles has no more tiles than the folder.
    auto all = mbtiles.prepare("SELECT count(*) FROM tiles");
    REQUIRE(all.step());
    CHECK(all.column_int(0) == compared);
}

TEST_CASE("tile addresses at the edges of the grid: the corners are served, one past them is not") {
    TempDir dir;
    const auto db = dir / "r.sqlite";
    build_registry(db);
    ServerProcess server{db, {"--access-log", ""}};
    auto client = server.client();
    auto status = [&](const std::string& path) {
        auto r = client.Get(path.c_str());
        REQUIRE(r);
        return r->status;
    };
    CHECK(status("/tiles/0/0/0.mvt") == 200);
    for (int z : {1, 14, 20}) {
        const auto last = std::to_string((1u << z) - 1), past = std::to_string(1u << z), zs = std::to_string(z);
        INFO("z" << z);
        CHECK(status("/tiles/" + zs + "/" + last + "/" + last + ".mvt") == 200);
        CHECK(status("/tiles/" + zs + "/0/" + last + ".mvt") == 200);
        CHECK(status("/tiles/" + zs + "/" + past + "/0.mvt") == 404);
        CHECK(status("/tiles/" + zs + "/0/" + past + ".mvt") == 404);
    }
    CHECK(status("/tiles/21/0/0.mvt") == 404);
    CHECK(status("/tiles/-1/0/0.mvt") == 404);
}

TEST_CASE("geometry that runs back towards the origin (negative steps) is encoded so that GDAL reads it where it was") {
    // A line west and north in tile 0/0/0, then a ring: every step after the first is negative
    // somewhere, which the zigzag encoding must carry.
    geos::Context ctx;
    tiles::LayerEncoder layer{"shapes"};
    auto line = geos::from_wkt(ctx, "LINESTRING (3000 3000, 1000 2500, 500 100)");
    auto ring = geos::from_wkt(ctx, "POLYGON ((3000 1000, 3500 1000, 3500 1500, 3000 1500, 3000 1000))");
    REQUIRE(layer.add_geometry(1, ctx.get(), line.get(), {{"kind", tiles::Value{std::string{"line"}}}}));
    REQUIRE(layer.add_geometry(2, ctx.get(), ring.get(), {{"kind", tiles::Value{std::string{"ring"}}}}));
    std::vector<tiles::LayerEncoder> layers;
    layers.push_back(std::move(layer));
    TempDir dir;
    auto ds = open_tile(dir, tiles::encode_tile(layers), {0, 0, 0});
    OGRLayerH l = GDALDatasetGetLayerByName(ds.get(), "shapes");
    REQUIRE(l);
    auto mercator = [](double tx, double ty) {
        const double side = 2 * tiles::mercator_half_side;
        return std::pair{-tiles::mercator_half_side + tx / 4096 * side, tiles::mercator_half_side - ty / 4096 * side};
    };
    OGR_L_ResetReading(l);
    int seen = 0;
    while (gdal::Feature f{OGR_L_GetNextFeature(l)}) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
        REQUIRE(g);
        OGREnvelope env;
        OGR_G_GetEnvelope(g, &env);
        const std::string kind = OGR_F_GetFieldAsString(f.get(), OGR_F_GetFieldIndex(f.get(), "kind"));
        const double unit = 2 * tiles::mercator_half_side / 4096;
        char* wkt = nullptr;
        OGR_G_ExportToWkt(g, &wkt);
        INFO(kind << ": " << (wkt ? wkt : ""));
        CPLFree(wkt);
        if (kind == "line") {
            CHECK(std::abs(env.MinX - mercator(500, 0).first) < unit);
            CHECK(std::abs(env.MaxX - mercator(3000, 0).first) < unit);
            CHECK(std::abs(env.MaxY - mercator(0, 100).second) < unit);
            CHECK(std::abs(env.MinY - mercator(0, 3000).second) < unit);
        } else {
            CHECK(std::abs(env.MinX - mercator(3000, 0).first) < unit);
            CHECK(std::abs(env.MaxX - mercator(3500, 0).first) < unit);
            CHECK(std::abs(env.MaxY - mercator(0, 1000).second) < unit);
            CHECK(std::abs(env.MinY - mercator(0, 1500).second) < unit);
        }
        ++seen;
    }
    CHECK(seen == 2);
}
