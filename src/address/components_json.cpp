#include "address/components_json.hpp"

namespace diming::address {

nlohmann::json to_json(const AddressComponents& a) {
    nlohmann::json components = nlohmann::json::array();
    for (const auto& c : a.components) {
        components.push_back({{"level", to_string(c.level)},
                              {"text", c.text},
                              {"source", c.source},
                              {"span", {c.span.begin, c.span.end}},
                              {"how", c.how}});
    }
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : a.road_candidates) candidates.push_back({{"name", c.name}, {"score", c.score}, {"reason", c.reason}});
    return {{"input", a.input},
            {"normalized", a.normalized},
            {"components", components},
            {"suffix", a.suffix},
            {"leftover", a.leftover},
            {"town_code", a.town_code},
            {"community_code", a.community_code},
            {"keys", {{"road", a.key_road}, {"plate", a.key_plate}, {"building", a.key_building}, {"room", a.key_room}}},
            {"road_candidates", candidates},
            {"notes", a.notes}};
}

} // namespace diming::address
