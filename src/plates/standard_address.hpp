#pragma once
// The standard address of a plate, written the way the registry writes it:
// 省 市 县 乡镇街道 + (路 | 村 自然村) + 号(附号) + 小区 + 幢 + 单元 + 室,
// e.g. 浙江省嘉兴市平湖市当湖街道人民路12-1号芦和府3幢1单元101室.

#include <optional>
#include <string>

namespace diming::store {
class Database;
}

namespace diming::plates {

struct AddressParts {
    std::string town_code;          // 12 digits
    std::string place;              // the road, or the village for rural plates
    std::string hamlet;             // natural village or group (rural)
    std::optional<int> number;
    std::string suffix;             // 附号: "1" of 12-1
    std::string compound, building, unit, room;
};

// Throws refusal (not_found) if the town is not in the registry's divisions.
std::string standard_address(store::Database& db, const AddressParts& parts);

// "12-1号" for number 12 with suffix 1; "" without a number.
std::string number_text(std::optional<int> number, const std::string& suffix);

} // namespace diming::plates
