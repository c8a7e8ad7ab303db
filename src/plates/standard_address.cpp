#include "plates/standard_address.hpp"

#include "core/error.hpp"
#include "store/database.hpp"

namespace diming::plates {

std::string number_text(std::optional<int> number, const std::string& suffix) {
    if (!number) return {};
    return std::to_string(*number) + (suffix.empty() ? "" : "-" + suffix) + "号";
}

std::string standard_address(store::Database& db, const AddressParts& p) {
    // The town and its ancestors (county, city, province), from their codes.
    auto& s = db.cached(
        "SELECT (SELECT name FROM divisions WHERE code = substr(?1, 1, 2) || '0000000000'), "
        "(SELECT name FROM divisions WHERE code = substr(?1, 1, 4) || '00000000'), "
        "(SELECT name FROM divisions WHERE code = substr(?1, 1, 6) || '000000'), "
        "(SELECT name FROM divisions WHERE code = ?1 AND level = 4)");
    s.bind(1, p.town_code);
    s.step();
    if (s.is_null(3)) {
        s.reset();
        throw refusal{refusal::Kind::not_found, "no town " + p.town_code + " in the registry's divisions", "town_code"};
    }
    std::string out = s.column_text(0) + s.column_text(1) + s.column_text(2) + s.column_text(3);
    s.reset();
    out += p.place + p.hamlet + number_text(p.number, p.suffix) + p.compound;
    if (!p.building.empty()) out += p.building + "幢";
    if (!p.unit.empty()) out += p.unit + "单元";
    if (!p.room.empty()) out += p.room + "室";
    return out;
}

} // namespace diming::plates
