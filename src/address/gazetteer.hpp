#pragma once
// The names the parser knows: divisions (with their short forms), registered roads,
// natural villages and compounds, former names and aliases. A trie over code points answers
// "which known names start here", longest first. Built once, then shared read-only by every
// parsing thread.

#include "address/components.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace diming::store {
class Database;
}
namespace diming::pinyin {
class Romanizer;
}

namespace diming::address {

enum class Via : std::uint8_t { standard, short_form, former_name, alias };

struct GazetteerEntry {
    Level level;            // province..community for divisions; hamlet, road or compound for place names
    std::string canonical;  // the current standard form as written in addresses (当湖街道, 人民路)
    std::string code;       // division code, or place_names.id
    std::string parent_code; // division: its parent; place name: the division it lies in
    std::string town_code;  // the town it lies in ("" above town level)
    Via via = Via::standard;
    std::string written;    // the name that matched when via is not standard (the former name…)
    bool local = true;      // from the registry, not from the national supplement
};

struct GazetteerMatch {
    int length; // code points
    const std::vector<GazetteerEntry>* entries;
};

// The known names starting at one position, longest first (no allocation: the parser asks at
// every character of a name).
struct GazetteerMatches {
    static constexpr int capacity = 32;
    std::array<GazetteerMatch, capacity> items{};
    int count = 0;
    const GazetteerMatch* begin() const noexcept { return items.data(); }
    const GazetteerMatch* end() const noexcept { return items.data() + count; }
    bool empty() const noexcept { return count == 0; }
};

class Gazetteer {
public:
    Gazetteer();

    // Registry contents: divisions, place names, their history and aliases.
    static Gazetteer from_database(const store::Database& db);

    void add(std::u32string_view name, GazetteerEntry entry);
    // A division with its official name, address form and short forms (当湖街道 -> 当湖).
    void add_division(const std::string& code, const std::string& official_name, bool local);
    // Every province, prefecture and county (data/divisions/china_counties.csv) or town
    // (china_towns.csv) of China, below the registry's own divisions.
    void add_national_divisions(const std::filesystem::path& csv);
    void add_road(const std::string& id, const std::string& name, const std::string& division_code,
                  Level level = Level::road);
    void add_former_name(const std::string& former, const std::string& place_name_id, Via via);

    // Known names starting at text[pos], longest first.
    GazetteerMatches matches_at(const std::u32string& text, std::size_t pos) const;

    // Builds the homophone index of road names; call once after the last add (from_database does).
    void index_pinyin(const pinyin::Romanizer& romanizer);

    // Registered road names an unknown one may stand for: the same pinyin, or one edit away.
    std::vector<RoadCandidate> road_candidates(const std::string& unknown, const pinyin::Romanizer& romanizer) const;

    // The town a division code lies in ("" if above town level or unknown).
    std::string town_of(const std::string& division_code) const;
    // A division's name as addresses write it (星光村), "" if unknown.
    std::string division_name(const std::string& division_code) const;
    // Where a registry division lies (the centre of its extent, EPSG:4490), for telling
    // namesakes apart by a record's point; nullopt without a boundary.
    std::optional<std::pair<double, double>> division_centre(const std::string& division_code) const;
    void set_division_centre(const std::string& division_code, double lon, double lat);
    std::size_t size() const noexcept { return entries_.size(); }

private:
    struct Node {
        std::int32_t entries = -1; // index into entries_
    };
    std::vector<Node> nodes_;
    std::unordered_map<std::uint64_t, std::uint32_t> edges_; // (node << 32 | code point) -> child
    std::vector<std::vector<GazetteerEntry>> entries_;
    std::size_t longest_ = 0;

    std::vector<std::string> road_names_;
    std::unordered_map<std::string, GazetteerEntry> place_entry_; // place_names.id -> its standard entry
    std::unordered_map<std::string, std::string> division_parent_;
    std::unordered_map<std::string, int> division_level_;
    std::unordered_map<std::string, std::string> division_name_;
    std::unordered_map<std::string, std::pair<double, double>> division_centre_;
    std::unordered_map<std::string, std::vector<std::size_t>> roads_by_pinyin_;
    std::unordered_map<std::u32string, std::vector<std::size_t>> roads_by_deletion_;
};

} // namespace diming::address
