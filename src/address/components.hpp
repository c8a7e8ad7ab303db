#pragma once
// What the address parser makes of one address: its components with their character spans
// in the input, the normalised text, and canonical keys per level for blocking and exact
// matching.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diming::address {

// Standard address levels, in the order they appear in an address.
enum class Level : std::uint8_t {
    province,
    city,
    county,
    town,      // 乡镇街道
    community, // 社区 or administrative village 村
    hamlet,    // natural village 自然村 or group 组
    road,      // 街路巷
    number,    // door number 门牌号 (with its 附号 in `suffix`)
    compound,  // 小区 / POI
    building,  // 幢
    unit,      // 单元
    floor,     // 层
    room,      // 室
    // What locates or annotates rather than names the address; the geocoder may use them.
    devzone,      // 开发区, 工业园区
    subpoi,       // a place inside the compound or POI (its gate, a shop in a mall)
    assist,       // 附近, 对面, 旁边, a direction
    intersection, // 交叉口 after two roads (the second road is a second road component)
    distance,     // 50米
};
constexpr int level_count = 18;
const char* to_string(Level level) noexcept;

// Half-open range of code points in the input text.
struct Span {
    int begin = 0;
    int end = 0;
};

struct Component {
    Level level;
    std::string text;  // the normalised form: 当湖街道, 人民路, 12, 3, 301
    Span span;         // where it was in the input
    std::string source; // what was written there, verbatim
    // How it was recognised: "gazetteer", "short-form", "former-name", "alias", "grammar",
    // "number", "inferred" (from a known road or division, not written).
    std::string how;
};

// A registered road name that an unknown one may stand for ("never silently replaced").
struct RoadCandidate {
    std::string name;   // the registered (current) name
    double score;       // 0..1
    std::string reason; // "same pinyin (renminlu)", "one edit"
};

// A canonical key's parts: "town|place|number|building|unit|room" -> {town, place, …}
// (as many as the key has; the parser writes the keys).
std::vector<std::string> key_parts(const std::string& key);

struct AddressComponents {
    std::string input;      // as given
    std::string normalized; // NFKC, simplified, numerals as digits, punctuation removed
    std::vector<Component> components; // in input order
    std::string suffix;     // 附号 of the door number: "1" for 12-1
    std::string leftover;   // text no component claimed
    std::vector<RoadCandidate> road_candidates;
    std::vector<std::string> notes; // e.g. "road 胜利路 is a former name of 新华路"

    // Resolved through the gazetteer where possible.
    std::string town_code;
    std::string community_code;

    // Canonical keys: empty when the address does not reach that level.
    std::string key_road;
    std::string key_plate;
    std::string key_building;
    std::string key_room;

    const Component* get(Level level) const noexcept;
    // The text of the first component of the level, "" when absent. A road's value is the
    // street as the registry names it: the road and a lane numbered off it (某路169弄), which
    // the parser gives as two road components (the lane's `how` is "lane").
    std::string value(Level level) const;
};

} // namespace diming::address
