#pragma once
// From a dataset's coordinates to EPSG:4490: PROJ for anything with an EPSG code or WKT
// (Gauss-Krüger zones included), the explicit formulas of src/crs for GCJ-02 and BD-09.

#include "core/proj.hpp"
#include "crs/consumer_map.hpp"

#include <ogr_api.h>

#include <optional>
#include <string>

namespace diming::import {

class CoordinateTransform {
public:
    // crs: "EPSG:nnnn", "gcj02", "bd09"; empty: the layer's own SRS, else EPSG:4490.
    // Throws import_error when PROJ cannot build it (an unknown CRS).
    CoordinateTransform(const std::string& crs, OGRSpatialReferenceH layer_srs);

    // nullopt when the coordinate cannot be transformed.
    std::optional<crs::LonLat> to_storage(double x, double y) const noexcept;
    // Every vertex of g, in place; false if one failed.
    bool transform(OGRGeometryH g) const noexcept;
    const std::string& description() const noexcept { return description_; }

private:
    enum class Kind { identity, proj, gcj02, bd09 } kind_ = Kind::identity;
    std::optional<proj::Transformation> proj_;
    std::string description_;
};

} // namespace diming::import
