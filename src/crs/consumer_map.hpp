#pragma once
// GCJ-02 (国测局坐标, used by Amap and Tencent maps) and BD-09 (Baidu) are not in PROJ: they
// are obfuscations of WGS 84 defined by published formulas, converted here explicitly.
//
// Method: the forward GCJ-02 offset is the widely published polynomial-and-sine model on the
// Krasovsky ellipsoid (a = 6378245 m, e^2 = 0.00669342162296594323); BD-09 adds Baidu's
// published polar perturbation on top of GCJ-02. The inverses are solved by fixed-point
// iteration on the forward formulas until the residual is below 1e-10 degrees (~0.01 mm), so
// a round trip adds no error of its own. The formulas themselves only approximate the
// official (unpublished) transformation: coordinates from consumer maps carry its error,
// typically under 1-2 m, which diming documents rather than hides.
// CGCS2000 and WGS 84 differ by centimetres at Pinghu; diming treats them as equal here.
// Outside mainland China (rough bounding box) GCJ-02 equals WGS 84, as the maps do.

namespace diming::crs {

struct LonLat {
    double lon = 0;
    double lat = 0;
};

bool in_mainland_china_box(LonLat p) noexcept;

LonLat gcj02_from_wgs84(LonLat wgs) noexcept;
LonLat wgs84_from_gcj02(LonLat gcj) noexcept;
LonLat bd09_from_gcj02(LonLat gcj) noexcept;
LonLat gcj02_from_bd09(LonLat bd) noexcept;
LonLat bd09_from_wgs84(LonLat wgs) noexcept;
LonLat wgs84_from_bd09(LonLat bd) noexcept;

} // namespace diming::crs
