#include <catch2/catch.hpp>

#include "store/bulk_load.hpp"
#include "store/database.hpp"
#include "store/rtree_pack.hpp"
#include "store/spatial_index.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <tuple>
#include <vector>

using namespace diming;
using diming::testing::TempDir;

namespace {

struct Point {
    double x, y;
};

// Points as a county's plates lie (clustered along a few streets, some on one spot), plus a
// few far off and across the zero meridian and equator, where rounding goes the other way.
std::vector<Point> points(std::size_t n, unsigned seed) {
    std::mt19937 rng{seed};
    std::uniform_real_distribution<double> u{0, 1};
    std::vector<Point> out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 997 == 0) out.push_back({-0.5 + u(rng), -0.5 + u(rng)});
        else if (i % 101 == 0 && !out.empty()) out.push_back(out.back());
        else out.push_back({121.0 + 0.01 * static_cast<double>(i % 7) + 0.002 * u(rng), 30.6 + 0.2 * u(rng)});
    }
    return out;
}

void make_table(store::Database& db, const std::string& name) {
    db.exec("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, note TEXT)");
    db.prepare("SELECT AddGeometryColumn(?1, 'geom', 4490, 'POINT', 'XY')").bind(1, name).step();
    db.prepare("SELECT CreateSpatialIndex(?1, 'geom')").bind(1, name).step();
}

// Rows through SpatiaLite's own triggers (one R*Tree insertion each).
void insert_each(store::Database& db, const std::string& table, const std::vector<Point>& pts) {
    auto st = db.prepare("INSERT INTO " + table + "(note, geom) VALUES ('x', MakePoint(?1, ?2, 4490))");
    for (const auto& p : pts) st.bind(1, p.x).bind(2, p.y).run();
}

// Rows through a bulk load; noted: the writer hands each point over, else finish() reads them back.
void insert_bulk(store::Database& db, const std::string& table, const std::vector<Point>& pts, bool noted) {
    store::Transaction tx{db};
    store::BulkSpatialLoad load{db, table, "geom"};
    auto st = db.prepare("INSERT INTO " + table + "(note, geom) VALUES ('x', MakePoint(?1, ?2, 4490))");
    for (const auto& p : pts) {
        st.bind(1, p.x).bind(2, p.y).run();
        if (noted) load.index_point(db.last_insert_rowid(), p.x, p.y);
    }
    CHECK(load.finish() == static_cast<std::int64_t>(pts.size()));
    tx.commit();
}

std::string rtreecheck(store::Database& db, const std::string& rtree) {
    auto st = db.prepare("SELECT rtreecheck(?1)");
    st.bind(1, rtree);
    REQUIRE(st.step());
    return st.column_text(0);
}

using Entry = std::tuple<std::int64_t, double, double, double, double>;
std::vector<Entry> entries(store::Database& db, const std::string& rtree) {
    std::vector<Entry> out;
    for (const auto& e : store::rtree_entries(db, rtree)) out.emplace_back(e.id, e.min_x, e.max_x, e.min_y, e.max_y);
    std::sort(out.begin(), out.end());
    return out;
}

std::set<std::int64_t> in_box(store::Database& db, const std::string& rtree, const store::Extent& box) {
    const auto ids = store::ids_in_box(db, rtree, box);
    return {ids.begin(), ids.end()};
}

void same_answers(store::Database& db, const std::string& a, const std::string& b, unsigned seed) {
    std::mt19937 rng{seed};
    std::uniform_real_distribution<double> x{120.99, 121.08}, y{30.58, 30.82}, size{0.0001, 0.02};
    for (int i = 0; i < 200; ++i) {
        const double x0 = x(rng), y0 = y(rng);
        const store::Extent box{x0, y0, x0 + size(rng), y0 + size(rng)};
        INFO("box " << box.min_x << "," << box.min_y << " – " << box.max_x << "," << box.max_y);
        CHECK(in_box(db, a, box) == in_box(db, b, box));
    }
    const store::Extent everything{-180, -90, 180, 90};
    CHECK(in_box(db, a, everything) == in_box(db, b, everything));
}

} // namespace

TEST_CASE("a packed R*Tree holds exactly what SpatiaLite's own triggers insert, passes rtreecheck and answers alike") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    db.exec("SELECT InitSpatialMetadata(1)");
    for (const char* t : {"one_by_one", "packed", "read_back"}) make_table(db, t);
    const auto pts = points(20000, 7);
    insert_each(db, "one_by_one", pts);
    insert_bulk(db, "packed", pts, true);
    insert_bulk(db, "read_back", pts, false);

    for (const char* t : {"idx_one_by_one_geom", "idx_packed_geom", "idx_read_back_geom"}) CHECK(rtreecheck(db, t) == "ok");
    // Same ids, same 32-bit boxes: rounded outwards as rtree.c rounds them.
    const auto reference = entries(db, "idx_one_by_one_geom");
    REQUIRE(reference.size() == pts.size());
    CHECK(entries(db, "idx_packed_geom") == reference);
    CHECK(entries(db, "idx_read_back_geom") == reference);
    same_answers(db, "idx_one_by_one_geom", "idx_packed_geom", 11);
    // SpatiaLite's own query path (its SpatialIndex table) reads the packed tree as the other.
    auto frame = [&](const char* table) {
        auto count = db.prepare(std::string{"SELECT count(*) FROM SpatialIndex WHERE f_table_name = '"} + table +
                                "' AND search_frame = BuildMbr(121.0, 30.6, 121.01, 30.7, 4490)");
        REQUIRE(count.step());
        return count.column_int(0);
    };
    CHECK(frame("packed") == frame("one_by_one"));
    CHECK(frame("packed") > 100);

    // The triggers are back: later rows, moves and deletes keep the tree sound and findable.
    const auto more = points(500, 8);
    insert_each(db, "packed", more);
    insert_each(db, "one_by_one", more);
    db.exec("UPDATE packed SET geom = MakePoint(121.05, 30.65, 4490) WHERE id % 37 = 0");
    db.exec("UPDATE one_by_one SET geom = MakePoint(121.05, 30.65, 4490) WHERE id % 37 = 0");
    db.exec("DELETE FROM packed WHERE id % 5 = 0");
    db.exec("DELETE FROM one_by_one WHERE id % 5 = 0");
    CHECK(rtreecheck(db, "idx_packed_geom") == "ok");
    CHECK(entries(db, "idx_packed_geom") == entries(db, "idx_one_by_one_geom"));
    same_answers(db, "idx_one_by_one_geom", "idx_packed_geom", 12);
}

TEST_CASE("a bulk load into an indexed table adds a few rows one by one and packs many with the old entries") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    db.exec("SELECT InitSpatialMetadata(1)");
    make_table(db, "reference");
    make_table(db, "loaded");
    const auto first = points(20000, 1), few = points(3000, 2), many = points(45000, 3);
    for (const auto* batch : {&first, &few, &many}) {
        insert_each(db, "reference", *batch);
        insert_bulk(db, "loaded", *batch, true);
        CHECK(rtreecheck(db, "idx_loaded_geom") == "ok");
        CHECK(entries(db, "idx_loaded_geom") == entries(db, "idx_reference_geom"));
    }
    same_answers(db, "idx_reference_geom", "idx_loaded_geom", 5);
}

TEST_CASE("tiny packed R*Trees: none, a root that is a leaf, a root with two levels below") {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{51}, std::size_t{52}, std::size_t{2601}, std::size_t{2602}}) {
        INFO(n << " points");
        TempDir dir;
        auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
        db.exec("SELECT InitSpatialMetadata(1)");
        make_table(db, "reference");
        make_table(db, "loaded");
        const auto pts = points(n, 4);
        insert_each(db, "reference", pts);
        insert_bulk(db, "loaded", pts, true);
        CHECK(rtreecheck(db, "idx_loaded_geom") == "ok");
        CHECK(entries(db, "idx_loaded_geom") == entries(db, "idx_reference_geom"));
        same_answers(db, "idx_reference_geom", "idx_loaded_geom", 6);
        insert_each(db, "loaded", points(60, 9)); // and the R*Tree module grows it as its own
        CHECK(rtreecheck(db, "idx_loaded_geom") == "ok");
    }
}

TEST_CASE("a bulk load rolled back leaves the table and its R*Tree as they were") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    db.exec("SELECT InitSpatialMetadata(1)");
    make_table(db, "loaded");
    insert_bulk(db, "loaded", points(5000, 1), true);
    const auto before = entries(db, "idx_loaded_geom");
    {
        store::Transaction tx{db};
        store::BulkSpatialLoad load{db, "loaded", "geom"};
        auto st = db.prepare("INSERT INTO loaded(note, geom) VALUES ('x', MakePoint(?1, ?2, 4490))");
        for (const auto& p : points(20000, 2)) {
            st.bind(1, p.x).bind(2, p.y).run();
            load.index_point(db.last_insert_rowid(), p.x, p.y);
        }
        load.finish(); // packed, then the transaction is dropped
    }
    CHECK(entries(db, "idx_loaded_geom") == before);
    CHECK(rtreecheck(db, "idx_loaded_geom") == "ok");
    auto rows = db.prepare("SELECT count(*) FROM loaded");
    REQUIRE(rows.step());
    CHECK(rows.column_int(0) == 5000);
    // The triggers came back with the rollback too.
    insert_each(db, "loaded", points(10, 3));
    CHECK(entries(db, "idx_loaded_geom").size() == 5010);
}

TEST_CASE("a packed R*Tree over sparse ids (rows deleted, ids given) is as sound as over dense ones") {
    TempDir dir;
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    db.exec("SELECT InitSpatialMetadata(1)");
    make_table(db, "reference");
    make_table(db, "loaded");
    const auto pts = points(6000, 21);
    {
        store::Transaction tx{db};
        store::BulkSpatialLoad load{db, "loaded", "geom"};
        auto st = db.prepare("INSERT INTO loaded(id, note, geom) VALUES (?1, 'x', MakePoint(?2, ?3, 4490))");
        auto ref = db.prepare("INSERT INTO reference(id, note, geom) VALUES (?1, 'x', MakePoint(?2, ?3, 4490))");
        for (std::size_t i = 0; i < pts.size(); ++i) {
            const auto id = static_cast<std::int64_t>(i * i + 7); // ever wider gaps
            st.bind(1, id).bind(2, pts[i].x).bind(3, pts[i].y).run();
            ref.bind(1, id).bind(2, pts[i].x).bind(3, pts[i].y).run();
        }
        CHECK(load.finish() == 6000); // read back from the table, ids far from dense
        tx.commit();
    }
    CHECK(rtreecheck(db, "idx_loaded_geom") == "ok");
    CHECK(entries(db, "idx_loaded_geom") == entries(db, "idx_reference_geom"));
    same_answers(db, "idx_reference_geom", "idx_loaded_geom", 22);
}
