#pragma once
// RAII for the GEOS reentrant C API. One Context per thread; geometries are owned by
// unique_ptrs whose deleter remembers their context.

#include <geos_c.h>

#include <memory>
#include <string>

namespace diming::geos {

class Context {
public:
    Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context();

    GEOSContextHandle_t get() const noexcept { return handle_; }
    // The last message GEOS reported on this context.
    const std::string& last_error() const noexcept { return last_error_; }

private:
    GEOSContextHandle_t handle_;
    std::string last_error_;
};

struct GeometryDestroyer {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSGeometry* g) const noexcept { if (g) GEOSGeom_destroy_r(ctx, g); }
};
using Geometry = std::unique_ptr<GEOSGeometry, GeometryDestroyer>;

inline Geometry own(const Context& ctx, GEOSGeometry* g) { return Geometry{g, GeometryDestroyer{ctx.get()}}; }

// Parses WKT; throws input_error with GEOS's reason.
Geometry from_wkt(const Context& ctx, const std::string& wkt);
std::string to_wkt(const Context& ctx, const GEOSGeometry* g, int precision = 7);
// Why a geometry is invalid ("Self-intersection[…]"), or empty when it is valid.
std::string invalid_reason(const Context& ctx, const GEOSGeometry* g);

} // namespace diming::geos
