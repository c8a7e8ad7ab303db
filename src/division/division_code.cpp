#include "division/division_code.hpp"

#include <algorithm>
#include <array>

namespace diming::division {

namespace {

// Segment boundaries in the 12-digit code: [begin, end) for levels 1..5.
constexpr std::array<std::pair<std::size_t, std::size_t>, 5> segments{{{0, 2}, {2, 4}, {4, 6}, {6, 9}, {9, 12}}};

bool all_zero(std::string_view s) { return std::ranges::all_of(s, [](char c) { return c == '0'; }); }

} // namespace

std::string_view to_string(Level level) noexcept {
    switch (level) {
    case Level::province: return "province";
    case Level::city: return "city";
    case Level::county: return "county";
    case Level::town: return "town";
    case Level::community: return "community";
    }
    return "unknown";
}

std::optional<std::string> DivisionCode::why_invalid(std::string_view text) {
    if (text.size() != 12) {
        return "'" + std::string{text} + "' is not a 12-digit division code (it has " + std::to_string(text.size()) +
               " characters)";
    }
    if (!std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; })) {
        return "'" + std::string{text} + "' is not a 12-digit division code (only digits are allowed)";
    }
    if (all_zero(text.substr(0, 2))) return "'" + std::string{text} + "' has province part 00";
    // Once a segment is zero, every lower one must be zero as well, except the county part of
    // a prefecture city with no counties (东莞 4419, 中山 4420: towns sit right under the city).
    const bool city_without_counties = !all_zero(text.substr(2, 2)) && all_zero(text.substr(4, 2)) && !all_zero(text.substr(6, 3));
    bool zero_seen = false;
    for (auto [b, e] : segments) {
        const bool zero = all_zero(text.substr(b, e - b)) && !(city_without_counties && b == 4);
        if (zero_seen && !zero) {
            return "'" + std::string{text} + "' has a non-zero part below a zero part (digits " + std::to_string(b + 1) +
                   "-" + std::to_string(e) + ")";
        }
        zero_seen = zero_seen || zero;
    }
    return std::nullopt;
}

DivisionCode DivisionCode::parse(std::string_view text) {
    if (auto why = why_invalid(text)) throw input_error{*why};
    int level = 5;
    while (level > 1 && all_zero(text.substr(segments[level - 1].first,
                                             segments[level - 1].second - segments[level - 1].first))) {
        --level;
    }
    return DivisionCode{std::string{text}, static_cast<Level>(level)};
}

std::optional<DivisionCode> DivisionCode::parent() const {
    if (level_ == Level::province) return std::nullopt;
    const auto [b, e] = segments[static_cast<int>(level_) - 1];
    std::string p = code_;
    std::fill(p.begin() + static_cast<std::ptrdiff_t>(b), p.begin() + static_cast<std::ptrdiff_t>(e), '0');
    return parse(p); // a town of a city without counties has the city as its parent

}

std::string kind_of(const DivisionCode& code, std::string_view name) {
    switch (code.level()) {
    case Level::province: return "province";
    case Level::city: return "city";
    case Level::county: return "county";
    case Level::town:
        if (name.ends_with("街道")) return "subdistrict";
        if (name.ends_with("乡")) return "township";
        return "town";
    case Level::community:
        // NBS rule: 001-199 residents' committees, 200-399 villagers' committees; the name decides
        // where a file disagrees with the rule.
        if (name.ends_with("村民委员会") || name.ends_with("村委会")) return "village";
        if (name.ends_with("居民委员会") || name.ends_with("居委会")) return "community";
        return code.str().substr(9, 1) >= "2" ? "village" : "community";
    }
    return "community";
}

std::string short_name(std::string_view name) {
    for (std::string_view suffix : {"村民委员会", "居民委员会", "村委会", "居委会"}) {
        if (name.ends_with(suffix) && name.size() > suffix.size()) {
            std::string_view stem = name.substr(0, name.size() - suffix.size());
            // 三北村村民委员会 -> 三北村; 某某村委会 without 村 before it -> 某某村
            if (suffix.starts_with("村") && !stem.ends_with("村")) return std::string{stem} + "村";
            return std::string{stem};
        }
    }
    return std::string{name};
}

} // namespace diming::division
