// Door numbers on every road of a sample registry, for thousands of random points: each
// proposal is a valid, free number of the point's side, between its neighbours, and the
// server never answers 5xx for a valid point.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "importers/divisions.hpp"
#include "importers/import.hpp"
#include "plates/door_plates.hpp"
#include "plates/numbering.hpp"
#include "sample/sample.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <random>

using namespace diming;
using diming::testing::TempDir;

namespace {

struct Road {
    std::int64_t id;
    std::string name;
};

// A sample registry with its civil plates imported (door numbers from each road's start,
// odd on the left, even on the right).
std::filesystem::path sample_registry(const TempDir& dir, int plates) {
    sample::SampleOptions o;
    o.plates = plates;
    o.seed = 7;
    sample::write_sample(o, dir / "s");
    const auto path = dir / "r.sqlite";
    auto db = store::Database::open(path, store::Access::create);
    store::migrate(db);
    import::import_divisions(db, diming::testing::source_dir() / "data/divisions/330482.csv", "test");
    import::ImportRequest req;
    req.dataset = dir / "s/civil.gpkg";
    req.source = import::SourceKind::civil;
    req.profile = import::load_profile(diming::testing::source_dir() / "importers/profiles/civil-registry.json");
    req.rejects = dir / "rejects.csv";
    req.actor = "test";
    import::import_dataset(db, req);
    return path;
}

std::vector<Road> roads_of(store::Database& db) {
    std::vector<Road> out;
    auto st = db.prepare("SELECT id, name FROM place_names WHERE GeometryType(geom) LIKE '%LINESTRING' AND status IN ('approved','registered') ORDER BY id");
    while (st.step()) out.push_back({st.column_int(0), st.column_text(1)});
    return out;
}

// A point `offset_m` to the left (positive) or right (negative) of the road, at `fraction` of
// its length (below 0 or above 1: before its start or past its end, along its end segments).
lookup::LonLat point_beside(store::Database& db, std::int64_t road, double fraction, double offset_m) {
    auto& st = db.cached(
        "WITH l AS (SELECT ST_Transform(geom, 4549) AS g FROM place_names WHERE id = ?1), "
        "a AS (SELECT ST_Line_Interpolate_Point(g, ?2) AS p, ST_Line_Interpolate_Point(g, ?3) AS q, GLength(g) AS len FROM l) "
        "SELECT X(p), Y(p), X(q), Y(q), len FROM a");
    const double f = std::clamp(fraction, 0.0, 1.0);
    const double a = std::clamp(f - 0.001, 0.0, 0.999), b = std::clamp(f + 0.001, 0.001, 1.0);
    st.bind(1, road).bind(2, a).bind(3, b);
    REQUIRE(st.step());
    const double x0 = st.column_double(0), y0 = st.column_double(1), x1 = st.column_double(2), y1 = st.column_double(3), len = st.column_double(4);
    st.reset();
    const double dx = x1 - x0, dy = y1 - y0, norm = std::hypot(dx, dy);
    REQUIRE(norm > 0);
    const double ux = dx / norm, uy = dy / norm;
    // Along the direction of travel, then to the left normal (-uy, ux).
    const double beyond = fraction < 0 ? fraction * len : fraction > 1 ? (fraction - 1) * len : 0.0;
    const double bx = (fraction < 0 ? x0 : fraction > 1 ? x1 : (x0 + x1) / 2) + ux * beyond;
    const double by = (fraction < 0 ? y0 : fraction > 1 ? y1 : (y0 + y1) / 2) + uy * beyond;
    auto& back = db.cached("SELECT X(t), Y(t) FROM (SELECT ST_Transform(MakePoint(?1, ?2, 4549), 4490) AS t)");
    back.bind(1, bx - uy * offset_m).bind(2, by + ux * offset_m);
    REQUIRE(back.step());
    lookup::LonLat p{back.column_double(0), back.column_double(1)};
    back.reset();
    return p;
}

int main_number(const std::string& shown) { return std::stoi(shown.substr(0, shown.find('-'))); }

// The points a clerk meets: anywhere along the road, near both ends and a little past them,
// just beside the line, and right next to a plate that is already there.
std::vector<std::pair<double, double>> random_positions(std::mt19937& rng, int n) {
    std::uniform_real_distribution<double> anywhere{0.0, 1.0}, end{0.0, 0.03}, past{-0.02, 0.0}, side{1.0, 60.0}, near{0.2, 3.0};
    std::vector<std::pair<double, double>> out;
    for (int i = 0; i < n; ++i) {
        double f;
        switch (i % 5) {
        case 0: f = end(rng); break;              // near the start
        case 1: f = 1.0 - end(rng); break;        // near the end
        case 2: f = i % 2 ? past(rng) : 1.0 - past(rng); break; // a little before the start or past the end
        default: f = anywhere(rng);
        }
        const double offset = (i % 4 == 3 ? near(rng) : side(rng)) * (rng() % 2 ? 1 : -1);
        out.emplace_back(f, offset);
    }
    return out;
}

} // namespace

TEST_CASE("every proposed door number is valid, free, on the point's side and between its neighbours") {
    TempDir dir;
    const auto path = sample_registry(dir, 1500);
    auto db = store::Database::open(path, store::Access::read_write);
    const auto roads = roads_of(db);
    REQUIRE(roads.size() >= 8);
    std::mt19937 rng{20261130};
    int proposals = 0, before_first = 0, suffixed = 0;
    for (const auto& road : roads) {
        for (const auto& [fraction, offset] : random_positions(rng, 250)) {
            const auto point = point_beside(db, road.id, fraction, offset);
            INFO(road.name << " at " << fraction << " of its length, " << offset << " m to its left; point " << point.lon << "," << point.lat);
            plates::DoorPlateRequest req;
            req.place_name_id = road.id;
            req.point = point;
            plates::IssuedPlate issued;
            REQUIRE_NOTHROW(issued = plates::issue_door_plate(db, req, "property-test")); // a refusal or a constraint would throw
            const auto& p = issued.proposal;
            REQUIRE(issued.number);
            const int n = *issued.number;
            INFO("proposed " << n << (issued.suffix.empty() ? "" : "-" + issued.suffix) << " between '" << p.before << "' and '" << p.after << "': " << p.reason);
            CHECK(n >= 1);
            CHECK(n <= 99999);
            // The side: the point's, by the road's direction; odd left, even right.
            const auto where = plates::road_position(db, road.id, point);
            CHECK(where.side == p.side);
            CHECK(n % 2 == (p.side == plates::Side::left ? 1 : 0));
            // Between the neighbours on that side (a 附号 shares its main number with one of them).
            if (!p.before.empty()) CHECK(main_number(p.before) <= n);
            if (!p.after.empty()) CHECK(n <= main_number(p.after));
            if (issued.suffix.empty()) {
                if (!p.before.empty()) CHECK(main_number(p.before) < n);
                if (!p.after.empty()) CHECK(n < main_number(p.after));
            } else {
                ++suffixed;
                // A 附号 follows the number before it, or (before a side's first plate) the first.
                if (p.before.empty()) {
                    ++before_first;
                    CHECK(n == main_number(p.after));
                } else {
                    CHECK(n == main_number(p.before));
                }
            }
            ++proposals;
        }
    }
    CHECK(proposals == static_cast<int>(roads.size()) * 250);
    // Free: no number twice on a road (the unique index would have refused the insert, but
    // the registry is checked as a reader would see it).
    auto dupes = db.prepare("SELECT count(*) FROM (SELECT 1 FROM door_plates WHERE plate_type = 'door' AND status <> 'cancelled' "
                            "GROUP BY place_name_id, hamlet, number, suffix HAVING count(*) > 1)");
    REQUIRE(dupes.step());
    CHECK(dupes.column_int(0) == 0);
    // The cases that used to fail were met: 附号s, and points before a side's first plate.
    CHECK(suffixed > 0);
    CHECK(before_first > 0);
}

TEST_CASE("the first plate on each side of a new road is 1 on the left and 2 on the right, then a 附号 before them") {
    TempDir dir;
    const auto path = sample_registry(dir, 200);
    auto db = store::Database::open(path, store::Access::read_write);
    const auto road = roads_of(db).front();
    db.exec("UPDATE door_plates SET status = 'cancelled' WHERE place_name_id = " + std::to_string(road.id));
    auto issue = [&](double fraction, double offset) {
        plates::DoorPlateRequest req;
        req.place_name_id = road.id;
        req.point = point_beside(db, road.id, fraction, offset);
        const auto p = plates::issue_door_plate(db, req, "test");
        return std::to_string(*p.number) + (p.suffix.empty() ? "" : "-" + p.suffix);
    };
    CHECK(issue(0.5, -10) == "2");
    CHECK(issue(0.5, 10) == "1");
    CHECK(issue(0.2, -10) == "2-1"); // before 2, at the road's start: nothing lower is free
    CHECK(issue(0.1, -10) == "2-2");
    CHECK(issue(0.2, 10) == "1-1");
    CHECK(issue(0.8, -10) == "4");
    CHECK(issue(0.9, 10) == "3");
}

TEST_CASE("POST /api/v1/doorplates never answers 5xx for points along, beside, before and past every road") {
    TempDir dir;
    const auto path = sample_registry(dir, 600);
    std::vector<Road> roads;
    std::vector<lookup::LonLat> points;
    {
        auto db = store::Database::open(path, store::Access::read_only);
        roads = roads_of(db);
        std::mt19937 rng{11};
        for (const auto& road : roads) {
            for (const auto& [fraction, offset] : random_positions(rng, 25)) points.push_back(point_beside(db, road.id, fraction, offset));
        }
    }
    const auto token = diming::testing::run_diming({"token", "create", "--db", path.string(), "--name", "clerk-p", "--role", "clerk"});
    REQUIRE(token.exit_code == 0);
    std::string secret = token.out.substr(0, token.out.find('\n'));
    diming::testing::ServerProcess server{path, {"--access-log", ""}};
    auto client = server.client();
    const httplib::Headers auth{{"Authorization", "Bearer " + secret}};
    int created = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& road = roads[i / 25];
        const nlohmann::json body{{"place_name_id", road.id}, {"point", {points[i].lon, points[i].lat}}};
        auto r = client.Post("/api/v1/doorplates", auth, body.dump(), "application/json");
        REQUIRE(r);
        INFO(road.name << " " << body.dump() << " -> " << r->status << " " << r->body);
        CHECK(r->status == 201);
        created += r->status == 201;
    }
    CHECK(created == static_cast<int>(points.size()));
}
