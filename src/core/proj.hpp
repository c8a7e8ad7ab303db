#pragma once
// RAII for PROJ. A Transformation owns its own PJ_CONTEXT, so each thread that needs one
// builds its own (PROJ contexts are not shareable across threads).

#include <proj.h>

#include <memory>
#include <string>

namespace diming::proj {

struct Coordinate {
    double x = 0; // longitude or easting
    double y = 0; // latitude or northing
};

class Transformation {
public:
    // from/to: anything proj_create_crs_to_crs accepts ("EPSG:4549", "EPSG:4490").
    // Axis order is normalised to x=lon/easting, y=lat/northing.
    Transformation(const std::string& from, const std::string& to);

    // Throws library_error if PROJ cannot transform the point (e.g. outside the CRS's domain).
    Coordinate forward(Coordinate c) const;
    Coordinate inverse(Coordinate c) const;

private:
    struct ContextDestroyer { void operator()(PJ_CONTEXT* c) const noexcept { proj_context_destroy(c); } };
    struct PjDestroyer { void operator()(PJ* p) const noexcept { proj_destroy(p); } };
    std::unique_ptr<PJ_CONTEXT, ContextDestroyer> ctx_;
    std::unique_ptr<PJ, PjDestroyer> pj_;
    std::string description_;

    Coordinate apply(Coordinate c, PJ_DIRECTION dir) const;
};

} // namespace diming::proj
