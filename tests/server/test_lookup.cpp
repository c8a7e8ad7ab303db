// Name lookup and geocoding through a real `diming serve` on 127.0.0.1.

#include <catch2/catch.hpp>

#include "registry_fixture.hpp"
#include "store/database.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <nlohmann/json.hpp>

using namespace diming::testing;
using nlohmann::json;

namespace {

struct Served : ServedRegistry {
    Served() { serve({"--access-log", (dir / "access.log").string()}); }
    json names(const std::string& query) const { return get_json("/api/v1/names?" + query); }
};

std::vector<std::string> hit_names(const json& result) {
    std::vector<std::string> out;
    for (const auto& h : result["hits"]) out.push_back(h["name"]);
    return out;
}

std::string q(const std::string& text) { return "q=" + url_encode(text); }

} // namespace

TEST_CASE("name search ranks exact, prefix, substring") {
    Served s;
    auto r = s.names(q("人民路"));
    CHECK(hit_names(r) == std::vector<std::string>{"人民路", "新人民路"});
    CHECK(r["hits"][0]["match"] == "exact");
    CHECK(r["hits"][1]["match"] == "substring");

    // Two characters: below the trigram index, through the name index and a scan.
    r = s.names(q("人民"));
    CHECK(hit_names(r) == std::vector<std::string>{"人民路", "人民东路", "新人民路"});
    CHECK(r["hits"][0]["match"] == "prefix");
    CHECK(r["hits"][2]["match"] == "substring");

    r = s.names(q("民东路"));
    CHECK(hit_names(r) == std::vector<std::string>{"人民东路"});

    r = s.names(q("人民") + "&limit=1&offset=1");
    CHECK(hit_names(r) == std::vector<std::string>{"人民东路"});
    CHECK(r["more"] == true);

    CHECK(s.names(q("不存在的路"))["hits"].empty());
}

TEST_CASE("name search by pinyin, initials, former name and alias") {
    Served s;
    auto r = s.names("q=renminlu");
    CHECK(hit_names(r) == std::vector<std::string>{"人民路"});
    CHECK(r["hits"][0]["match"] == "pinyin");

    r = s.names("q=Renmin%20Lu");
    CHECK(hit_names(r) == std::vector<std::string>{"人民路"});

    r = s.names("q=rml");
    CHECK(hit_names(r) == std::vector<std::string>{"人民路"});
    CHECK(r["hits"][0]["match"] == "initials");

    r = s.names("q=rm");
    CHECK(hit_names(r) == std::vector<std::string>{"人民路", "人民东路"});

    r = s.names(q("chang'an"));
    CHECK(hit_names(r) == std::vector<std::string>{"长安路"});

    r = s.names(q("胜利路"));
    REQUIRE(r["hits"].size() == 1);
    CHECK(r["hits"][0]["name"] == "长安路");
    CHECK(r["hits"][0]["match"] == "former");
    CHECK(r["hits"][0]["former_name"] == "胜利路");

    r = s.names(q("老东街"));
    REQUIRE(r["hits"].size() == 1);
    CHECK(r["hits"][0]["name"] == "人民东路");
    CHECK(r["hits"][0]["match"] == "alias");

    // A current name outranks a former one.
    r = s.names(q("路"));
    CHECK(r["hits"].size() == 4);
}

TEST_CASE("name search near a point, in a box, town and category") {
    Served s;
    // Near 长安路 in 乍浦: it comes first, then 新人民路 1.1 km south; 当湖's roads later.
    auto r = s.names("near=121.085,30.6205&limit=3");
    REQUIRE(r["hits"].size() == 3);
    CHECK(r["hits"][0]["name"] == "长安路");
    CHECK(r["hits"][0]["distance_m"].get<double>() == Approx(55.4).margin(1.0));
    CHECK(r["hits"][1]["name"] == "新人民路");
    CHECK(r["hits"][1]["distance_m"].get<double>() == Approx(1163).margin(15));

    // With q, near orders the matches by distance.
    r = s.names(q("人民") + "&near=121.085,30.61");
    CHECK(hit_names(r) == std::vector<std::string>{"新人民路", "人民东路", "人民路"});

    r = s.names("bbox=121.07,30.6,121.1,30.63");
    CHECK(hit_names(r) == std::vector<std::string>{"新人民路", "长安路"});
    r = s.names(q("人民") + "&bbox=121.07,30.6,121.1,30.63");
    CHECK(hit_names(r) == std::vector<std::string>{"新人民路"});

    r = s.names(q("人民") + "&town=" + url_encode("乍浦镇"));
    CHECK(hit_names(r) == std::vector<std::string>{"新人民路"});
    r = s.names(q("人民") + "&town=330482001");
    CHECK(hit_names(r) == std::vector<std::string>{"人民路", "人民东路"});

    r = s.names("category=222");
    CHECK(hit_names(r) == std::vector<std::string>{"朱家浜"});
    r = s.names("status=proposed");
    CHECK(r["hits"].empty());
}

TEST_CASE("an address in the name search is searched by its road") {
    Served s;
    auto r = s.names(q("人民路12号"));
    CHECK(r["searched"] == "人民路");
    CHECK(r["number"] == "12");
    CHECK(hit_names(r).front() == "人民路");
}

TEST_CASE("a name's full record has its geometry and history") {
    Served s;
    auto r = s.get_json("/api/v1/names/4");
    CHECK(r["name"] == "长安路");
    CHECK(r["pinyin"] == "Chang'an Lu");
    CHECK(r["category"]["code"] == "D-ROAD");
    CHECK(r["town"]["name"] == "乍浦镇");
    CHECK(r["geometry"]["type"] == "LineString");
    CHECK(r["geometry"]["coordinates"].size() == 2);
    REQUIRE(r["renamings"].size() == 1);
    CHECK(r["renamings"][0]["former_name"] == "胜利路");
    CHECK(r["renamings"][0]["decision_doc"] == "平政地〔2015〕3号");
    CHECK(r["door_plates"] == 1);
    CHECK(s.get_json("/api/v1/names/4/history")["renamings"].size() == 1);
    CHECK(s.get_json("/api/v1/names/1")["meaning"] == "以人民命名");
    CHECK(s.get_json("/api/v1/names/999", 404)["error"] == "not_found");
    CHECK(s.get_json("/api/v1/names/abc", 404)["error"] == "not_found");
}

TEST_CASE("geocoding finds the plate for variant spellings") {
    Served s;
    auto geocode = [&](const std::string& text) { return s.get_json("/api/v1/addresses?" + q(text)); };
    for (const std::string text : {"平湖市当湖街道人民路12号", "人民路１２号", "人民路十二号", "浙江省嘉兴市平湖市人民路12号", "当湖人民路12号"}) {
        INFO(text);
        auto r = geocode(text);
        REQUIRE(!r["hits"].empty());
        CHECK(r["hits"][0]["level"] == "plate");
        CHECK(r["hits"][0]["door_plate_id"] == 4);
        CHECK(r["hits"][0]["score"] == 1.0);
        CHECK(r["hits"][0]["point"][0].get<double>() == Approx(121.0060));
    }
    auto r = geocode("人民路12号1幢1单元101室");
    CHECK(r["hits"][0]["level"] == "room");
    CHECK(r["hits"][0]["door_plate_id"] == 6);
    r = geocode("人民路12号1幢");
    CHECK(r["hits"][0]["level"] == "building");
    CHECK(r["hits"][0]["door_plate_id"] == 5);

    // A former road name still finds today's plate, and says so.
    r = geocode("胜利路5号");
    CHECK(r["hits"][0]["standard_address"] == "浙江省嘉兴市平湖市乍浦镇长安路5号");
    CHECK(r["hits"][0]["notes"][0].get<std::string>().find("胜利路") != std::string::npos);

    // No such number: the road, with the neighbours on that side.
    r = geocode("人民路8号");
    CHECK(r["hits"][0]["level"] == "road");
    CHECK(r["hits"][0]["score"].get<double>() < 0.5);
    CHECK(r["hits"][0]["notes"][0].get<std::string>().find("2, 12") != std::string::npos);

    CHECK(s.get_json("/api/v1/addresses", 400)["field"] == "q");
}

TEST_CASE("reverse geocoding returns the nearest plates and the road") {
    Served s;
    auto r = s.get_json("/api/v1/addresses/reverse?lon=121.00101&lat=30.70011&radius=50");
    REQUIRE(!r["plates"].empty());
    CHECK(r["plates"][0]["door_plate_id"] == 1);
    CHECK(r["plates"][0]["distance_m"].get<double>() < 3);
    for (std::size_t i = 1; i < r["plates"].size(); ++i) {
        CHECK(r["plates"][i]["distance_m"].get<double>() >= r["plates"][i - 1]["distance_m"].get<double>());
        CHECK(r["plates"][i]["distance_m"].get<double>() <= 50);
    }
    CHECK(r["road"]["place"]["name"] == "人民路");
    CHECK(r["road"]["distance_m"].get<double>() == Approx(12.2).margin(1));
    CHECK(r["road"]["point"][1].get<double>() == Approx(30.700));

    r = s.get_json("/api/v1/addresses/reverse?lon=121.3&lat=30.9&radius=100");
    CHECK(r["plates"].empty());
    CHECK(r["road"].is_null());
    CHECK(s.get_json("/api/v1/addresses/reverse?lon=121.3&lat=30.9&radius=99999", 400)["field"] == "radius");
}

TEST_CASE("search finds towns and communities, compounds and their buildings, homophones and one-character typos, former names by pinyin") {
    ServedRegistry s;
    {
        // 人民路12号 becomes the gate of a compound, its building and room inside it.
        auto db = diming::store::Database::open(s.db, diming::store::Access::read_write);
        db.exec("UPDATE door_plates SET compound = '翠苑小区' WHERE id IN (4, 5, 6)");
    }
    s.serve({"--access-log", ""});
    auto search = [&](const std::string& q) { return s.get_json("/api/v1/names?q=" + url_encode(q)); };

    // Towns and communities by name, by the name written in addresses, by code.
    const std::string town = s.text("SELECT name FROM divisions WHERE code = '330482001000'");
    const std::string community = s.text("SELECT short_name FROM divisions WHERE level = 5 AND parent_code = '330482001000' ORDER BY code LIMIT 1");
    const std::string community_code = s.text("SELECT code FROM divisions WHERE level = 5 AND parent_code = '330482001000' ORDER BY code LIMIT 1");
    for (const auto& [q, code, match] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {town, "330482001000", "exact"}, {"330482001", "330482001000", "code"}, {"330482001000", "330482001000", "code"},
             {community, community_code, "exact"}, {"乍浦镇", "330482101000", "exact"}}) {
        INFO(q);
        const auto r = search(q);
        REQUIRE(!r["divisions"].empty());
        CHECK(r["divisions"][0]["code"] == code);
        CHECK(r["divisions"][0]["match"] == match);
    }

    // A compound alone, and one of its buildings.
    auto compound = search("翠苑小区");
    REQUIRE(compound["compounds"].size() == 1);
    CHECK(compound["compounds"][0]["compound"] == "翠苑小区");
    CHECK(compound["compounds"][0]["road"]["name"] == "人民路");
    CHECK(compound["compounds"][0]["plates"] == 3);
    CHECK(compound["compounds"][0]["door_plate_id"] == 4);
    CHECK(search("翠苑")["compounds"].size() == 1); // by its beginning
    auto building = search("翠苑小区1幢");
    REQUIRE(building["compounds"].size() == 1);
    CHECK(building["compounds"][0]["building"] == "1");
    CHECK(building["compounds"][0]["door_plate_id"] == 5);
    CHECK(search("翠苑小区9幢")["compounds"].empty());
    // An address of a compound without its road resolves to the compound's plates.
    auto room = s.get_json("/api/v1/addresses?q=" + url_encode("翠苑小区1幢1单元101室"));
    REQUIRE(!room["hits"].empty());
    CHECK(room["hits"][0]["level"] == "room");
    CHECK(room["hits"][0]["door_plate_id"] == 6);
    auto block = s.get_json("/api/v1/addresses?q=" + url_encode("翠苑小区1幢"));
    REQUIRE(!block["hits"].empty());
    CHECK(block["hits"][0]["door_plate_id"] == 5);

    // A homophone and a one-character typo find the name, ranked below exact hits and flagged.
    auto homophone = search("仁民路"); // ren min lu
    REQUIRE(!homophone["hits"].empty());
    CHECK(homophone["hits"][0]["name"] == "人民路");
    CHECK(homophone["hits"][0]["match"] == "homophone");
    CHECK(homophone["hits"][0]["fuzzy"] == true);
    auto typo = search("人明东路"); // one character wrong (and not a homophone: ming)
    REQUIRE(!typo["hits"].empty());
    CHECK(typo["hits"][0]["name"] == "人民东路");
    CHECK(typo["hits"][0]["match"] == "typo");
    auto exact = search("人民路");
    REQUIRE(!exact["hits"].empty());
    CHECK(exact["hits"][0]["match"] == "exact");
    for (const auto& h : exact["hits"]) CHECK_FALSE(h.contains("fuzzy")); // an exact hit: no guesses beside it
    CHECK(search("完全不存在的路名")["hits"].empty());

    // A former name by its pinyin.
    auto former = search("shengli");
    bool found = false;
    for (const auto& h : former["hits"]) found = found || (h["name"] == "长安路" && h["match"] == "former" && h["former_name"] == "胜利路");
    CHECK(found);
}
