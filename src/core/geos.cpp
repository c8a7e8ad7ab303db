#include "core/geos.hpp"

#include "core/error.hpp"

namespace diming::geos {

namespace {
void on_notice(const char*, void*) {}
void on_error(const char* message, void* userdata) { *static_cast<std::string*>(userdata) = message; }
} // namespace

Context::Context() : handle_{GEOS_init_r()} {
    if (!handle_) throw library_error{"GEOS: cannot create a context"};
    GEOSContext_setNoticeMessageHandler_r(handle_, on_notice, nullptr);
    GEOSContext_setErrorMessageHandler_r(handle_, on_error, &last_error_);
}

Context::~Context() { GEOS_finish_r(handle_); }

Geometry from_wkt(const Context& ctx, const std::string& wkt) {
    struct ReaderDestroyer {
        GEOSContextHandle_t c;
        void operator()(GEOSWKTReader* r) const noexcept { GEOSWKTReader_destroy_r(c, r); }
    };
    std::unique_ptr<GEOSWKTReader, ReaderDestroyer> reader{GEOSWKTReader_create_r(ctx.get()), {ctx.get()}};
    GEOSGeometry* g = GEOSWKTReader_read_r(ctx.get(), reader.get(), wkt.c_str());
    if (!g) throw input_error{"not a valid WKT geometry: " + ctx.last_error()};
    return own(ctx, g);
}

std::string to_wkt(const Context& ctx, const GEOSGeometry* g, int precision) {
    struct WriterDestroyer {
        GEOSContextHandle_t c;
        void operator()(GEOSWKTWriter* w) const noexcept { GEOSWKTWriter_destroy_r(c, w); }
    };
    std::unique_ptr<GEOSWKTWriter, WriterDestroyer> writer{GEOSWKTWriter_create_r(ctx.get()), {ctx.get()}};
    GEOSWKTWriter_setRoundingPrecision_r(ctx.get(), writer.get(), precision);
    GEOSWKTWriter_setTrim_r(ctx.get(), writer.get(), 1);
    char* s = GEOSWKTWriter_write_r(ctx.get(), writer.get(), g);
    if (!s) throw library_error{"GEOS cannot write WKT: " + ctx.last_error()};
    std::string out{s};
    GEOSFree_r(ctx.get(), s);
    return out;
}

std::string invalid_reason(const Context& ctx, const GEOSGeometry* g) {
    if (GEOSisValid_r(ctx.get(), g) == 1) return {};
    char* s = GEOSisValidReason_r(ctx.get(), g);
    std::string out = s ? s : "invalid geometry";
    if (s) GEOSFree_r(ctx.get(), s);
    return out;
}

} // namespace diming::geos
