#pragma once
// Text normalisation before parsing: NFKC through ICU (full-width to half-width), traditional
// to simplified characters, ASCII letters upper-cased, whitespace and most punctuation
// removed, dashes unified, '#' read as 号. Each output code point remembers which input code
// point it came from, so that components can report spans in the input.

#include "core/error.hpp"
#include "core/text.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace diming::address {

// The text given to the parser is not valid UTF-8 (or is too long).
class address_error : public diming::input_error {
public:
    using input_error::input_error;
};

struct NormalizedText {
    std::u32string input;    // the input as code points
    std::u32string text;
    std::vector<int> origin; // origin[i]: input code point index of text[i]
    int input_length = 0;   // code points in the input
};

// Throws address_error for invalid UTF-8 or input longer than max_input_bytes.
NormalizedText normalize(std::string_view utf8);

constexpr std::size_t max_input_bytes = 4096;

using text::to_u32;
using text::to_utf8;

} // namespace diming::address
