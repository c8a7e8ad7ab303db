#include "address/numerals.hpp"

namespace diming::address {

namespace {

int digit_of(char32_t c) noexcept {
    switch (c) {
    case U'零': case U'〇': return 0;
    case U'一': return 1;
    case U'二': case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
    }
}

int multiplier_of(char32_t c) noexcept {
    switch (c) {
    case U'十': return 10;
    case U'百': return 100;
    case U'千': return 1000;
    default: return 0;
    }
}

} // namespace

bool is_chinese_numeral(char32_t c) noexcept { return digit_of(c) >= 0 || multiplier_of(c) > 0; }

std::optional<int> chinese_numeral_value(std::u32string_view run) noexcept {
    if (run.empty() || run.size() > 12) return std::nullopt;
    bool positional = false;
    for (char32_t c : run) {
        if (!is_chinese_numeral(c)) return std::nullopt;
        if (multiplier_of(c)) positional = true;
    }
    if (!positional) {
        // 二〇一: digits written out one by one; no door, building or room number has more than 6.
        if (run.size() > 6) return std::nullopt;
        int v = 0;
        for (char32_t c : run) v = v * 10 + digit_of(c);
        return v;
    }
    int total = 0, current = -1, last_multiplier = 100000;
    for (char32_t c : run) {
        if (const int m = multiplier_of(c)) {
            if (m >= last_multiplier) return std::nullopt; // 十百: out of order
            total += (current < 0 ? 1 : current) * m;       // 十二: a bare 十 is 10
            current = -1;
            last_multiplier = m;
        } else {
            const int d = digit_of(c);
            if (current > 0) return std::nullopt; // 二三 inside a positional number
            current = d;
        }
    }
    if (current > 0) total += current;
    return total;
}

} // namespace diming::address
