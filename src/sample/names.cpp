#include "sample/names.hpp"

#include "core/error.hpp"
#include "core/gdal.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace diming::sample {

namespace {

struct Form {
    const char* generic; // appended to the stem
    const char* pinyin;  // written as a separate word
    const char* category;
    double weight;
};

// Generics and their spelling: a one-syllable direction joins the generic (中山北路 Zhongshan Beilu).
constexpr Form forms[] = {
    {"路", "Lu", "D-ROAD", 6.0},         {"街", "Jie", "D-STREET", 2.0},      {"大道", "Dadao", "D-ROAD", 0.8},
    {"巷", "Xiang", "D-LANE", 1.5},      {"弄", "Nong", "D-LANE", 1.5},       {"东路", "Donglu", "D-ROAD", 0.5},
    {"西路", "Xilu", "D-ROAD", 0.5},     {"南路", "Nanlu", "D-ROAD", 0.5},    {"北路", "Beilu", "D-ROAD", 0.5},
    {"中路", "Zhonglu", "D-ROAD", 0.4},
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) { if (!cur.empty()) out.push_back(cur); cur.clear(); }
        else cur += c;
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

} // namespace

std::string join_syllables(const std::vector<std::string>& syllables) {
    std::string out;
    for (std::size_t i = 0; i < syllables.size(); ++i) {
        std::string s = syllables[i];
        if (s.empty()) continue;
        if (i > 0 && (s[0] == 'a' || s[0] == 'o' || s[0] == 'e')) out += '\'';
        out += s;
    }
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string pinyin_key(const std::string& pinyin) {
    std::string out;
    for (char c : pinyin) {
        if (std::isalpha(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string chinese_numeral(int n) {
    static const char* digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 0) return std::to_string(n);
    if (n < 10) return digits[n];
    std::string out;
    const int thousands = n / 1000, hundreds = (n / 100) % 10, tens = (n / 10) % 10, ones = n % 10;
    if (n >= 10000) return std::to_string(n); // door numbers stay below this
    bool zero_pending = false;
    if (thousands) out += std::string{digits[thousands]} + "千";
    if (hundreds) out += std::string{digits[hundreds]} + "百";
    else if (thousands && (tens || ones)) zero_pending = true;
    if (tens) {
        if (zero_pending) { out += "零"; zero_pending = false; }
        // 十二, not 一十二, when the number starts with its tens.
        if (!(tens == 1 && n < 20)) out += digits[tens];
        out += "十";
    } else if ((hundreds || thousands) && ones) {
        zero_pending = true;
    }
    if (ones) {
        if (zero_pending) out += "零";
        out += digits[ones];
    }
    return out;
}

std::string fullwidth_digits(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            // U+FF10 + d: EF BC 90+d
            out += "\xEF\xBC";
            out += static_cast<char>(0x90 + (c - '0'));
        } else {
            out += c;
        }
    }
    return out;
}

Names::Names(const std::filesystem::path& data_dir, Random& rng) {
    const auto stems = gdal::read_csv_table(data_dir / "sample" / "road_stems.csv", {"stem", "pinyin"});
    const auto chars = gdal::read_csv_table(data_dir / "sample" / "name_chars.csv", {"char", "pinyin"});
    const auto parts = gdal::read_csv_table(data_dir / "sample" / "hamlet_parts.csv", {"kind", "text", "pinyin"});
    const auto confusables = gdal::read_csv_table(data_dir / "sample" / "confusables.csv", {"char", "homophones", "shape_alikes"});

    // Every (stem, form) with a weighted random key (Efraimidis-Spirakis): curated stems
    // mostly come first, and plain 路 more often than the rest.
    struct Keyed { double key; RoadName name; };
    std::vector<Keyed> keyed;
    auto add_stem = [&](const std::string& stem, const std::string& pinyin, double stem_weight) {
        for (const auto& f : forms) {
            RoadName r{stem + f.generic, pinyin + " " + f.pinyin, f.category};
            const double u = std::max(rng.uniform(), 1e-300);
            keyed.push_back({std::log(u) / (stem_weight * f.weight), std::move(r)});
        }
    };
    for (const auto& row : stems.rows) add_stem(row[stems.column("stem")], row[stems.column("pinyin")], 400.0);
    for (const auto& a : chars.rows) chars_.emplace_back(a[0], a[1]);
    for (const auto& a : chars.rows) {
        for (const auto& b : chars.rows) {
            if (a[0] == b[0]) continue;
            add_stem(a[0] + b[0], join_syllables({a[1], b[1]}), 1.0);
        }
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& x, const Keyed& y) { return x.key > y.key; });
    for (auto& k : keyed) {
        all_names_.insert(k.name.name);
        candidates_.push_back(std::move(k.name));
    }
    last_ = candidates_.size();

    for (const auto& row : parts.rows) {
        const std::string& kind = row[parts.column("kind")];
        const std::string& text = row[parts.column("text")];
        const std::string& pinyin = row[parts.column("pinyin")];
        if (kind == "surname") surnames_.emplace_back(text, pinyin);
        else if (kind == "generic") hamlet_generics_.emplace_back(text, pinyin);
        else if (kind == "compound") compound_generics_.push_back(text);
    }
    for (const auto& a : chars.rows) {
        for (const auto& b : chars.rows) {
            if (a[0] != b[0]) compound_stems_.push_back(a[0] + b[0]);
        }
    }
    for (const auto& row : confusables.rows) {
        homophones_[row[0]] = split(row[1], '|');
        shape_alikes_[row[0]] = split(row[2], '|');
    }
}

std::optional<RoadName> Names::take(std::size_t index) {
    RoadName& r = candidates_[index];
    if (!used_pinyin_.insert(pinyin_key(r.pinyin)).second) return std::nullopt; // a homophone of one already issued
    return r;
}

RoadName Names::next_road() {
    while (next_ < last_) {
        if (auto r = take(next_++)) return *r;
    }
    if (auto r = next_three_character()) return *r;
    throw error{"sample: the road-name space is exhausted; ask for fewer plates"};
}

RoadName Names::next_former_name() {
    while (last_ > next_) {
        if (auto r = take(--last_)) return *r;
    }
    if (auto r = next_three_character()) return *r;
    throw error{"sample: the road-name space is exhausted; ask for fewer plates"};
}

std::optional<RoadName> Names::next_three_character() {
    const std::uint64_t n = chars_.size(), forms_count = std::size(forms);
    const std::uint64_t space = n * n * n * forms_count;
    // A stride prime to the space walks it all, spreading consecutive names over the stems.
    constexpr std::uint64_t stride = 7919;
    while (three_ < space) {
        const std::uint64_t i = (three_++ * stride) % space;
        const auto& f = forms[i % forms_count];
        const auto& a = chars_[(i / forms_count) % n];
        const auto& b = chars_[(i / forms_count / n) % n];
        const auto& c = chars_[(i / forms_count / n / n) % n];
        if (a.first == b.first || b.first == c.first || a.first == c.first) continue;
        RoadName r{a.first + b.first + c.first + f.generic, join_syllables({a.second, b.second, c.second}) + " " + f.pinyin, f.category};
        if (all_names_.contains(r.name) || !used_pinyin_.insert(pinyin_key(r.pinyin)).second) continue;
        all_names_.insert(r.name);
        return r;
    }
    return std::nullopt;
}

std::string Names::next_compound(Random& rng) {
    for (int tries = 0; tries < 1000; ++tries) {
        std::string name = rng.pick(compound_stems_) + rng.pick(compound_generics_);
        if (!all_names_.contains(name) && used_compounds_.insert(name).second) return name;
    }
    // Past the simple combinations, number them as developers do (景秀花园二期).
    for (int phase = 2;; ++phase) {
        std::string name = rng.pick(compound_stems_) + rng.pick(compound_generics_) + chinese_numeral(phase) + "期";
        if (used_compounds_.insert(name).second) return name;
    }
}

HamletName Names::next_hamlet(Random& rng, std::set<std::string>& taken, int& next_group) {
    if (rng.chance(0.6)) {
        for (int tries = 0; tries < 50; ++tries) {
            const auto& [sur, sur_py] = rng.pick(surnames_);
            const auto& [gen, gen_py] = rng.pick(hamlet_generics_);
            std::string name = sur + "家" + gen;
            if (taken.insert(name).second) return {name, join_syllables({sur_py, "jia", gen_py}), false};
        }
    }
    std::string name = std::to_string(next_group++) + "组";
    taken.insert(name);
    return {name, "", true};
}

std::optional<std::string> Names::typo(const std::string& name, std::size_t proper_chars, Random& rng, TypoKind& kind) const {
    const auto cps = text::split_code_points(name);
    std::vector<std::pair<std::size_t, TypoKind>> options;
    for (std::size_t i = 0; i < std::min(proper_chars, cps.size()); ++i) {
        const std::string c{cps[i]};
        if (auto it = homophones_.find(c); it != homophones_.end() && !it->second.empty()) options.emplace_back(i, TypoKind::homophone);
        if (auto it = shape_alikes_.find(c); it != shape_alikes_.end() && !it->second.empty()) options.emplace_back(i, TypoKind::shape);
    }
    while (!options.empty()) {
        const std::size_t k = rng.below(options.size());
        const auto [pos, what] = options[k];
        const auto& pool = (what == TypoKind::homophone ? homophones_ : shape_alikes_).at(std::string{cps[pos]});
        std::string out;
        for (std::size_t i = 0; i < cps.size(); ++i) out += i == pos ? rng.pick(pool) : std::string{cps[i]};
        if (!all_names_.contains(out)) {
            kind = what;
            return out;
        }
        options.erase(options.begin() + static_cast<std::ptrdiff_t>(k));
    }
    return std::nullopt;
}

} // namespace diming::sample
