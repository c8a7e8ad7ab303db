#pragma once
// Names for the sample: road names unique in the city and never homophones of one another
// (as the naming rules require), compound and natural-village names, and the typos a police
// clerk makes (a homophone or a look-alike character).

#include "sample/random.hpp"

#include <filesystem>
#include <map>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace diming::sample {

struct RoadName {
    std::string name;     // 人民东路
    std::string pinyin;   // Renmin Donglu
    std::string category; // D-ROAD, D-STREET, D-LANE
};

struct HamletName {
    std::string name;   // 杨家浜 or 3组
    std::string pinyin; // Yangjiabang ("" for a group)
    bool group = false;
};

enum class TypoKind { homophone, shape };

class Names {
public:
    Names(const std::filesystem::path& data_dir, Random& rng);

    // The next unused road name; throws when the name space is exhausted.
    RoadName next_road();
    // A name that was once a road's and is nobody's now (for renamed roads).
    RoadName next_former_name();
    // A compound (小区) name unique in the city, e.g. 景秀花园.
    std::string next_compound(Random& rng);
    // A natural-village name or group number not yet used in `taken`.
    HamletName next_hamlet(Random& rng, std::set<std::string>& taken, int& next_group);

    // `name` with one character of its proper part replaced by a homophone or a look-alike,
    // such that the result is no road name diming could have issued; nullopt if it has no
    // replaceable character.
    std::optional<std::string> typo(const std::string& name, std::size_t proper_chars, Random& rng, TypoKind& kind) const;

    std::size_t road_names_left() const noexcept { return next_ < last_ ? last_ - next_ : 0; }

private:
    std::vector<RoadName> candidates_;      // in issue order
    std::unordered_set<std::string> all_names_;
    std::set<std::string> used_pinyin_;     // lower-case letters only
    std::size_t next_ = 0, last_ = 0;       // issue from the front, former names from the back
    // Past the two-character stems (a city's worth of plates): three-character stems, made in
    // a fixed order as needed, so that the smaller samples stay exactly as they were.
    std::vector<std::pair<std::string, std::string>> chars_; // character, pinyin
    std::uint64_t three_ = 0;
    std::optional<RoadName> next_three_character();
    std::vector<std::string> compound_stems_, compound_generics_;
    std::set<std::string> used_compounds_;
    std::vector<std::pair<std::string, std::string>> surnames_, hamlet_generics_;
    std::map<std::string, std::vector<std::string>> homophones_, shape_alikes_;

    std::optional<RoadName> take(std::size_t index);
};

// Place-name pinyin of syllables joined into one word: capitalised first letter, an
// apostrophe before a non-initial syllable that starts with a, o or e (长安 -> Chang'an).
std::string join_syllables(const std::vector<std::string>& syllables);
// Lower-case letters only ("Chang'an Lu" -> "changanlu"): the homophone key.
std::string pinyin_key(const std::string& pinyin);

// 12 -> 十二, 103 -> 一百零三, 201 -> 二百零一, 30 -> 三十.
std::string chinese_numeral(int n);
// ASCII digits -> full-width digits (０-９).
std::string fullwidth_digits(const std::string& s);

} // namespace diming::sample
