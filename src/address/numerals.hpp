#pragma once
// Chinese numerals in door, building and room numbers: 十二 -> 12, 一百零三 -> 103,
// 二〇一 -> 201 (read digit by digit), 三十 -> 30, 两 -> 2.

#include <optional>
#include <string_view>

namespace diming::address {

bool is_chinese_numeral(char32_t c) noexcept;
// The value of a whole run of numeral characters, or nullopt if it is not a well-formed number.
std::optional<int> chinese_numeral_value(std::u32string_view run) noexcept;

} // namespace diming::address
