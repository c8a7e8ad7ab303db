#include "plates/numbering.hpp"

#include "core/error.hpp"
#include "core/geos.hpp"
#include "core/proj.hpp"
#include "store/database.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

namespace diming::plates {

namespace {

// A point further than this from its road is a mistake (a click on the wrong road).
constexpr double max_offset_m = 300;

struct Place {
    std::string status;
    std::optional<std::string> line_wkt; // in EPSG:4549
};

Place load_place(store::Database& db, std::int64_t id) {
    auto& s = db.cached(
        "SELECT status, CASE WHEN GeometryType(geom) LIKE '%LINESTRING' THEN AsText(ST_Transform(geom, 4549)) END "
        "FROM place_names WHERE id = ?1");
    s.bind(1, id);
    if (!s.step()) {
        s.reset();
        throw refusal{refusal::Kind::not_found, "no place name with id " + std::to_string(id), "place_name_id"};
    }
    Place p{s.column_text(0), s.column_text_opt(1)};
    s.reset();
    if (p.status != "approved" && p.status != "registered") {
        throw refusal{refusal::Kind::conflict, "place name " + std::to_string(id) + " is " + p.status + "; plates hang only on approved or registered names",
                      "place_name_id"};
    }
    return p;
}

// CGCS2000 lon/lat to its 3° Gauss-Krüger zone at 120°E (metres, easting first), through
// PROJ directly: SpatiaLite's ST_Transform looks its CRS definitions up by SQL on every call,
// which dominated the cost of numbering a plate on a road with a thousand plates (measured).
const proj::Transformation& to_gauss_kruger() {
    thread_local const proj::Transformation t{"EPSG:4490", "EPSG:4549"};
    return t;
}

proj::Coordinate projected(lookup::LonLat p) {
    const auto c = to_gauss_kruger().forward({p.lon, p.lat});
    if (!std::isfinite(c.x) || !std::isfinite(c.y)) throw refusal{refusal::Kind::invalid, "the point cannot be projected to EPSG:4549", "point"};
    return c;
}

// A road line in EPSG:4549 and where points lie along it.
class RoadLine {
public:
    explicit RoadLine(const std::string& wkt) : line_{geos::from_wkt(ctx_, wkt)} {
        if (GEOSGeomTypeId_r(ctx_.get(), line_.get()) == GEOS_MULTILINESTRING) {
            if (auto merged = geos::own(ctx_, GEOSLineMerge_r(ctx_.get(), line_.get()))) line_ = std::move(merged);
        }
        GEOSLength_r(ctx_.get(), line_.get(), &length_);
    }

    RoadPosition locate(proj::Coordinate c) const {
        auto pt = geos::own(ctx_, GEOSGeom_createPointFromXY_r(ctx_.get(), c.x, c.y));
        const double d = GEOSProject_r(ctx_.get(), line_.get(), pt.get());
        auto at = [&](double m) {
            auto g = geos::own(ctx_, GEOSInterpolate_r(ctx_.get(), line_.get(), std::clamp(m, 0.0, length_)));
            double x = 0, y = 0;
            GEOSGeomGetX_r(ctx_.get(), g.get(), &x);
            GEOSGeomGetY_r(ctx_.get(), g.get(), &y);
            return proj::Coordinate{x, y};
        };
        // The road's direction where the point projects, and which side of it the point is.
        const auto a = at(d - 1), b = at(d + 1), q = at(d);
        const double cross = (b.x - a.x) * (c.y - q.y) - (b.y - a.y) * (c.x - q.x);
        RoadPosition r;
        r.side = cross > 0 ? Side::left : Side::right;
        r.along_m = d;
        r.offset_m = std::hypot(c.x - q.x, c.y - q.y);
        return r;
    }

private:
    geos::Context ctx_;
    geos::Geometry line_;
    double length_ = 0;
};

struct Neighbour {
    int number;
    std::string suffix;
    double along;
};

std::string show(int number, const std::string& suffix) { return std::to_string(number) + (suffix.empty() ? "" : "-" + suffix); }

} // namespace

const char* to_string(Side side) noexcept {
    switch (side) {
    case Side::left: return "left";
    case Side::right: return "right";
    case Side::none: return "none";
    }
    return "none";
}

RoadPosition road_position(store::Database& db, std::int64_t place_name_id, lookup::LonLat point) {
    const auto place = load_place(db, place_name_id);
    if (!place.line_wkt) return {};
    return RoadLine{*place.line_wkt}.locate(projected(point));
}

NumberProposal propose_number(store::Database& db, std::int64_t place_name_id, const std::string& hamlet, lookup::LonLat point) {
    const auto place = load_place(db, place_name_id);
    NumberProposal out;

    // Every live number on the place (whatever its side), with where the plate stands.
    // A number retired by a cancellation (注销) of an installed plate counts as taken but is
    // no neighbour: it is not proposed again (README: cancellation).
    struct Live {
        int number;
        std::string suffix;
        double x, y;
        bool retired;
    };
    std::vector<Live> live;
    auto& s = db.cached(
        "SELECT number, suffix, X(geom), Y(geom), status = 'cancelled' FROM door_plates WHERE place_name_id = ?1 AND hamlet = ?2 "
        "AND plate_type = 'door' AND (status <> 'cancelled' OR id IN (SELECT door_plate_id FROM door_plate_cancellations WHERE former_status = 'active'))");
    s.bind(1, place_name_id).bind(2, hamlet);
    while (s.step()) {
        const auto at = projected({s.column_double(2), s.column_double(3)});
        live.push_back({static_cast<int>(s.column_int(0)), s.column_text(1), at.x, at.y, s.column_int(4) != 0});
    }
    s.reset();
    std::set<int> whole_taken;
    for (const auto& l : live) whole_taken.insert(l.number);

    if (!place.line_wkt || !hamlet.empty()) {
        // A village or natural village: the next number after the highest.
        out.number = whole_taken.empty() ? 1 : *whole_taken.rbegin() + 1;
        out.reason = whole_taken.empty() ? "the first plate here" : "the next number after " + std::to_string(*whole_taken.rbegin());
        return out;
    }

    const RoadLine road{*place.line_wkt};
    const auto here = road.locate(projected(point));
    out.side = here.side;
    out.along_m = here.along_m;
    out.offset_m = here.offset_m;
    if (*here.offset_m > max_offset_m) {
        throw refusal{refusal::Kind::invalid,
                      "the point is " + std::to_string(static_cast<int>(*here.offset_m)) + " m from the road; a door plate stands within " +
                          std::to_string(static_cast<int>(max_offset_m)) + " m of it",
                      "point"};
    }
    const int parity = here.side == Side::left ? 1 : 0;

    // The plates of this side (by their numbers' parity), in order along the road.
    std::vector<Neighbour> side;
    for (const auto& l : live) {
        if (l.number % 2 != parity || l.retired) continue;
        side.push_back({l.number, l.suffix, *road.locate({l.x, l.y}).along_m});
    }
    std::sort(side.begin(), side.end(), [](const Neighbour& a, const Neighbour& b) {
        return a.number != b.number ? a.number < b.number : a.suffix < b.suffix;
    });
    const Neighbour* below = nullptr;
    const Neighbour* above = nullptr;
    for (const auto& n : side) {
        if (n.along <= *here.along_m) {
            if (!below || n.number > below->number || (n.number == below->number && n.suffix > below->suffix)) below = &n;
        } else if (!above || n.number < above->number) {
            above = &n;
        }
    }
    if (below) out.before = show(below->number, below->suffix);
    if (above) out.after = show(above->number, above->suffix);

    // Before the first plate of a side the candidates start at that side's first number (1 or 2).
    const int lo = below ? below->number : (parity ? -1 : 0);
    const int hi = above ? above->number : std::numeric_limits<int>::max();
    std::vector<int> free;
    for (int n = lo + 2; n < hi && n <= 99'999; n += 2) {
        if (!whole_taken.count(n)) free.push_back(n);
        if (!above && !free.empty()) break; // past the last plate: the next number will do
        if (free.size() > 1000) break;
    }
    const char* side_word = parity ? "odd numbers, left side" : "even numbers, right side";
    if (!free.empty()) {
        int chosen = free.front();
        if (above) {
            // Keep numbers roughly proportional to distance between the neighbours.
            const double from = below ? below->along : 0.0;
            const double span = std::max(1e-6, above->along - from);
            const double target = lo + (hi - lo) * std::clamp((*here.along_m - from) / span, 0.0, 1.0);
            chosen = *std::min_element(free.begin(), free.end(), [&](int a, int b) { return std::abs(a - target) < std::abs(b - target); });
        }
        out.number = chosen;
        out.reason = std::string{side_word} + (below ? ", after " + out.before : ", from the road's start") + (above ? ", before " + out.after : "");
        return out;
    }
    // No whole number fits: the next 附号 of a neighbour's number.
    auto next_suffix_of = [&live](int number) {
        int next = 1;
        for (const auto& l : live) {
            if (l.number != number || l.suffix.empty()) continue;
            try {
                next = std::max(next, std::stoi(l.suffix) + 1);
            } catch (const std::exception&) {
            }
        }
        return std::to_string(next);
    };
    if (!below) {
        // Before the first plate of a side, whose number is already that side's first: a 附号
        // of the first plate (2-1), the one place where a 附号 stands before its main number,
        // so that no plate on the road has to be renumbered (README: door numbers).
        out.number = above->number;
        out.suffix = next_suffix_of(above->number);
        out.reason = std::string{side_word} + ": before " + out.after + " at the road's start no whole number is free, so a 附号 of " +
                     std::to_string(above->number);
        return out;
    }
    // Between the neighbours: a 附号 of the lower one.
    out.number = below->number;
    out.suffix = next_suffix_of(below->number);
    out.reason = std::string{side_word} + ": no whole number is free between " + out.before + " and " + out.after + ", so a 附号 of " +
                 std::to_string(below->number);
    return out;
}

} // namespace diming::plates
