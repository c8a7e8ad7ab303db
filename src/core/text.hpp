#pragma once
// UTF-8 checks shared by every reader of outside text (CSV rows, HTTP queries, CLI args).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace diming::text {

// Byte offset of the first invalid UTF-8 sequence, or nullopt when the text is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view s) noexcept;

inline bool is_valid_utf8(std::string_view s) noexcept { return !first_invalid_utf8(s); }

// Number of Unicode code points (s must be valid UTF-8).
std::size_t code_points(std::string_view s) noexcept;

// s with trailing/leading ASCII and ideographic (U+3000) spaces removed.
std::string trim(std::string_view s);

// The first character that must not stand in a name, designation or label: a C0 control
// (U+0000-U+001F), DEL (U+007F), or a bidirectional control (U+202A-U+202E, U+2066-U+2069)
// that makes text display other than it is stored. free_text allows line feed and tab.
// Returns the code point, or nullopt when there is none (or the text is not valid UTF-8).
std::optional<char32_t> first_control_character(std::string_view s, bool free_text = false) noexcept;
// "U+001B" for messages.
std::string code_point_name(char32_t c);

} // namespace diming::text

namespace diming::text {

// UTF-8 <-> code points (an invalid sequence becomes U+FFFD).
std::u32string to_u32(std::string_view utf8);
std::string to_utf8(std::u32string_view s);

// The code points of valid UTF-8 text, each as a view into s.
std::vector<std::string_view> split_code_points(std::string_view s);

// Escapes & < > " for XML and HTML text and attribute values.
std::string xml_escape(std::string_view s);

} // namespace diming::text
