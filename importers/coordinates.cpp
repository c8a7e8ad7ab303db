#include "importers/coordinates.hpp"

#include "importers/divisions.hpp"

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include <cmath>

namespace diming::import {

CoordinateTransform::CoordinateTransform(const std::string& crs, OGRSpatialReferenceH layer_srs) {
    std::string from = crs;
    if (from == "gcj02" || from == "GCJ02" || from == "GCJ-02") {
        kind_ = Kind::gcj02;
        description_ = "GCJ-02 -> EPSG:4490 (published formula, inverted iteratively)";
        return;
    }
    if (from == "bd09" || from == "BD09" || from == "BD-09") {
        kind_ = Kind::bd09;
        description_ = "BD-09 -> EPSG:4490 (published formula, inverted iteratively)";
        return;
    }
    if (from.empty() && layer_srs) {
        const char* auth = OSRGetAuthorityName(layer_srs, nullptr);
        const char* code = OSRGetAuthorityCode(layer_srs, nullptr);
        if (auth && code) {
            from = std::string{auth} + ":" + code;
        } else {
            char* wkt = nullptr;
            const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
            OSRExportToWktEx(layer_srs, &wkt, opts);
            from = wkt ? wkt : "";
            CPLFree(wkt);
        }
    }
    if (from.empty() || from == "EPSG:4490") {
        kind_ = Kind::identity;
        description_ = "EPSG:4490 (no transformation)";
        return;
    }
    try {
        proj_.emplace(from, "EPSG:4490");
    } catch (const diming::error& e) {
        throw import_error{"unknown or unusable CRS '" + (crs.empty() ? std::string{"(the layer's)"} : crs) + "': " + e.what()};
    }
    kind_ = Kind::proj;
    description_ = (from.size() > 40 ? std::string{"the layer's CRS"} : from) + " -> EPSG:4490 (PROJ)";
}

std::optional<crs::LonLat> CoordinateTransform::to_storage(double x, double y) const noexcept {
    if (!std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
    switch (kind_) {
    case Kind::identity: return crs::LonLat{x, y};
    case Kind::gcj02: return crs::wgs84_from_gcj02({x, y});
    case Kind::bd09: return crs::wgs84_from_bd09({x, y});
    case Kind::proj:
        try {
            const auto c = proj_->forward({x, y});
            return crs::LonLat{c.x, c.y};
        } catch (...) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

bool CoordinateTransform::transform(OGRGeometryH g) const noexcept {
    if (!g) return false;
    const int parts = OGR_G_GetGeometryCount(g);
    if (parts > 0) {
        for (int i = 0; i < parts; ++i) {
            if (!transform(OGR_G_GetGeometryRef(g, i))) return false;
        }
        return true;
    }
    for (int i = 0; i < OGR_G_GetPointCount(g); ++i) {
        const auto p = to_storage(OGR_G_GetX(g, i), OGR_G_GetY(g, i));
        if (!p) return false;
        OGR_G_SetPoint_2D(g, i, p->lon, p->lat);
    }
    return true;
}

} // namespace diming::import
