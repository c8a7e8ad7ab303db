#pragma once
// China's 12-digit statistical division codes (统计用区划代码): PP CC DD TTT VVV —
// province, prefecture city, county, town/subdistrict, community/village. A code carries
// its own level and its parent, so neither needs to be trusted from a file.

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace diming::division {

enum class Level { province = 1, city = 2, county = 3, town = 4, community = 5 };

std::string_view to_string(Level level) noexcept;

class DivisionCode {
public:
    // Throws input_error with the reason when `text` is not a well-formed 12-digit code.
    static DivisionCode parse(std::string_view text);
    // The reason `text` is not a code, or nullopt when it is one.
    static std::optional<std::string> why_invalid(std::string_view text);

    const std::string& str() const noexcept { return code_; }
    Level level() const noexcept { return level_; }
    // The enclosing division; nullopt for a province.
    std::optional<DivisionCode> parent() const;

    friend bool operator==(const DivisionCode&, const DivisionCode&) = default;

private:
    DivisionCode(std::string code, Level level) : code_{std::move(code)}, level_{level} {}
    std::string code_;
    Level level_;
};

// What kind of division a named row is: 'subdistrict' (街道), 'town' (镇), 'township' (乡),
// 'community' (社区居委会), 'village' (村民委员会), or the level's name above town.
std::string kind_of(const DivisionCode& code, std::string_view official_name);

// The name as written in addresses: 水洞埭社区居委会 -> 水洞埭社区, 三北村村民委员会 -> 三北村.
std::string short_name(std::string_view official_name);

} // namespace diming::division
