#pragma once
// Mapbox Vector Tile 2.1 encoding with protozero: one LayerEncoder per layer, its keys and
// values shared among its features, geometry as command integers in tile coordinates.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <geos_c.h>

namespace diming::tiles {

using Value = std::variant<std::string, std::int64_t, double, bool>;
using Properties = std::vector<std::pair<std::string, Value>>;

enum class GeomType : std::uint32_t { point = 1, linestring = 2, polygon = 3 };

class LayerEncoder {
public:
    explicit LayerEncoder(std::string name, std::uint32_t extent = 4096);

    void add_point(std::uint64_t id, std::int32_t x, std::int32_t y, const Properties& properties);
    // A GEOS geometry already in tile coordinates (clipped); false if nothing survived the
    // rounding to whole tile units.
    bool add_geometry(std::uint64_t id, GEOSContextHandle_t ctx, const GEOSGeometry* geometry, const Properties& properties);

    bool empty() const noexcept { return features_.empty(); }
    std::size_t size() const noexcept { return features_.size(); }
    // The encoded Layer message.
    std::string finish() const;

private:
    std::string name_;
    std::uint32_t extent_;
    std::map<std::string, std::uint32_t> keys_;
    std::map<Value, std::uint32_t> values_;
    std::vector<std::string> key_list_;
    std::vector<Value> value_list_;
    std::vector<std::string> features_;

    std::vector<std::uint32_t> tags(const Properties& properties);
    void add_feature(std::uint64_t id, GeomType type, const std::vector<std::uint32_t>& geometry, const Properties& properties);
};

// A Tile message of the non-empty layers.
std::string encode_tile(const std::vector<LayerEncoder>& layers);

} // namespace diming::tiles
