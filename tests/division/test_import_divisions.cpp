#include <catch2/catch.hpp>

#include "core/gdal.hpp"
#include "importers/divisions.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <map>
#include <sstream>

using namespace diming;
using diming::testing::TempDir;

namespace {

const std::filesystem::path shipped = diming::testing::source_dir() / "data/divisions/330482.csv";

store::Database fresh(const TempDir& dir) {
    auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
    store::migrate(db);
    return db;
}

int count(const store::Database& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return static_cast<int>(st.column_int(0));
}

// The shipped file read plainly, line by line (it has no quoted fields).
std::map<std::string, std::string> shipped_rows() {
    std::map<std::string, std::string> rows;
    std::istringstream in{diming::testing::read_file(shipped)};
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        const auto comma = line.find(',');
        rows.emplace(line.substr(0, comma), line.substr(comma + 1));
    }
    return rows;
}

} // namespace

TEST_CASE("Pinghu's shipped divisions load completely: 9 towns and 136 communities and villages") {
    TempDir dir;
    auto db = fresh(dir);
    const auto r = import::import_divisions(db, shipped, "test");
    CHECK(r.towns == 9);
    CHECK(r.communities == 136);
    CHECK(r.inserted == r.rows);
    CHECK(count(db, "SELECT count(*) FROM divisions WHERE level = 4 AND parent_code = '330482000000'") == 9);
    CHECK(count(db, "SELECT count(*) FROM divisions WHERE level = 5 AND substr(code, 1, 6) = '330482'") == 136);
    CHECK(count(db, "SELECT count(*) FROM divisions WHERE code = '330482000000' AND name = '平湖市'") == 1);

    // Every row of the file is in the database, with the same name, and nothing else is.
    const auto rows = shipped_rows();
    CHECK(count(db, "SELECT count(*) FROM divisions") == static_cast<int>(rows.size()));
    auto st = db.prepare("SELECT code, name FROM divisions");
    int compared = 0;
    while (st.step()) {
        auto it = rows.find(st.column_text(0));
        REQUIRE(it != rows.end());
        CHECK(it->second == st.column_text(1));
        ++compared;
    }
    CHECK(compared == static_cast<int>(rows.size()));
    CHECK(count(db, "SELECT count(*) FROM divisions WHERE code = '330482001001' AND short_name = '水洞埭社区' AND kind = 'community'") == 1);
    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'divisions.import'") == 1);
}

TEST_CASE("importing the same divisions again changes nothing") {
    TempDir dir;
    auto db = fresh(dir);
    import::import_divisions(db, shipped, "test");
    const auto again = import::import_divisions(db, shipped, "test");
    CHECK(again.inserted == 0);
    CHECK(again.renamed == 0);
    CHECK(again.unchanged == again.rows);
}

TEST_CASE("a divisions file with malformed rows is refused whole, naming each row and field") {
    TempDir dir;
    auto db = fresh(dir);
    const auto bad = dir / "bad.csv";
    diming::testing::write_file(bad, "code,name\n"
                                     "330000000000,浙江省\n"
                                     "330400000000,嘉兴市\n"
                                     "330482000000,平湖市\n"
                                     "33048200100,当湖街道\n"         // 11 digits
                                     "330482002000,\n"                // empty name
                                     "330482003000,曹桥街道\n"
                                     "330482003000,曹桥街道\n"        // duplicate
                                     "330482109001,无主村村民委员会\n"); // parent 330482109000 unknown
    try {
        import::import_divisions(db, bad, "test");
        FAIL("the import should have failed");
    } catch (const import::import_error& e) {
        const std::string msg = e.what();
        CHECK_THAT(msg, Catch::Contains("nothing was imported"));
        CHECK_THAT(msg, Catch::Contains("bad.csv:5: field code: '33048200100' is not a 12-digit division code"));
        CHECK_THAT(msg, Catch::Contains("bad.csv:6: field name: empty"));
        CHECK_THAT(msg, Catch::Contains("bad.csv:8: field code: 330482003000 appears twice"));
        CHECK_THAT(msg, Catch::Contains("bad.csv:9: field code: 330482109001 lies in 330482109000"));
    }
    CHECK(count(db, "SELECT count(*) FROM divisions") == 0);
    CHECK(count(db, "SELECT count(*) FROM audit_log") == 0);
}

TEST_CASE("a divisions file in GBK is refused as not UTF-8") {
    TempDir dir;
    auto db = fresh(dir);
    const auto gbk = dir / "gbk.csv";
    // 浙江省 in GBK: D5 E3 BD AD CA A1
    diming::testing::write_file(gbk, "code,name\n330000000000,\xD5\xE3\xBD\xAD\xCA\xA1\n");
    REQUIRE_THROWS_WITH(import::import_divisions(db, gbk, "test"), Catch::Contains("gbk.csv:2: field name: not valid UTF-8"));
    CHECK(count(db, "SELECT count(*) FROM divisions") == 0);
}

TEST_CASE("a divisions file without code and name columns is refused before anything is read") {
    TempDir dir;
    auto db = fresh(dir);
    const auto wrong = dir / "wrong.csv";
    diming::testing::write_file(wrong, "id,title\n330000000000,浙江省\n");
    REQUIRE_THROWS_WITH(import::import_divisions(db, wrong, "test"), Catch::Contains("'code' and 'name'"));
    REQUIRE_THROWS_WITH(import::import_divisions(db, dir / "absent.csv", "test"), Catch::Contains("no such file"));
}

TEST_CASE("a division renamed in a later file is updated and audited") {
    TempDir dir;
    auto db = fresh(dir);
    import::import_divisions(db, shipped, "test");
    const auto renamed = dir / "renamed.csv";
    diming::testing::write_file(renamed, "code,name\n330482001001,水洞埭新社区居委会\n");
    const auto r = import::import_divisions(db, renamed, "test");
    CHECK(r.renamed == 1);
    CHECK(count(db, "SELECT count(*) FROM divisions WHERE code = '330482001001' AND short_name = '水洞埭新社区'") == 1);
    CHECK(count(db, "SELECT count(*) FROM audit_log WHERE action = 'divisions.import' AND after LIKE '%水洞埭社区居委会%'") == 1);
}
