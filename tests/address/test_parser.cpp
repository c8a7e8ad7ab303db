#include <catch2/catch.hpp>

#include "address/gazetteer.hpp"
#include "address/numerals.hpp"
#include "address/parser.hpp"
#include "importers/divisions.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace diming;
using namespace diming::address;

namespace {

// A real registry: Pinghu's divisions and a few named places with history and an alias.
const Gazetteer& registry_gazetteer() {
    static const Gazetteer g = [] {
        testing::TempDir dir;
        auto db = store::Database::open(dir / "r.sqlite", store::Access::create);
        store::migrate(db);
        import::import_divisions(db, testing::source_dir() / "data/divisions/330482.csv", "test");
        db.exec(R"sql(
            INSERT INTO place_names(id, name, category_code, division_code) VALUES
              (1, '人民路', 'D-ROAD', '330482001000'),
              (2, '新华路', 'D-ROAD', '330482001000'),
              (3, '长安路', 'D-ROAD', '330482101000'),
              (4, '阳光花园', 'D-COMPOUND', '330482001000'),
              (5, '杨家浜', '222', '330482102221');
            INSERT INTO place_name_history(place_name_id, former_name, new_name, decision_doc, decided_on, effective_on)
              VALUES (2, '胜利路', '新华路', '平政地〔2015〕9号', '2015-03-01', '2015-04-01');
            INSERT INTO place_name_aliases(place_name_id, alias) VALUES (1, '人民大街');
        )sql");
        return Gazetteer::from_database(db);
    }();
    return g;
}

struct Case {
    int line;
    std::string input;
    std::vector<std::pair<std::string, std::string>> expect; // key, value; key ending in '~' = contains
};

std::vector<Case> load_cases() {
    std::ifstream in{testing::source_dir() / "tests/address/cases.tsv"};
    std::vector<Case> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.starts_with("#") || line.empty()) continue;
        const auto tab = line.find('\t');
        REQUIRE(tab != std::string::npos);
        Case c{n, line.substr(0, tab), {}};
        std::stringstream ss{line.substr(tab + 1)};
        std::string tok;
        while (ss >> tok) {
            const auto tilde = tok.find('~'), eq = tok.find('=');
            if (tilde != std::string::npos && (eq == std::string::npos || tilde < eq)) c.expect.emplace_back(tok.substr(0, tilde) + "~", tok.substr(tilde + 1));
            else c.expect.emplace_back(tok.substr(0, eq), tok.substr(eq + 1));
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + " | ";
    return out;
}

} // namespace

TEST_CASE("the parser's case table: components, keys and notes") {
    const auto cases = load_cases();
    REQUIRE(cases.size() >= 150);
    const auto& g = registry_gazetteer();
    for (const auto& c : cases) {
        const auto a = parse(c.input, g);
        std::map<std::string, std::string> got;
        for (const auto& comp : a.components) got[to_string(comp.level)] = comp.text;
        std::string described;
        for (const auto& comp : a.components) described += std::string{to_string(comp.level)} + "=" + comp.text + " ";
        INFO("cases.tsv:" << c.line << "  " << c.input << "\n  got: " << described << " suffix=" << a.suffix
                          << " leftover=" << a.leftover << "\n  keys: " << a.key_road << " / " << a.key_plate << " / "
                          << a.key_room << "\n  notes: " << joined(a.notes));
        std::map<std::string, std::string> expected_components;
        for (const auto& [k, v] : c.expect) {
            if (k == "suffix") CHECK(a.suffix == v);
            else if (k == "leftover") CHECK(a.leftover == v);
            else if (k == "key_road") CHECK(a.key_road == v);
            else if (k == "key_plate") CHECK(a.key_plate == v);
            else if (k == "key_building") CHECK(a.key_building == v);
            else if (k == "key_room") CHECK(a.key_room == v);
            else if (k == "town_code") CHECK(a.town_code == v);
            else if (k == "community_code") CHECK(a.community_code == v);
            else if (k == "note~") {
                std::string words = v;
                std::replace(words.begin(), words.end(), '_', ' ');
                CHECK_THAT(joined(a.notes), Catch::Contains(words));
            }
            else if (k == "candidate") {
                bool found = false;
                for (const auto& rc : a.road_candidates) found = found || rc.name == v;
                CHECK(found);
            } else {
                expected_components[k] = v;
            }
        }
        CHECK(got == expected_components);
        if (std::none_of(c.expect.begin(), c.expect.end(), [](const auto& kv) { return kv.first == "suffix"; })) {
            CHECK(a.suffix.empty());
        }
        if (std::none_of(c.expect.begin(), c.expect.end(), [](const auto& kv) { return kv.first == "leftover"; })) {
            CHECK(a.leftover.empty());
        }
    }
}

TEST_CASE("spans point into the input, in code points, whatever normalisation did") {
    const auto a = parse("平湖 當湖街道人民路１２號", registry_gazetteer());
    REQUIRE(a.get(Level::town));
    CHECK(a.get(Level::town)->span.begin == 3);
    CHECK(a.get(Level::town)->span.end == 7);
    CHECK(a.get(Level::town)->source == "當湖街道");
    CHECK(a.get(Level::number)->source == "１２號");
    CHECK(a.get(Level::number)->span.begin == 10);
    CHECK(a.get(Level::number)->span.end == 13);
    CHECK(a.normalized == "平湖当湖街道人民路12号");
}

TEST_CASE("invalid UTF-8 and oversized input are errors, never crashes") {
    const auto& g = registry_gazetteer();
    CHECK_THROWS_AS(parse("人民路\xff\xfe" "12号", g), address_error);
    CHECK_THROWS_AS(parse("\xe4\xba", g), address_error);      // truncated sequence
    CHECK_THROWS_AS(parse("\xed\xa0\x80", g), address_error);  // a surrogate
    CHECK_THROWS_WITH(parse(std::string(5000, 'a'), g), Catch::Contains("limit"));
    CHECK_NOTHROW(parse(std::string(1000, '-'), g));
    CHECK_NOTHROW(parse(std::string("\0\0\0", 3), g));
}

TEST_CASE("the three spellings of one door share every key") {
    const auto& g = registry_gazetteer();
    const auto a = parse("浙江省平湖市当湖街道人民路十二号3栋2单元301室", g);
    const auto b = parse("平湖人民路12号3幢2-301", g);
    const auto c = parse("人民路１２号３号楼", g);
    CHECK(a.key_room == b.key_room);
    CHECK(a.key_building == c.key_building);
    CHECK(a.key_plate == c.key_plate);
    CHECK(a.key_road == "330482001000|人民路");
}

TEST_CASE("one gazetteer serves several parsing threads with the same results") {
    const auto& g = registry_gazetteer();
    const std::vector<std::string> inputs{"浙江省平湖市当湖街道人民路十二号3栋2单元301室", "胜利路5号", "星光村杨家浜12号",
                                          "仁民路12号", "當湖街道人民路１２號"};
    std::vector<std::string> expected;
    for (const auto& in : inputs) expected.push_back(parse(in, g).key_plate + "#" + std::to_string(parse(in, g).road_candidates.size()));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 500; ++round) {
                for (std::size_t i = 0; i < inputs.size(); ++i) {
                    const auto a = parse(inputs[i], g);
                    if (a.key_plate + "#" + std::to_string(a.road_candidates.size()) != expected[i]) ++mismatches[t];
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int m : mismatches) CHECK(m == 0);
}

TEST_CASE("Chinese numerals: positional, digit by digit, and what is not a number") {
    CHECK(chinese_numeral_value(U"十二") == 12);
    CHECK(chinese_numeral_value(U"一百零三") == 103);
    CHECK(chinese_numeral_value(U"二〇一") == 201);
    CHECK(chinese_numeral_value(U"三十") == 30);
    CHECK(chinese_numeral_value(U"两百") == 200);
    CHECK(chinese_numeral_value(U"一千零五") == 1005);
    CHECK(chinese_numeral_value(U"九九九九九九") == 999999);
    // Found by the fuzzer: a long digit-by-digit run overflowed an int.
    CHECK_FALSE(chinese_numeral_value(U"八八八八六六八八六八八八"));
    CHECK_FALSE(chinese_numeral_value(U"十百"));
    CHECK_FALSE(chinese_numeral_value(U"二三十"));
    CHECK_FALSE(chinese_numeral_value(U""));
    CHECK_NOTHROW(parse("人民路八八八八六六八八六八八八号", registry_gazetteer()));
}

TEST_CASE("the normaliser's and parser's character classes, code point by code point from character_classes.tsv") {
    std::ifstream in{testing::source_dir() / "tests/address/character_classes.tsv"};
    REQUIRE(in);
    int rows = 0, line_number = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_number;
        if (line.empty() || line.starts_with("#")) continue;
        std::vector<std::string> cols;
        std::stringstream ss{line};
        for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
        REQUIRE(cols.size() >= 3);
        INFO("character_classes.tsv:" << line_number << "  " << line);
        if (cols[0] == "normalize") {
            REQUIRE(cols[1].starts_with("U+"));
            const auto c = static_cast<char32_t>(std::stoul(cols[1].substr(2), nullptr, 16));
            const std::string input = "1" + text::to_utf8(std::u32string(1, c)) + "1";
            CHECK(text::to_utf8(normalize(input).text) == cols[2]);
        } else if (cols[0] == "unit") {
            // The number before the word is read at the word's level.
            const std::map<std::string, std::string> prefix{{"building", "3"}, {"unit", "3幢2"}, {"floor", "3幢2单元4"}, {"room", "3幢2单元301"}};
            const std::map<std::string, std::string> value{{"building", "3"}, {"unit", "2"}, {"floor", "4"}, {"room", "301"}};
            REQUIRE(prefix.count(cols[2]));
            const auto a = parse("当湖街道人民路12号" + prefix.at(cols[2]) + cols[1], registry_gazetteer());
            std::map<std::string, std::string> got;
            for (const auto& comp : a.components) got[to_string(comp.level)] = comp.text;
            CHECK(got[cols[2]] == value.at(cols[2]));
            CHECK(a.leftover.empty());
        } else {
            FAIL("unknown row kind " << cols[0]);
        }
        ++rows;
    }
    CHECK(rows > 150);
}

TEST_CASE("each component's span is its own text: no two components share a character") {
    for (const auto& c : load_cases()) {
        const auto a = parse(c.input, registry_gazetteer());
        std::vector<std::pair<int, int>> spans;
        for (const auto& comp : a.components) {
            if (comp.span.end > comp.span.begin) spans.emplace_back(comp.span.begin, comp.span.end);
        }
        std::sort(spans.begin(), spans.end());
        for (std::size_t i = 1; i < spans.size(); ++i) {
            INFO("cases.tsv:" << c.line << "  " << c.input);
            CHECK(spans[i].first >= spans[i - 1].second);
        }
    }
    // A compact chain: each number's source is itself.
    const auto a = parse("当湖街道人民路12号7-6-1046", registry_gazetteer());
    REQUIRE(a.get(Level::building));
    CHECK(a.get(Level::building)->source == "7");
    CHECK(a.get(Level::unit)->source == "6");
    CHECK(a.get(Level::room)->source == "1046");
    const auto b = parse("当湖街道人民路12号3幢2-301室", registry_gazetteer());
    REQUIRE(b.get(Level::unit));
    CHECK(b.get(Level::unit)->source == "2");
    CHECK(b.get(Level::room)->source == "301室");
}

TEST_CASE("of two villages or roads named alike in a city, the one under the divisions written, else the one nearest the point") {
    Gazetteer g;
    for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
             {"330000000000", "浙江省"}, {"330400000000", "嘉兴市"}, {"330402000000", "南湖区"}, {"330402103000", "新丰镇"},
             {"330402103201", "横港村村民委员会"}, {"330424000000", "海盐县"}, {"330424101000", "沈荡镇"}, {"330424102000", "百步镇"},
             {"330424102201", "横港村村民委员会"}}) {
        g.add_division(code, name, true);
    }
    g.set_division_centre("330402103201", 120.85, 30.73);
    g.set_division_centre("330424102201", 120.90, 30.50);
    g.set_division_centre("330402103000", 120.85, 30.73);
    g.set_division_centre("330424102000", 120.90, 30.50);
    g.add_road("1", "人民路", "330402103000");
    g.add_road("2", "人民路", "330424102000");
    const ParseOptions in_nanhu{.road_candidates = true, .near = std::make_pair(120.851, 30.731)};
    const ParseOptions in_haiyan{.road_candidates = true, .near = std::make_pair(120.901, 30.501)};
    // The town written settles it, whatever the point says.
    CHECK(parse("海盐县百步镇横港村1组3号", g, in_nanhu).community_code == "330424102201");
    CHECK(parse("南湖区新丰镇横港村1组3号", g, in_haiyan).community_code == "330402103201");
    // The wrong town of the right county: the county's village.
    CHECK(parse("海盐县沈荡镇横港村1组3号", g, in_nanhu).community_code == "330424102201");
    CHECK(parse("海盐县人民路5号", g, in_nanhu).town_code == "330424102000");
    // Nothing written above it: the point.
    CHECK(parse("横港村1组3号", g, in_haiyan).community_code == "330424102201");
    CHECK(parse("横港村1组3号", g, in_nanhu).community_code == "330402103201");
    CHECK(parse("人民路5号", g, in_haiyan).key_plate == "330424102000|人民路|5");
    CHECK(parse("人民路5号", g, in_nanhu).key_plate == "330402103000|人民路|5");
}

TEST_CASE("a natural village found in two villages of its town is not placed in either, and the address says so") {
    Gazetteer g;
    for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
             {"330000000000", "浙江省"}, {"330400000000", "嘉兴市"}, {"330482000000", "平湖市"}, {"330482102000", "新埭镇"},
             {"330482102201", "甲村村民委员会"}, {"330482102202", "乙村村民委员会"}, {"330482101000", "乍浦镇"}, {"330482101201", "丙村村民委员会"}}) {
        g.add_division(code, name, true);
    }
    g.add_road("1", "张家浜", "330482102201", Level::hamlet);
    g.add_road("2", "张家浜", "330482102202", Level::hamlet);
    g.add_road("3", "李家埭", "330482102201", Level::hamlet);
    g.add_road("4", "李家埭", "330482101201", Level::hamlet); // the same name, another town
    const auto two = parse("新埭镇张家浜5号", g);
    CHECK(two.community_code.empty());
    CHECK_THAT(joined(two.notes), Catch::Contains("in 2 villages of its town"));
    const auto one = parse("新埭镇李家埭5号", g);
    CHECK(one.community_code == "330482102201");
    CHECK(one.key_plate == "330482102000|甲村/李家埭|5");
    const auto written = parse("新埭镇乙村张家浜5号", g);
    CHECK(written.key_plate == "330482102000|乙村/张家浜|5");
}
