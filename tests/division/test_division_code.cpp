#include <catch2/catch.hpp>

#include "division/division_code.hpp"

using namespace diming::division;

TEST_CASE("a division code carries its level and parent") {
    struct Case { const char* code; Level level; const char* parent; };
    const Case cases[] = {
        {"330000000000", Level::province, ""},
        {"330400000000", Level::city, "330000000000"},
        {"330482000000", Level::county, "330400000000"},
        {"330482001000", Level::town, "330482000000"},
        {"330482108223", Level::community, "330482108000"},
        {"110101001001", Level::community, "110101001000"},
        {"441900003000", Level::town, "441900000000"}, // 东莞: towns right under the city
        {"441900003001", Level::community, "441900003000"},
    };
    for (const auto& c : cases) {
        INFO(c.code);
        const auto code = DivisionCode::parse(c.code);
        CHECK(code.level() == c.level);
        const auto parent = code.parent();
        CHECK((parent ? parent->str() : std::string{}) == c.parent);
    }
}

TEST_CASE("malformed division codes are refused with the reason") {
    struct Case { const char* code; const char* reason; };
    const Case cases[] = {
        {"330482", "12-digit"},
        {"3304820010011", "13 characters"},
        {"33048200100A", "only digits"},
        {"000482001001", "province part 00"},
        {"330000001000", "non-zero part below a zero part"},
        {"330482000001", "non-zero part below a zero part"},
        {"", "0 characters"},
        {"３３０４８２００１００１", "12-digit"}, // full-width digits are not a code
    };
    for (const auto& c : cases) {
        INFO(c.code);
        const auto why = DivisionCode::why_invalid(c.code);
        REQUIRE(why);
        CHECK_THAT(*why, Catch::Contains(c.reason));
        CHECK_THROWS_AS(DivisionCode::parse(c.code), diming::input_error);
    }
}

TEST_CASE("division names shorten to the form used in addresses") {
    CHECK(short_name("水洞埭社区居委会") == "水洞埭社区");
    CHECK(short_name("龙湫社区居民委员会") == "龙湫社区");
    CHECK(short_name("三北村村民委员会") == "三北村");
    CHECK(short_name("钟埭村村民委员会") == "钟埭村");
    CHECK(short_name("当湖街道") == "当湖街道");
    CHECK(short_name("乍浦镇") == "乍浦镇");
}

TEST_CASE("division kinds follow the name and the code") {
    CHECK(kind_of(DivisionCode::parse("330482001000"), "当湖街道") == "subdistrict");
    CHECK(kind_of(DivisionCode::parse("330482101000"), "乍浦镇") == "town");
    CHECK(kind_of(DivisionCode::parse("330482001001"), "水洞埭社区居委会") == "community");
    CHECK(kind_of(DivisionCode::parse("330482001201"), "三北村村民委员会") == "village");
}
