#pragma once
// OGC API - Features Part 2 (CRS by reference): the coordinate reference systems features
// are served in and bounding boxes given in — CRS84 (longitude, latitude), EPSG:4490
// (CGCS2000, latitude first as EPSG defines it) and EPSG:4549 (CGCS2000 3° Gauss-Krüger CM
// 120°E, metres, northing first). Coordinates are stored as CGCS2000 longitude/latitude.

#include "lookup/query.hpp"

#include <memory>
#include <string>
#include <vector>

namespace diming::ogc {

struct Crs {
    std::string uri;      // http://www.opengis.net/def/crs/EPSG/0/4490
    std::string code;     // what PROJ is given: EPSG:4490
    bool stored = false;  // CRS84: coordinates as stored, nothing to transform
    bool north_first = false;
    int decimals = 7;     // 7 for degrees (1 cm), 3 for metres (1 mm)
};

constexpr const char* crs84_uri = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

const std::vector<Crs>& supported_crs();
// A supported CRS by its URI (or "EPSG:4490", "[EPSG:4490]", "OGC:CRS84"); throws
// lookup::query_error naming `field` otherwise.
const Crs& crs_by_name(const std::string& text, const char* field);

// Coordinates from CGCS2000 longitude/latitude into `crs`, in its axis order. One per thread
// (PROJ contexts are not shared across threads).
class CrsTransform {
public:
    explicit CrsTransform(const Crs& crs);
    ~CrsTransform();
    CrsTransform(const CrsTransform&) = delete;
    CrsTransform& operator=(const CrsTransform&) = delete;
    // lon, lat → the CRS's first and second axis.
    std::pair<double, double> forward(double lon, double lat) const;
    // A box given in the CRS (its axis order) → a lon/lat box holding it.
    lookup::BBox box_to_lonlat(double a1, double b1, double a2, double b2) const;
    const Crs& crs() const { return crs_; }

private:
    const Crs& crs_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The transformation to `crs` of this thread, made once.
const CrsTransform& transform_to(const Crs& crs);

} // namespace diming::ogc

namespace diming::ogc {

// A bbox parameter given in `crs` (its axis order: for EPSG:4490 minlat,minlon,maxlat,maxlon)
// as a longitude/latitude box. Throws lookup::query_error ("bbox").
lookup::BBox parse_bbox_in(const Crs& crs, const std::string& text);

} // namespace diming::ogc
