// Connections: what a read snapshot guarantees beside a writer (WAL).

#include <catch2/catch.hpp>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "division_chain.hpp"
#include "support/temp_dir.hpp"

using namespace diming;
using diming::testing::TempDir;
using diming::testing::danghu_division_chain;

namespace {

std::int64_t count_names(store::Database& db) {
    auto& s = db.cached("SELECT count(*) FROM place_name_aliases");
    s.step();
    const auto n = s.column_int(0);
    s.reset();
    return n;
}

} // namespace

TEST_CASE("a read snapshot sees the registry as it was while a writer commits, and the new state after") {
    TempDir dir;
    const auto path = dir / "r.sqlite";
    auto writer = store::Database::open(path, store::Access::create);
    store::migrate(writer);
    writer.exec("PRAGMA journal_mode = WAL");
    writer.exec(danghu_division_chain);
    writer.exec(R"sql(
        INSERT INTO place_names(id, name, category_code, division_code, geom)
          VALUES (1, '人民路', 'D-ROAD', '330482001000', GeomFromText('LINESTRING(121.01 30.70, 121.03 30.70)', 4490));
        INSERT INTO place_name_aliases(place_name_id, alias) VALUES (1, '人民大街');
    )sql");
    auto reader = store::Database::open(path, store::Access::read_only);
    {
        const store::ReadSnapshot snapshot{reader};
        CHECK(count_names(reader) == 1);
        writer.exec("INSERT INTO place_name_aliases(place_name_id, alias) VALUES (1, '人民街')");
        CHECK(count_names(reader) == 1); // the snapshot holds
        {
            const store::ReadSnapshot nested{reader}; // inside an open transaction: nothing new
            CHECK(count_names(reader) == 1);
        }
        CHECK(count_names(reader) == 1); // the nested one did not end the outer snapshot
    }
    CHECK(count_names(reader) == 2);
}
