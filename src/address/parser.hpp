#pragma once
// The address parser: free text in, AddressComponents out. Known names come from the
// gazetteer (longest match wins); unknown ones from the suffix grammar (…路, …村, …幢).
// Never throws for content: invalid UTF-8 and oversized input raise address_error, which
// parse_or_error() turns into an AddressComponents with an error note instead.

#include "address/components.hpp"
#include "address/gazetteer.hpp"
#include "address/normalize.hpp"

#include <optional>
#include <string_view>

namespace diming::pinyin {
class Romanizer;
}

namespace diming::address {

struct ParseOptions {
    // Offer registered road names for unknown ones (costs a pinyin lookup per unknown road).
    bool road_candidates = true;
    // Where the record lies (longitude, latitude in EPSG:4490), when known: of two registered
    // places of the same name that the divisions written do not tell apart, the nearer.
    std::optional<std::pair<double, double>> near;
};

// Throws address_error for invalid UTF-8 or input over max_input_bytes.
AddressComponents parse(std::string_view text, const Gazetteer& gazetteer, const ParseOptions& options = {});

} // namespace diming::address
