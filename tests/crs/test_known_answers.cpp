// Coordinate conversions against values published by others, never against values the code
// under test computed.

#include <catch2/catch.hpp>

#include "core/proj.hpp"
#include "crs/consumer_map.hpp"

#include <cmath>
#include <iomanip>

using namespace diming;

namespace {

// Published by the coordtransform library (wandergis/coordtransform, README "result" block
// and its index.test.ts), the reference JavaScript implementation of these formulas most
// others copy: the point (116.404, 39.915) in Beijing through each conversion.
constexpr crs::LonLat beijing{116.404, 39.915};
constexpr crs::LonLat published_gcj02_of_wgs84{116.41024449916938, 39.91640428150164};   // wgs84togcj02
constexpr crs::LonLat published_bd09_of_gcj02{116.41036949371029, 39.92133699351021};    // gcj02tobd09
constexpr crs::LonLat published_gcj02_of_bd09{116.39762729119315, 39.90865673957631};    // bd09togcj02
// gcj02towgs84 there is the one-step approximation wgs = 2 gcj - f(gcj); diming solves the
// inverse exactly, so it agrees with that value only to the approximation's error (~1 m).
constexpr crs::LonLat published_approx_wgs84_of_gcj02{116.39775550083061, 39.91359571849836};

constexpr double exact = 1e-9; // degrees: ~0.1 mm

void check_near(crs::LonLat got, crs::LonLat want, double tolerance) {
    INFO("got " << std::setprecision(17) << got.lon << ", " << got.lat << "; want " << want.lon << ", " << want.lat);
    CHECK(std::abs(got.lon - want.lon) <= tolerance);
    CHECK(std::abs(got.lat - want.lat) <= tolerance);
}

// Meridian arc length on an ellipsoid (Krüger's series in n, accurate to well under a
// millimetre): the northing of a point on a Gauss-Krüger zone's central meridian.
double meridian_arc(double a, double inverse_flattening, double lat_degrees) {
    const double f = 1 / inverse_flattening, n = f / (2 - f), phi = lat_degrees * M_PI / 180;
    const double n2 = n * n, n3 = n2 * n, n4 = n3 * n;
    return a / (1 + n) * (1 + n2 / 4 + n4 / 64) *
           (phi - (1.5 * n - 9.0 / 16 * n3) * std::sin(2 * phi) + (15.0 / 16 * n2 - 15.0 / 32 * n4) * std::sin(4 * phi) -
            35.0 / 48 * n3 * std::sin(6 * phi) + 315.0 / 512 * n4 * std::sin(8 * phi));
}

} // namespace

TEST_CASE("GCJ-02 and BD-09 give the published values for the reference point, both ways") {
    check_near(crs::gcj02_from_wgs84(beijing), published_gcj02_of_wgs84, exact);
    check_near(crs::bd09_from_gcj02(beijing), published_bd09_of_gcj02, exact);
    // Baidu's published BD-09 inverse (bd09togcj02) is itself an approximation (a few cm);
    // diming solves it exactly, so it agrees to that approximation's error.
    check_near(crs::gcj02_from_bd09(beijing), published_gcj02_of_bd09, 1e-6);
    // The inverses undo the published forward values exactly.
    check_near(crs::wgs84_from_gcj02(published_gcj02_of_wgs84), beijing, exact);
    check_near(crs::gcj02_from_bd09(published_bd09_of_gcj02), beijing, exact);
    // And agree with the published one-step inverse to its own error (about a metre).
    check_near(crs::wgs84_from_gcj02(beijing), published_approx_wgs84_of_gcj02, 2e-5);
    // BD-09 from WGS 84 is GCJ-02 then BD-09.
    check_near(crs::bd09_from_wgs84(beijing), crs::bd09_from_gcj02(published_gcj02_of_wgs84), exact);
    // Outside mainland China the maps use WGS 84 itself.
    check_near(crs::gcj02_from_wgs84({-74.006, 40.7128}), {-74.006, 40.7128}, 0);
}

TEST_CASE("EPSG:4549 puts the central meridian at 500 km east and the meridian arc north, and round-trips to a millimetre") {
    const proj::Transformation gk{"EPSG:4490", "EPSG:4549"};
    // CGCS2000: a = 6378137 m, 1/f = 298.257222101 (GB/T 2018 CGCS2000 definition); CM 120°E,
    // false easting 500 000 m, scale 1 (the EPSG:4549 definition).
    for (double lat : {29.0, 30.0, 30.7, 31.5}) {
        INFO("latitude " << lat);
        const auto p = gk.forward({120.0, lat});
        CHECK(std::abs(p.x - 500000.0) < 1e-4);
        CHECK(std::abs(p.y - meridian_arc(6378137.0, 298.257222101, lat)) < 1e-3);
    }
    // Symmetric about the central meridian; every point of Pinghu comes back within a millimetre.
    for (double lat = 30.5; lat <= 30.95; lat += 0.05) {
        for (double lon = 120.9; lon <= 121.35; lon += 0.05) {
            const auto east = gk.forward({lon, lat}), west = gk.forward({240.0 - lon, lat});
            CHECK(std::abs((east.x - 500000.0) + (west.x - 500000.0)) < 1e-4);
            CHECK(std::abs(east.y - west.y) < 1e-4);
            const auto back = gk.inverse(east);
            CHECK(std::abs(back.x - lon) * 96000 < 1e-3); // ~96 km per degree of longitude here
            CHECK(std::abs(back.y - lat) * 111000 < 1e-3);
        }
    }
}
