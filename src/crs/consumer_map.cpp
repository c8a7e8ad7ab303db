#include "crs/consumer_map.hpp"

#include <cmath>
#include <numbers>

namespace diming::crs {

namespace {

constexpr double pi = std::numbers::pi;
constexpr double krasovsky_a = 6378245.0;
constexpr double krasovsky_ee = 0.00669342162296594323;
constexpr double bd_x_pi = pi * 3000.0 / 180.0;

double offset_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * pi) + 40.0 * std::sin(y / 3.0 * pi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * pi) + 320.0 * std::sin(y * pi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offset_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
    r += (20.0 * std::sin(6.0 * x * pi) + 20.0 * std::sin(2.0 * x * pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * pi) + 40.0 * std::sin(x / 3.0 * pi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * pi) + 300.0 * std::sin(x / 30.0 * pi)) * 2.0 / 3.0;
    return r;
}

// Solves forward(x) = target for x by fixed-point iteration (the offsets vary slowly).
template <class Forward>
LonLat invert(LonLat target, Forward forward) {
    LonLat x = target;
    for (int i = 0; i < 30; ++i) {
        const LonLat f = forward(x);
        const double dlon = target.lon - f.lon;
        const double dlat = target.lat - f.lat;
        x.lon += dlon;
        x.lat += dlat;
        if (std::abs(dlon) < 1e-10 && std::abs(dlat) < 1e-10) break;
    }
    return x;
}

} // namespace

bool in_mainland_china_box(LonLat p) noexcept {
    return p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271;
}

LonLat gcj02_from_wgs84(LonLat w) noexcept {
    if (!in_mainland_china_box(w)) return w;
    double dlat = offset_lat(w.lon - 105.0, w.lat - 35.0);
    double dlon = offset_lon(w.lon - 105.0, w.lat - 35.0);
    const double rad_lat = w.lat / 180.0 * pi;
    double magic = std::sin(rad_lat);
    magic = 1 - krasovsky_ee * magic * magic;
    const double sqrt_magic = std::sqrt(magic);
    dlat = (dlat * 180.0) / ((krasovsky_a * (1 - krasovsky_ee)) / (magic * sqrt_magic) * pi);
    dlon = (dlon * 180.0) / (krasovsky_a / sqrt_magic * std::cos(rad_lat) * pi);
    return {w.lon + dlon, w.lat + dlat};
}

LonLat wgs84_from_gcj02(LonLat g) noexcept {
    if (!in_mainland_china_box(g)) return g;
    return invert(g, gcj02_from_wgs84);
}

LonLat bd09_from_gcj02(LonLat g) noexcept {
    const double z = std::sqrt(g.lon * g.lon + g.lat * g.lat) + 0.00002 * std::sin(g.lat * bd_x_pi);
    const double theta = std::atan2(g.lat, g.lon) + 0.000003 * std::cos(g.lon * bd_x_pi);
    return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat gcj02_from_bd09(LonLat b) noexcept { return invert(b, bd09_from_gcj02); }

LonLat bd09_from_wgs84(LonLat w) noexcept { return bd09_from_gcj02(gcj02_from_wgs84(w)); }

LonLat wgs84_from_bd09(LonLat b) noexcept { return wgs84_from_gcj02(gcj02_from_bd09(b)); }

} // namespace diming::crs
