#include "core/text.hpp"

#include <cstdio>

#include <unicode/utf8.h>

namespace diming::text {

std::optional<std::size_t> first_invalid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    const auto n = static_cast<int32_t>(s.size());
    int32_t i = 0;
    while (i < n) {
        const int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        // U8_NEXT yields a negative value for ill-formed sequences (including surrogates).
        if (c < 0) return static_cast<std::size_t>(start);
    }
    return std::nullopt;
}

std::size_t code_points(std::string_view s) noexcept {
    std::size_t count = 0;
    for (unsigned char ch : s) {
        if ((ch & 0xC0) != 0x80) ++count;
    }
    return count;
}

std::string trim(std::string_view s) {
    static constexpr std::string_view ideographic_space = "\xE3\x80\x80";
    bool changed = true;
    while (changed && !s.empty()) {
        changed = false;
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
            s.remove_prefix(1);
            changed = true;
        }
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
            s.remove_suffix(1);
            changed = true;
        }
        if (s.starts_with(ideographic_space)) { s.remove_prefix(3); changed = true; }
        if (s.ends_with(ideographic_space)) { s.remove_suffix(3); changed = true; }
    }
    return std::string{s};
}

} // namespace diming::text

namespace diming::text {

std::vector<std::string_view> split_code_points(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

} // namespace diming::text

namespace diming::text {

std::string to_utf8(std::u32string_view s) {
    std::string out;
    out.reserve(s.size() * 3);
    for (char32_t c : s) {
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::u32string to_u32(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    const auto n = static_cast<int32_t>(s.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        out.push_back(c < 0 ? 0xFFFD : static_cast<char32_t>(c));
    }
    return out;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::optional<char32_t> first_control_character(std::string_view s, bool free_text) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x20 || b == 0x7F) {
            if (free_text && (b == '\n' || b == '\t')) continue;
            return static_cast<char32_t>(b);
        }
        // U+202A-U+202E are E2 80 AA..AE; U+2066-U+2069 are E2 81 A6..A9.
        if (b == 0xE2 && i + 2 < s.size()) {
            const auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
            if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return static_cast<char32_t>(0x2000 + (b2 - 0x80));
            if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return static_cast<char32_t>(0x2040 + (b2 - 0x80));
        }
    }
    return std::nullopt;
}

std::string code_point_name(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

} // namespace diming::text
