#include "address/parser.hpp"

#include "address/numerals.hpp"
#include "pinyin/romanizer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <optional>
#include <unordered_map>

namespace diming::address {

const char* to_string(Level level) noexcept {
    static constexpr const char* names[] = {"province", "city", "county", "town", "community", "hamlet", "road",
                                            "number", "compound", "building", "unit", "floor", "room",
                                            "devzone", "subpoi", "assist", "intersection", "distance"};
    return names[static_cast<int>(level)];
}

const Component* AddressComponents::get(Level level) const noexcept {
    for (const auto& c : components) {
        if (c.level == level) return &c;
    }
    return nullptr;
}

std::string AddressComponents::value(Level level) const {
    const Component* c = get(level);
    if (!c) return {};
    std::string v = c->text;
    if (level == Level::compound) {
        for (const auto& part : components) {
            if (part.level == Level::subpoi && part.how == "phase") v += part.text;
        }
    }
    if (level == Level::road) {
        // Of two streets written one after the other, the second (the first only says where).
        for (const auto& r : components) {
            if (r.level == Level::road && r.how != "context" && r.how != "lane") {
                v = r.text;
                break;
            }
        }
        for (const auto& lane : components) {
            if (lane.level == Level::road && lane.how == "lane") v += lane.text;
        }
    }
    return v;
}

namespace {

enum class Unit { door, lane, building, unit, floor, room, group, distance };

struct UnitWord {
    std::u32string_view word;
    Unit unit;
};
// Longest first where one is a prefix of another (号楼 before 号).
constexpr std::array unit_words{
    UnitWord{U"号楼", Unit::building}, UnitWord{U"栋楼", Unit::building}, UnitWord{U"号", Unit::door},
    UnitWord{U"幢", Unit::building},   UnitWord{U"栋", Unit::building},   UnitWord{U"座", Unit::building},
    UnitWord{U"单元", Unit::unit},     UnitWord{U"层", Unit::floor},      UnitWord{U"楼", Unit::floor},
    UnitWord{U"室", Unit::room},       UnitWord{U"户", Unit::room},       UnitWord{U"房", Unit::room},
    UnitWord{U"组", Unit::group},      UnitWord{U"队", Unit::group},      UnitWord{U"弄", Unit::lane},
    UnitWord{U"公里", Unit::distance}, UnitWord{U"米", Unit::distance},
};

enum class Kind { province, city_or_county, county, town, community, village, road, compound, devzone, hamlet };

struct Suffix {
    std::u32string_view text;
    Kind kind;
    int min_proper; // characters needed before the suffix
};
// Tried longest first at each position.
constexpr std::array suffixes{
    Suffix{U"村民委员会", Kind::community, 1}, Suffix{U"居民委员会", Kind::community, 1},
    Suffix{U"维吾尔自治区", Kind::province, 1}, Suffix{U"壮族自治区", Kind::province, 1},
    Suffix{U"回族自治区", Kind::province, 1},   Suffix{U"特别行政区", Kind::province, 2},
    Suffix{U"经济开发区", Kind::devzone, 1},   Suffix{U"高新技术产业开发区", Kind::devzone, 1},
    Suffix{U"自治区", Kind::province, 2},      Suffix{U"自治州", Kind::city_or_county, 2},
    Suffix{U"自治县", Kind::county, 2},        Suffix{U"开发区", Kind::devzone, 1},
    Suffix{U"工业园区", Kind::devzone, 1},     Suffix{U"科技园区", Kind::devzone, 1},
    Suffix{U"工业区", Kind::devzone, 1},       Suffix{U"工业园", Kind::devzone, 1},
    Suffix{U"高新区", Kind::devzone, 1},       Suffix{U"居委会", Kind::community, 1},
    Suffix{U"村委会", Kind::community, 1},     Suffix{U"园区", Kind::devzone, 1},
    Suffix{U"产业园", Kind::devzone, 1},       Suffix{U"经济技术开发区", Kind::devzone, 1},
    Suffix{U"工业功能区", Kind::devzone, 1},   Suffix{U"工业基地", Kind::devzone, 1},
    Suffix{U"科技园", Kind::devzone, 1},       Suffix{U"物流园", Kind::devzone, 1},
    Suffix{U"创业园", Kind::devzone, 1},       Suffix{U"创新园", Kind::devzone, 1},
    Suffix{U"研发园", Kind::devzone, 1},       Suffix{U"商务区", Kind::devzone, 2},
    Suffix{U"度假区", Kind::devzone, 2},
    Suffix{U"街道", Kind::town, 2},            Suffix{U"社区", Kind::community, 1},
    Suffix{U"街道办事处", Kind::town, 2},      Suffix{U"街办事处", Kind::town, 2},
    Suffix{U"办事处", Kind::town, 2},
    Suffix{U"小区", Kind::compound, 1},        Suffix{U"花园", Kind::compound, 1},
    Suffix{U"公寓", Kind::compound, 1},        Suffix{U"新村", Kind::compound, 1},
    Suffix{U"家园", Kind::compound, 1},        Suffix{U"大厦", Kind::compound, 1},
    Suffix{U"广场", Kind::compound, 1},        Suffix{U"中心", Kind::compound, 1},
    Suffix{U"名邸", Kind::compound, 1},        Suffix{U"山庄", Kind::compound, 1},
    Suffix{U"公馆", Kind::compound, 1},        Suffix{U"商城", Kind::compound, 1},
    Suffix{U"大楼", Kind::compound, 1},        Suffix{U"市场", Kind::compound, 1},
    Suffix{U"公司", Kind::compound, 1},        Suffix{U"医院", Kind::compound, 1},
    Suffix{U"学校", Kind::compound, 1},        Suffix{U"小学", Kind::compound, 1},
    Suffix{U"中学", Kind::compound, 1},        Suffix{U"大学", Kind::compound, 1},
    Suffix{U"酒店", Kind::compound, 1},        Suffix{U"宾馆", Kind::compound, 1},
    Suffix{U"商场", Kind::compound, 1},        Suffix{U"超市", Kind::compound, 1},
    Suffix{U"饭店", Kind::compound, 1},        Suffix{U"华庭", Kind::compound, 1},
    Suffix{U"商厦", Kind::compound, 1},        Suffix{U"写字楼", Kind::compound, 1},
    Suffix{U"银行", Kind::compound, 1},        Suffix{U"支行", Kind::compound, 1},
    Suffix{U"学院", Kind::compound, 1},        Suffix{U"幼儿园", Kind::compound, 1},
    Suffix{U"大道", Kind::road, 1},            Suffix{U"大街", Kind::road, 1},
    Suffix{U"胡同", Kind::road, 1},            Suffix{U"公路", Kind::road, 1},
    Suffix{U"省", Kind::province, 2},          Suffix{U"市", Kind::city_or_county, 2},
    Suffix{U"区", Kind::county, 2},            Suffix{U"县", Kind::county, 1},
    Suffix{U"旗", Kind::county, 2},            Suffix{U"镇", Kind::town, 1},
    Suffix{U"乡", Kind::town, 1},              Suffix{U"村", Kind::village, 1},
    Suffix{U"路", Kind::road, 1},              Suffix{U"街", Kind::road, 1},
    Suffix{U"线", Kind::road, 2},
    Suffix{U"巷", Kind::road, 1},              Suffix{U"弄", Kind::road, 1},
    Suffix{U"道", Kind::road, 2},              Suffix{U"苑", Kind::compound, 1},
    Suffix{U"府", Kind::compound, 1},          Suffix{U"园", Kind::compound, 1},
    Suffix{U"浜", Kind::hamlet, 1},            Suffix{U"埭", Kind::hamlet, 1},
    Suffix{U"港", Kind::hamlet, 1},            Suffix{U"桥", Kind::hamlet, 1},
    Suffix{U"宅", Kind::hamlet, 1},            Suffix{U"湾", Kind::hamlet, 1},
    Suffix{U"圩", Kind::hamlet, 1},            Suffix{U"坟", Kind::hamlet, 1},
    Suffix{U"兜", Kind::hamlet, 1},            Suffix{U"门", Kind::hamlet, 1},
    Suffix{U"泾", Kind::hamlet, 1},            Suffix{U"塘", Kind::hamlet, 1},
    Suffix{U"头", Kind::hamlet, 1},            Suffix{U"庄", Kind::hamlet, 1},
};

// The suffixes that start with each character, longest first (the grammar asks at every
// character of an unknown name).
const std::vector<const Suffix*>& suffixes_starting_with(char32_t c) {
    static const auto index = [] {
        std::unordered_map<char32_t, std::vector<const Suffix*>> m;
        for (const auto& sfx : suffixes) m[sfx.text.front()].push_back(&sfx);
        return m;
    }();
    static const std::vector<const Suffix*> none;
    auto it = index.find(c);
    return it == index.end() ? none : it->second;
}

// Characters after a short form (平湖, 当湖) that show it is the start of a longer name.
bool continues_a_name(char32_t c) {
    static constexpr std::u32string_view chars = U"路街道巷弄村镇乡区市县桥港浜埭园苑大小东西南北中新花公广湖";
    return chars.find(c) != std::u32string_view::npos;
}

// Words that locate or annotate rather than name (附近, 电话…): never a compound.
bool is_noise(std::u32string_view text) {
    static constexpr std::array<std::u32string_view, 16> words{U"附近", U"旁边", U"对面", U"隔壁", U"门口", U"楼下", U"交叉口", U"路口",
                                                               U"东侧", U"西侧", U"南侧", U"北侧", U"电话", U"手机", U"联系", U"旁"};
    for (auto w : words) {
        if (text.starts_with(w)) return true;
    }
    return false;
}

// Words that place the address relative to something (附近, 斜对面, 往东): the assist level.
// Longest first where one is a prefix of another.
std::size_t assist_word_at(std::u32string_view text) {
    static constexpr std::array<std::u32string_view, 28> words{
        U"斜对面", U"正对面", U"对面", U"附近", U"旁边", U"隔壁", U"边上", U"周边", U"门口", U"楼下", U"后面", U"前面",
        U"东侧", U"西侧", U"南侧", U"北侧", U"东面", U"西面", U"南面", U"北面", U"往东", U"往西", U"往南", U"往北",
        U"以东", U"以西", U"以南", U"以北"};
    for (auto w : words) {
        if (text.starts_with(w)) return w.size();
    }
    return 0;
}

bool joins_roads(char32_t c) { return c == U'与' || c == U'和' || c == U'跟' || c == U'及' || c == U'同'; }

// Where two roads meet (中山路与解放路交叉口): the word after the second road.
std::size_t intersection_word_at(std::u32string_view text) {
    // Longest first where one is a prefix of another.
    static constexpr std::array<std::u32string_view, 10> words{U"交叉路口", U"交叉口", U"交汇处", U"交汇口", U"交界处",
                                                               U"交界口", U"十字路口", U"路口", U"街口", U"交口"};
    for (auto w : words) {
        if (text.starts_with(w)) return w.size();
    }
    return 0;
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
// A character a Chinese name is written with (the CJK ideographs).
bool is_cjk_name_char(char32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }
bool is_letter(char32_t c) { return c >= U'A' && c <= U'Z'; }
// A character that numbers a compound's phase or part (3区, A区, 二期).
bool numbers_a_part(char32_t c) { return is_digit(c) || is_letter(c) || std::u32string_view{U"一二三四五六七八九十"}.find(c) != std::u32string_view::npos; }


int admin_rank(Level l) { return static_cast<int>(l); }

// 北京, 天津, 上海, 重庆: provinces that are cities.
bool is_municipality(const std::string& code) {
    const std::string_view p = std::string_view{code}.substr(0, 2);
    return p == "11" || p == "12" || p == "31" || p == "50";
}

constexpr std::size_t max_number_digits = 6;

std::size_t code_prefix(int division_level) {
    static constexpr std::size_t lengths[] = {0, 2, 4, 6, 9, 12};
    return lengths[division_level];
}

// Asked at nearly every character of an address: no substrings made.
int code_level(const std::string& code) {
    if (code.size() != 12) return 0;
    const std::size_t last = code.find_last_not_of('0'); // the code's level ends at or past it
    if (last == std::string::npos || last < 2) return 1;
    if (last < 4) return 2;
    if (last < 6) return 3;
    if (last < 9) return 4;
    return 5;
}

bool is_ancestor(const std::string& a, const std::string& b) {
    const int la = code_level(a), lb = code_level(b);
    if (la == 0 || lb == 0 || la >= lb) return false;
    const std::size_t n = code_prefix(la);
    return a.compare(0, n, b, 0, n) == 0;
}

std::string strip_zeros(const std::string& digits) {
    std::size_t i = 0;
    while (i + 1 < digits.size() && digits[i] == '0') ++i;
    return digits.substr(i);
}

class Scanner {
public:
    Scanner(std::string_view input, const Gazetteer& g, const ParseOptions& o)
        : nt_{normalize(input)}, s_{nt_.text}, n_{s_.size()}, g_{g}, options_{o} {
        out_.input = std::string{input};
        out_.normalized = to_utf8(s_);
    }

    AddressComponents run() {
        while (i_ < n_) {
            if (s_[i_] == U'-') { ++i_; continue; }
            if (number()) continue;
            if (is_letter(s_[i_]) && i_ + 1 < n_ && (s_[i_ + 1] == U'区' || s_[i_ + 1] == U'期') && has(Level::compound) && !has(Level::building)) {
                add(Level::subpoi, i_, i_ + 2, to_utf8(std::u32string_view{s_}.substr(i_, 2)), "phase");
                i_ += 2;
                continue;
            }
            if (is_digit(s_[i_]) || is_letter(s_[i_])) { leftover(i_, i_ + 1); ++i_; continue; }
            cjk_run();
        }
        finish();
        return std::move(out_);
    }

private:
    NormalizedText nt_;
    const std::u32string& s_;
    std::size_t n_;
    const Gazetteer& g_;
    const ParseOptions& options_;
    AddressComponents out_;
    std::size_t i_ = 0;
    std::string admin_code_; // deepest division recognised so far
    int admin_level_ = -1;   // deepest admin Level recognised so far
    std::size_t admin_begin_ = 0, admin_end_ = std::u32string::npos; // where the last division written starts and ends
    bool restating_ = false; // a division was written again after the road: a second chain runs
    bool street_follows_ = false; // a road was cut where a second street's name starts
    std::string repeat_code_; // the division just written again, when nothing came after it yet
    std::size_t last_end_ = std::u32string::npos; // where the last component ends
    std::string road_town_code_;
    bool road_known_ = false;
    std::string inferred_village_;

    bool has(Level l) const { return out_.get(l) != nullptr; }
    bool lane_taken() const {
        return std::any_of(out_.components.begin(), out_.components.end(), [](const Component& c) { return c.how == "lane"; });
    }

    void add(Level level, std::size_t b, std::size_t e, std::string text, const char* how) {
        Component c;
        c.level = level;
        c.text = std::move(text);
        c.span = {nt_.origin[b], nt_.origin[e - 1] + 1};
        c.source = to_utf8(std::u32string_view{nt_.input}.substr(static_cast<std::size_t>(c.span.begin),
                                                                   static_cast<std::size_t>(c.span.end - c.span.begin)));
        c.how = how;
        last_end_ = e;
        if (level == Level::road && street_follows_ && c.how != "lane") {
            // The street the number is on follows the one before it, which only says where.
            for (auto& r : out_.components) {
                if (r.level == Level::road && r.how != "lane") r.how = "context";
            }
        }
        if (level != Level::road || c.how != "lane") street_follows_ = false;
        out_.components.push_back(std::move(c));
        if (level <= Level::community) {
            admin_level_ = std::max(admin_level_, admin_rank(level));
            admin_begin_ = b;
            admin_end_ = e;
        }
    }

    void leftover(std::size_t b, std::size_t e) { out_.leftover += to_utf8(std::u32string_view{s_}.substr(b, e - b)); }

    // ---- numbers --------------------------------------------------------------------

    struct Token {
        std::string value;
        std::size_t end;
        bool chinese = false;
    };

    std::optional<Token> read_number(std::size_t i) const {
        if (i >= n_) return std::nullopt;
        if (is_digit(s_[i])) {
            std::size_t j = i;
            std::string v;
            while (j < n_ && is_digit(s_[j])) v += static_cast<char>(s_[j++]);
            return Token{v, j};
        }
        if (is_letter(s_[i])) {
            // A building's designation may start with letters (A12栋, AA座): one token with
            // the digits after it, when a unit word follows.
            std::size_t j = i;
            std::string v;
            while (j < n_ && j < i + 2 && is_letter(s_[j])) v += static_cast<char>(s_[j++]);
            while (j < n_ && is_digit(s_[j]) && j < i + 8) v += static_cast<char>(s_[j++]);
            if (j > i + 1 && unit_at(j)) return Token{v, j};
            return Token{std::string(1, static_cast<char>(s_[i])), i + 1};
        }
        if (is_chinese_numeral(s_[i])) {
            std::size_t j = i;
            while (j < n_ && is_chinese_numeral(s_[j])) ++j;
            if (auto v = chinese_numeral_value(std::u32string_view{s_}.substr(i, j - i))) return Token{std::to_string(*v), j, true};
        }
        return std::nullopt;
    }

    std::optional<UnitWord> unit_at(std::size_t j) const {
        for (const auto& w : unit_words) {
            if (std::u32string_view{s_}.substr(j).starts_with(w.word)) return w;
        }
        return std::nullopt;
    }

    bool rural_context() const { return has(Level::hamlet) || (has(Level::community) && !has(Level::road)); }

    void door(std::size_t b, std::size_t e, const std::string& number, const std::string& suffix) {
        add(Level::number, b, e, strip_zeros(number), "number");
        if (!suffix.empty()) out_.suffix = strip_zeros(suffix);
    }

    bool number() {
        auto tok = read_number(i_);
        if (!tok) return false;
        const std::size_t b = i_;
        // A numbered street (00街, 0号大街): a road, when none is written yet.
        if (const std::size_t g = numbered_street_generic_at(b); g && !has(Level::road) && !has(Level::number)) {
            const std::size_t e = g + (std::u32string_view{s_}.substr(g).starts_with(U"大") ? 2 : 1);
            add(Level::road, b, e, to_utf8(std::u32string_view{s_}.substr(b, e - b)), "grammar");
            i_ = e;
            return true;
        }
        std::size_t j = tok->end;
        const auto unit = unit_at(j);
        // No door, building, floor or room number runs to 7 digits: a phone number or a code.
        if (tok->value.size() > max_number_digits) {
            const std::size_t e = unit ? j + unit->word.size() : j;
            leftover(b, e);
            i_ = e;
            return true;
        }

        // A part of a compound written as a number (通福0区, 长新公寓0期, 福田市场A区).
        if (!unit && j < n_ && (s_[j] == U'区' || s_[j] == U'期') && has(Level::compound) && !has(Level::building)) {
            add(Level::subpoi, b, j + 1, to_utf8(std::u32string_view{s_}.substr(b, j + 1 - b)), "phase");
            i_ = j + 1;
            return true;
        }
        // 12之1号 / 12之一
        if (!unit && j < n_ && s_[j] == U'之' && !has(Level::number)) {
            if (auto sub = read_number(j + 1)) {
                std::size_t e = sub->end;
                if (e < n_ && s_[e] == U'号') ++e;
                door(b, e, tok->value, sub->value);
                i_ = e;
                return true;
            }
        }
        // Chains: 12-1号, 3-2-301, 2-301
        if (!unit && j + 1 < n_ && s_[j] == U'-' && (is_digit(s_[j + 1]) || is_letter(s_[j + 1]))) {
            // Each element keeps its own place, so that every component's span is its own text.
            std::vector<std::string> chain{tok->value};
            std::vector<std::pair<std::size_t, std::size_t>> at{{b, j}};
            while (j + 1 < n_ && s_[j] == U'-') {
                auto next = read_number(j + 1);
                if (!next || next->chinese || next->value.size() > max_number_digits) break;
                chain.push_back(next->value);
                at.emplace_back(j + 1, next->end);
                j = next->end;
            }
            const auto trailing = unit_at(j);
            std::size_t e = j;
            if (trailing && (trailing->unit == Unit::door || trailing->unit == Unit::room)) e += trailing->word.size();
            if (chain.size() < 2) {
                leftover(b, j);
                i_ = j;
                return true;
            }
            if (!has(Level::building) && chain.size() == 2 && trailing && trailing->unit == Unit::building) {
                // 0-12号楼, A-3栋: one building's designation.
                e = j + trailing->word.size();
                add(Level::building, b, e, strip_zeros(chain[0]) + "-" + strip_zeros(chain[1]), "number");
            } else if (!has(Level::number) && !has(Level::building) && chain.size() == 2 &&
                (has(Level::road) || has(Level::hamlet) || (trailing && trailing->unit == Unit::door))) {
                door(b, e, chain[0], chain[1]);
            } else if (has(Level::building) && !has(Level::unit) && chain.size() == 2) {
                add(Level::unit, at[0].first, at[0].second, strip_zeros(chain[0]), "number");
                add(Level::room, at[1].first, e, strip_zeros(chain[1]), "number");
            } else if (!has(Level::building) && chain.size() == 3) {
                add(Level::building, at[0].first, at[0].second, strip_zeros(chain[0]), "number");
                add(Level::unit, at[1].first, at[1].second, strip_zeros(chain[1]), "number");
                add(Level::room, at[2].first, e, strip_zeros(chain[2]), "number");
            } else if (!has(Level::building) && chain.size() == 2) {
                add(Level::building, at[0].first, at[0].second, strip_zeros(chain[0]), "number");
                add(Level::room, at[1].first, e, strip_zeros(chain[1]), "number");
            } else {
                leftover(b, e);
            }
            i_ = e;
            return true;
        }
        if (!unit) {
            // A bare number: a letter needs a unit word to be one; so does a Chinese numeral,
            // unless it ends the address right after a road or village (新华路三十七, 某浜十二),
            // where nothing else than the door number can stand. Elsewhere it may be a name's
            // character (五一路, 三里桥).
            const bool door_at_end = tok->chinese && j == n_ && !has(Level::number) && !has(Level::building) &&
                                     (has(Level::road) || has(Level::hamlet) || has(Level::community));
            if ((tok->chinese && !door_at_end) || is_letter(s_[b])) return false;
            Level level;
            if (!has(Level::number) && !has(Level::building) && (has(Level::road) || has(Level::hamlet) || has(Level::community))) level = Level::number;
            else if ((has(Level::unit) || has(Level::building) || has(Level::floor)) && !has(Level::room)) level = Level::room;
            else { leftover(b, j); i_ = j; return true; }
            if (level == Level::number) door(b, j, tok->value, "");
            else add(level, b, j, strip_zeros(tok->value), "number");
            i_ = j;
            return true;
        }
        std::size_t e = j + unit->word.size();
        switch (unit->unit) {
        case Unit::door: {
            // 12号之一
            if (e + 1 < n_ && s_[e] == U'之' && !has(Level::number)) {
                if (auto sub = read_number(e + 1)) {
                    door(b, sub->end, tok->value, sub->value);
                    i_ = sub->end;
                    return true;
                }
            }
            if (!has(Level::number) && !has(Level::building)) door(b, e, tok->value, "");
            else if (!has(Level::building)) add(Level::building, b, e, strip_zeros(tok->value), "number");
            else leftover(b, e);
            break;
        }
        case Unit::lane:
            // 某路169弄3号: a lane numbered off its road is a street of its own (街路巷), named by
            // the road and the lane's number together (value(Level::road)); its doors are
            // numbered in it. The lane is a road component of its own text.
            if (has(Level::road) && !has(Level::number) && !has(Level::building) && !has(Level::compound) && !lane_taken()) {
                add(Level::road, b, e, strip_zeros(tok->value) + "弄", "lane");
            } else {
                leftover(b, e);
            }
            break;
        case Unit::building:
            if (!has(Level::building)) add(Level::building, b, e, strip_zeros(tok->value), "number");
            else leftover(b, e);
            break;
        case Unit::unit:
            if (!has(Level::unit)) add(Level::unit, b, e, strip_zeros(tok->value), "number");
            else leftover(b, e);
            break;
        case Unit::floor:
            if (!has(Level::floor)) add(Level::floor, b, e, strip_zeros(tok->value), "number");
            else leftover(b, e);
            break;
        case Unit::room:
            if (!has(Level::room)) add(Level::room, b, e, tok->value, "number");
            else leftover(b, e);
            break;
        case Unit::distance:
            // 往东50米: how far from what the address names.
            if (!has(Level::distance)) add(Level::distance, b, e, strip_zeros(tok->value) + to_utf8(unit->word), "number");
            else leftover(b, e);
            break;
        case Unit::group:
            if (!has(Level::hamlet) && !has(Level::road)) {
                add(Level::hamlet, b, e, strip_zeros(tok->value) + "组", "number");
            } else {
                leftover(b, e);
            }
            break;
        }
        i_ = e;
        return true;
    }

    // ---- names ----------------------------------------------------------------------

    // Whether a gazetteer entry can take its place at this point of the address.
    bool acceptable(const GazetteerEntry& e, std::size_t pos, std::size_t end) const {
        if (e.level <= Level::community) {
            // A chain written again that goes on below the repeat (…海曙区宁波市镇海区招宝山街道)
            // is the one that carries on: it takes over.
            if (takes_over(e, pos) || new_chain(e)) return true;
            // A town of the county written after its road (拱康路康桥街道…), before the number.
            if (e.level == Level::town && e.via == Via::standard && !has(Level::town) && !has(Level::number) && !has(Level::community) &&
                !admin_code_.empty() && is_ancestor(admin_code_, e.code) && has(Level::road)) {
                return true;
            }
            if (has(Level::road) || has(Level::number) || admin_rank(e.level) <= admin_level_) return false;
            // A registered community or village named under the wrong town is still itself: the
            // name is more specific than the town (the note in take_known says so).
            if (!admin_code_.empty() && !is_ancestor(admin_code_, e.code) &&
                !(e.local && e.level == Level::community && e.via == Via::standard && admin_level_ == admin_rank(Level::town))) {
                return false;
            }
            // Unless a division's name follows (黑龙江大庆市, 宁波北仑区).
            if (e.via == Via::short_form && end < n_ && continues_a_name(s_[end]) && !division_at(end)) return false;
            // A short form that ends like a street (控江路 of 控江路街道) before a number is the street.
            if (e.via == Via::short_form && end < n_ && starts_number(end) && (s_[end - 1] == U'路' || s_[end - 1] == U'街')) return false;
            // Another county's town by its short form (or by a name without 街道/镇/乡) only under
            // a division already recognised.
            if (e.level == Level::town && !e.local && admin_code_.empty() &&
                (e.via == Via::short_form || !(e.canonical.ends_with("街道") || e.canonical.ends_with("镇") || e.canonical.ends_with("乡")))) {
                // …unless it opens the address right before a street's name (下沙围垦街, 北苑春晗路).
                if (!(pos == 0 && street_name_at(end))) return false;
            }
            return true;
        }
        switch (e.level) {
        case Level::road: return (!has(Level::road) || street_follows_) && !has(Level::number) && !has(Level::hamlet);
        case Level::hamlet: return !has(Level::hamlet) && !has(Level::road) && !has(Level::number);
        case Level::compound: return !has(Level::compound) && !has(Level::building);
        default: return false;
        }
    }

    // The first acceptable entry among the known names starting at pos (longest first). Of
    // namesakes (a 三联村 in two towns of a city, a 人民路 in two counties): the one nearest in
    // the division tree to the division written, then the one nearest the record's point.
    std::optional<std::pair<int, const GazetteerEntry*>> known_at(std::size_t pos, bool mid_run) const {
        for (const auto& m : g_.matches_at(s_, pos)) {
            const std::size_t end = pos + static_cast<std::size_t>(m.length);
            const GazetteerEntry* first = nullptr;
            const GazetteerEntry* best = nullptr;
            for (const auto& e : *m.entries) {
                if (mid_run && e.via == Via::short_form) continue;
                if (!acceptable(e, pos, end)) continue;
                if (!first) {
                    first = best = &e;
                } else if (e.level == first->level && e.canonical == first->canonical && e.code != best->code && closer_namesake(e, *best)) {
                    best = &e;
                }
            }
            if (best) return std::make_pair(m.length, best);
        }
        return std::nullopt;
    }

    // Where a known name lies in the division tree: a division itself, a place its division.
    static const std::string& division_of(const GazetteerEntry& e) { return e.level <= Level::community ? e.code : e.parent_code; }

    // How many levels of the division written a division code shares (province 1 … community 5).
    int shared_levels(const std::string& code) const {
        static constexpr std::array<std::size_t, 5> ends{2, 4, 6, 9, 12};
        int n = 0;
        for (std::size_t k : ends) {
            if (admin_code_.size() < k || code.size() < k || admin_code_.compare(0, k, code, 0, k) != 0) break;
            ++n;
        }
        return n;
    }

    bool closer_namesake(const GazetteerEntry& a, const GazetteerEntry& b) const {
        if (!admin_code_.empty()) {
            const int la = shared_levels(division_of(a)), lb = shared_levels(division_of(b));
            if (la != lb) return la > lb;
        }
        if (!options_.near) return false;
        const auto ca = g_.division_centre(division_of(a)), cb = g_.division_centre(division_of(b));
        if (!ca || !cb) return ca.has_value();
        const auto d2 = [&](const std::pair<double, double>& c) {
            const double dx = (c.first - options_.near->first) * std::cos(options_.near->second * std::numbers::pi / 180), dy = c.second - options_.near->second;
            return dx * dx + dy * dy;
        };
        return d2(*ca) < d2(*cb);
    }

    // A natural village written without its administrative village (某镇张家浜23号): when only
    // one village of the town (or, without a town, of the registry) has a hamlet of that name,
    // that village is the one, as a road determines its town; otherwise the address says so.
    void infer_village() {
        if (!has(Level::hamlet) || has(Level::community)) return;
        const std::string hamlet = out_.value(Level::hamlet);
        const std::u32string name = to_u32(hamlet);
        const std::vector<GazetteerEntry>* namesakes = nullptr;
        for (const auto& m : g_.matches_at(name, 0)) {
            if (static_cast<std::size_t>(m.length) == name.size()) namesakes = m.entries;
        }
        if (!namesakes) return;
        std::string village;
        int villages = 0;
        for (const auto& e : *namesakes) {
            if (e.level != Level::hamlet) continue;
            if (!out_.town_code.empty() && e.town_code != out_.town_code) continue;
            if (e.parent_code != village) {
                village = e.parent_code;
                ++villages;
            }
        }
        if (villages == 1 && !g_.division_name(village).empty()) {
            inferred_village_ = g_.division_name(village);
            out_.community_code = village;
            if (out_.town_code.empty()) out_.town_code = g_.town_of(village);
            out_.notes.push_back("natural village " + hamlet + " is in " + inferred_village_ + " (the only one of that name in its town)");
        } else if (villages > 1) {
            out_.notes.push_back("natural village " + hamlet + " is in " + std::to_string(villages) +
                                 " villages of its town; the address needs its village to be placed");
        }
    }

    void take_known(std::size_t b, std::size_t e, const GazetteerEntry& entry) {
        const bool restart = new_chain(entry);
        const char* how = entry.via == Via::standard ? "gazetteer" : entry.via == Via::short_form ? "short-form"
                        : entry.via == Via::former_name ? "former-name" : "alias";
        // A municipality written as a city (上海市, 北京市) is one: a city at a province's rank;
        // written bare (上海) it is the province.
        const bool municipal_city = entry.level == Level::province && entry.via != Via::short_form && is_municipality(entry.code) &&
                                    std::u32string_view{s_}.substr(b, e - b).ends_with(U"市");
        add(municipal_city ? Level::city : entry.level, b, e, entry.canonical, how);
        if (restart) {
            // The chain written later carries on to the street: it is the address's.
            admin_level_ = admin_rank(entry.level);
            out_.town_code.clear();
            out_.community_code.clear();
        }
        if (entry.level <= Level::community) {
            repeat_code_.clear();
            admin_code_ = entry.code;
            if (entry.level == Level::town) out_.town_code = entry.code;
            if (entry.level == Level::community) {
                out_.community_code = entry.code;
                if (!out_.town_code.empty() && out_.town_code != entry.town_code) {
                    out_.notes.push_back("town written (" + out_.value(Level::town) + ") is not " + entry.canonical + "'s town; its own town is used");
                }
                out_.town_code = entry.town_code;
            }
        } else if (entry.level == Level::road) {
            road_known_ = true;
            road_town_code_ = entry.town_code;
        } else if (out_.town_code.empty()) {
            out_.town_code = entry.town_code; // a known compound or natural village fixes the town
        }
        if (entry.via == Via::former_name) {
            out_.notes.push_back(std::string{to_string(entry.level)} + " " + entry.written + " is a former name of " + entry.canonical);
        } else if (entry.via == Via::alias) {
            out_.notes.push_back(std::string{to_string(entry.level)} + " " + entry.written + " is also known as " + entry.canonical);
        }
    }

    bool starts_number(std::size_t k) const {
        if (is_digit(s_[k]) || s_[k] == U'-') return true;
        if (is_letter(s_[k])) {
            const auto token = read_number(k);
            auto u = unit_at(token->end);
            return (u && u->unit != Unit::door) || (token->end < n_ && s_[token->end] == U'-');
        }
        if (is_chinese_numeral(s_[k])) {
            std::size_t j = k;
            while (j < n_ && is_chinese_numeral(s_[j])) ++j;
            return chinese_numeral_value(std::u32string_view{s_}.substr(k, j - k)) && unit_at(j);
        }
        return false;
    }

    // A number in Chinese numerals without 号 that ends the address at k (…吴家兜三十二).
    bool numeral_ends_address(std::size_t k) const {
        std::size_t j = k;
        while (j < n_ && is_chinese_numeral(s_[j])) ++j;
        return j > k && j == n_ && chinese_numeral_value(std::u32string_view{s_}.substr(k, j - k));
    }

    // Unknown text b..e: a place (compound, its parts, a natural village) or left over.
    // `names` when what follows shows it names a place (a locating word, a contact note).
    void unknown(std::size_t b, std::size_t e, bool names = false) {
        if (b >= e) return;
        // "Call (the owner)" written after a place (翠湖文苑电联) is not part of its name.
        static constexpr std::array<std::u32string_view, 4> contact{U"电话联系", U"电联", U"电话", U"联系"};
        for (auto w : contact) {
            if (e - b > w.size() && std::u32string_view{s_}.substr(b, e - b).ends_with(w)) {
                unknown(b, e - w.size(), true);
                leftover(e - w.size(), e);
                return;
            }
        }
        // Unknown text after the road, or ending an address after its divisions, names a place.
        const bool after_road = has(Level::road) || has(Level::number) || has(Level::compound) || has(Level::building) || has(Level::devzone) ||
                                (e == n_ && admin_level_ >= 0) || names;
        std::optional<Unit> next_unit; // the unit of a number right after the run (号, 幢…)
        bool phase_follows = false;    // a compound's part follows (下湾0区, 龚大堂0期)
        if (e < n_ && starts_number(e)) {
            const auto number = read_number(e);
            if (const auto w = unit_at(number ? number->end : e)) next_unit = w->unit;
            const std::size_t after = number ? number->end : e;
            phase_follows = after < n_ && (s_[after] == U'区' || s_[after] == U'期');
        }
        // A village written without 村 before its group (狮城一组, 南梅3组): the village.
        if (next_unit == Unit::group && admin_end_ == b && !has(Level::community) && !has(Level::road) && e - b >= 2 && e - b <= 4 &&
            !is_noise(std::u32string_view{s_}.substr(b, e - b))) {
            add(Level::community, b, e, to_utf8(std::u32string_view{s_}.substr(b, e - b)), "grammar");
            return;
        }
        const bool before_building = next_unit == Unit::building || next_unit == Unit::unit || next_unit == Unit::floor;
        // A bare name right after the divisions and before a door number (某镇长田岸12号, 某村蔡家5号):
        // a natural village written without its generic.
        if (!has(Level::road) && !has(Level::hamlet) && !has(Level::compound) && !has(Level::number) && admin_end_ == b && e - b >= 2 &&
            e - b <= 4 && next_unit == Unit::door && !is_noise(std::u32string_view{s_}.substr(b, e - b))) {
            add(Level::hamlet, b, e, to_utf8(std::u32string_view{s_}.substr(b, e - b)), "grammar");
            return;
        }
        const bool names_a_place = (after_road || before_building || phase_follows || phase_start(b, e) > b) && e - b >= 2 && !is_noise(std::u32string_view{s_}.substr(b, e - b));
        if (!has(Level::compound) && names_a_place) {
            // A phase or part of a compound (万达华府二期, 春晗二区, 南下朱A区): the compound, then
            // the part, which its value keeps (value(Level::compound)).
            if (const std::size_t p = phase_start(b, e); p > b) {
                add(Level::compound, b, p, to_utf8(std::u32string_view{s_}.substr(b, p - b)), "grammar");
                add(Level::subpoi, p, e, to_utf8(std::u32string_view{s_}.substr(p, e - p)), "phase");
                return;
            }
            add(Level::compound, b, e, to_utf8(std::u32string_view{s_}.substr(b, e - b)), "grammar");
        } else if (has(Level::compound) && !has(Level::room) && names_a_place) {
            add(Level::subpoi, b, e, to_utf8(std::u32string_view{s_}.substr(b, e - b)), "grammar");
        } else {
            leftover(b, e);
        }
    }

    bool grammar_accepts(Kind kind, std::size_t b, std::size_t e, Level& level) const {
        const bool admin_open = !has(Level::road) && !has(Level::number) && !has(Level::hamlet);
        switch (kind) {
        case Kind::province: level = Level::province; return admin_open && admin_level_ < admin_rank(Level::province);
        case Kind::city_or_county:
            if (!admin_open) return false;
            if (admin_level_ < admin_rank(Level::city)) { level = Level::city; return true; }
            level = Level::county;
            return admin_level_ < admin_rank(Level::county);
        case Kind::county:
            level = Level::county;
            // 二区, A区: a part of a compound, not a district.
            if (s_[e - 1] == U'区' && e - b >= 2 && numbers_a_part(s_[e - 2])) return false;
            return admin_open && admin_level_ < admin_rank(Level::county);
        case Kind::town:
            level = Level::town;
            // A second town right after the first (稠城街道荷叶塘镇, 运河镇亭趾街道) is written as one.
            return admin_open && (admin_level_ < admin_rank(Level::town) || (admin_level_ == admin_rank(Level::town) && admin_end_ == b));
        case Kind::community:
        case Kind::village:
            if (admin_open && admin_level_ < admin_rank(Level::community)) { level = Level::community; return true; }
            // A village or community the road runs through, its door number after it (江南街翁埠村12号).
            if (has(Level::road) && !has(Level::number) && !has(Level::community) && !has(Level::compound) && e < n_ && starts_number(e)) {
                level = Level::community;
                return true;
            }
            if (kind == Kind::community) return false;
            level = Level::hamlet;
            return !has(Level::hamlet) && !has(Level::road) && !has(Level::number);
        case Kind::road: level = Level::road; return (!has(Level::road) || street_follows_) && !has(Level::number) && !has(Level::hamlet);
        case Kind::compound:
            if (!has(Level::compound)) { level = Level::compound; return !has(Level::building); }
            level = Level::subpoi; // a second named place: inside the first
            return !has(Level::subpoi) && !has(Level::room);
        case Kind::devzone: level = Level::compound; return false;
        case Kind::hamlet:
            // A natural village stands between a village and a door number (杨家浜12号).
            level = Level::hamlet;
            return has(Level::community) && !has(Level::hamlet) && !has(Level::road) && !has(Level::number) && e < n_ &&
                   (starts_number(e) || numeral_ends_address(e));
        }
        (void)b;
        return false;
    }

    // After a road, 与/和/跟/及 a second road and a word for where they meet: the second road
    // is a road component of its own, the word the intersection.
    bool intersection() {
        const std::size_t b = i_;
        if (!has(Level::road) || has(Level::number) || has(Level::intersection) || b + 3 >= n_) return false;
        if (!joins_roads(s_[b])) return false;
        std::size_t end = 0;
        if (auto k = g_.matches_at(s_, b + 1); !k.empty()) {
            for (const auto& m : k) {
                for (const auto& e : *m.entries) {
                    if (e.level == Level::road && !end) end = b + 1 + static_cast<std::size_t>(m.length);
                }
            }
        }
        if (!end) {
            for (std::size_t k = b + 2; k < n_ && k < b + 12; ++k) {
                if (starts_number(k)) break;
                const auto tail = std::u32string_view{s_}.substr(b + 1, k + 1 - (b + 1));
                if (tail.ends_with(U"路") || tail.ends_with(U"街") || tail.ends_with(U"大道") || tail.ends_with(U"巷") || tail.ends_with(U"高速") ||
                    tail.ends_with(U"国道")) {
                    if (intersection_word_at(std::u32string_view{s_}.substr(k + 1))) {
                        end = k + 1;
                        break;
                    }
                }
            }
        }
        if (!end) return false;
        const std::size_t w = intersection_word_at(std::u32string_view{s_}.substr(end));
        if (!w) return false;
        leftover(b, b + 1);
        add(Level::road, b + 1, end, to_utf8(std::u32string_view{s_}.substr(b + 1, end - b - 1)), "grammar");
        add(Level::intersection, end, end + w, to_utf8(std::u32string_view{s_}.substr(end, w)), "grammar");
        i_ = end + w;
        return true;
    }

    // Whether b..e, ending where the known division `entry` ends, is one unknown division name
    // of the same rank that ends with a division generic: its level and end.
    std::optional<std::pair<Level, std::size_t>> division_ending_at(std::size_t b, std::size_t e, const GazetteerEntry& entry) const {
        // Only short names from the national supplement (城区, 东区): a registry's own name, or
        // a longer one, is far likelier to be what is written than the tail of an unknown word.
        if (entry.level > Level::community || entry.local || e - b > 5 || text::code_points(entry.canonical) > 2) return std::nullopt;
        for (const Suffix& sfx : suffixes) {
            if (sfx.kind == Kind::road || sfx.kind == Kind::compound || sfx.kind == Kind::devzone || sfx.kind == Kind::hamlet) continue;
            if (e < b + sfx.text.size() || !std::u32string_view{s_}.substr(b, e - b).ends_with(sfx.text)) continue;
            if (static_cast<int>(e - b - sfx.text.size()) < sfx.min_proper) continue;
            Level level;
            if (!grammar_accepts(sfx.kind, b, e, level) || level != entry.level) continue;
            return std::make_pair(level, e);
        }
        return std::nullopt;
    }

    // A division written again (浙江省杭州市…浙江省杭州市余杭区, 杭州市杭州市, 台州台州市): the
    // same one, or one above the deepest recognised so far; its short form only right after
    // itself (东阳市东阳白云街道, not 当湖街道平湖经济开发区). After such a repeat behind the road, the second
    // chain may go on below it (…88号杭州市下城区某店). Each is a component of its level, read
    // as what it is written as (a repeat changes nothing the first chain settled).
    struct Repeat {
        Level level;
        std::size_t length;
        const GazetteerEntry* entry;
        bool below; // the second chain going on below the repeat
    };
    std::optional<Repeat> repeated_division_at(std::size_t pos) const {
        if (admin_code_.empty()) return std::nullopt;
        const bool adjacent = admin_end_ == pos;
        for (const auto& m : g_.matches_at(s_, pos)) {
            const std::size_t end = pos + static_cast<std::size_t>(m.length);
            for (const auto& e : *m.entries) {
                if (e.level > Level::community) continue;
                // A town's short form after the town starts a name (江南街道江南春晓): only a
                // county's or above is a repeat.
                if (e.via == Via::short_form && (!adjacent || e.code != admin_code_ || e.level > Level::county || (end < n_ && continues_a_name(s_[end])))) continue;
                const bool again = e.code == admin_code_ || is_ancestor(e.code, admin_code_);
                const bool below = restating_ && adjacent && is_ancestor(admin_code_, e.code);
                if (!again && !below) continue;
                Level level = e.level;
                // 上海上海市: a municipality written again right after itself is the city.
                if (level == Level::province && adjacent && is_municipality(e.code)) level = Level::city;
                return Repeat{level, static_cast<std::size_t>(m.length), &e, !again};
            }
        }
        return std::nullopt;
    }

    // Where a compound's phase or part starts (…二期, …3区, …A区) when b..e ends with one after
    // a name of two characters or more; b when it does not.
    std::size_t phase_start(std::size_t b, std::size_t e) const {
        if (e - b < 4 || (s_[e - 1] != U'期' && s_[e - 1] != U'区')) return b;
        std::size_t p = e - 1;
        while (p > b && numbers_a_part(s_[p - 1])) --p;
        if (p == e - 1 || p - b < 2) return b;
        return p;
    }

    // A zone named after the division just written (余杭经济开发区, 掌起镇工业园区, 海安县开发区)
    // carries its name: the division's component becomes part of the zone's (what it settled —
    // town, codes — stays).
    bool zone_named_after_division(std::size_t b) {
        if (admin_end_ != b || out_.components.empty() || has(Level::devzone) || has(Level::road) || has(Level::number)) return false;
        const Level last = out_.components.back().level;
        if (last < Level::county || last > Level::town) return false;
        for (const Suffix* p : suffixes_starting_with(s_[b])) {
            if (p->kind != Kind::devzone || !std::u32string_view{s_}.substr(b).starts_with(p->text)) continue;
            const std::size_t e = b + p->text.size();
            const std::size_t from = admin_begin_;
            out_.components.pop_back();
            add(Level::devzone, from, e, to_utf8(std::u32string_view{s_}.substr(from, e - from)), "grammar");
            i_ = e;
            return true;
        }
        return false;
    }

    // Where the generic of a numbered street starts when a number at k is followed by one
    // (0路, 00街, 0号路, 0号大街, 0大道); 0 when none.
    std::size_t numbered_street_generic_at(std::size_t k) const {
        const auto number = read_number(k);
        if (!number) return 0;
        std::size_t j = number->end;
        if (j < n_ && s_[j] == U'号') ++j;
        const auto rest = std::u32string_view{s_}.substr(j);
        if (rest.starts_with(U"路") || rest.starts_with(U"街") || rest.starts_with(U"大街") || rest.starts_with(U"大道")) {
            // 3号路口 is a corner of road 3; 12号街道 a town's name, not a street.
            if (rest.starts_with(U"街道")) return 0;
            return j;
        }
        return 0;
    }

    // Whether `e`, written at pos right after a division written again, is below that division
    // (a second chain going on) while not below the first chain's deepest (a different branch).
    bool takes_over(const GazetteerEntry& e, std::size_t pos) const {
        return !repeat_code_.empty() && admin_end_ == pos && e.via != Via::short_form && !has(Level::road) && !has(Level::number) &&
               is_ancestor(repeat_code_, e.code) && e.code != admin_code_ && !is_ancestor(e.code, admin_code_);
    }

    // Whether `e` is another province written after a chain, before any street (山东省临沂市
    // 临沭县中国浙江省杭州市…): a second address chain starts.
    bool new_chain(const GazetteerEntry& e) const {
        return e.level == Level::province && e.via == Via::standard && admin_level_ >= admin_rank(Level::city) && !admin_code_.empty() &&
               !has(Level::road) && !has(Level::number) && e.code != admin_code_ && !is_ancestor(e.code, admin_code_);
    }

    // Whether a street's name (2-5 characters and a street generic) starts at pos, before a
    // number or the end.
    bool street_name_at(std::size_t pos) const {
        // 城南巷东路: a generic right after the short form makes one name with it.
        if (pos >= n_ || std::u32string_view{U"路街巷弄道"}.find(s_[pos]) != std::u32string_view::npos) return false;
        for (std::size_t k = pos + 2; k < n_ && k <= pos + 5; ++k) {
            if (starts_number(k)) return false;
            const char32_t c = s_[k];
            if (c == U'路' || c == U'街' || c == U'巷' || (c == U'道' && s_[k - 1] == U'大')) return k + 1 == n_ || starts_number(k + 1);
        }
        return false;
    }

    // Whether a division's name (not a short form) starts at pos.
    bool division_at(std::size_t pos) const {
        for (const auto& m : g_.matches_at(s_, pos)) {
            for (const auto& e : *m.entries) {
                if (e.level <= Level::community && e.via != Via::short_form) return true;
            }
        }
        return false;
    }

    // Whether a town's generic starts at e (镇, 乡, 街道, 办事处), the street generic before it
    // starting at k.
    bool starts_town_generic(std::size_t e, std::size_t k) const {
        const auto rest = std::u32string_view{s_}.substr(e);
        if (s_[e] == U'镇' || s_[e] == U'乡' || rest.starts_with(U"办事处") || rest.starts_with(U"街道") || rest.starts_with(U"街办事处")) return true;
        return s_[k] == U'街' && s_[e] == U'道'; // …街|道: the generic is 街道
    }

    // Whether s_[b, e), ending with a street generic, names a street: a proper part that is not
    // only directions or generics (三巷西路 is one name: 西路 names nothing by itself).
    bool names_a_street(std::size_t b, std::size_t e) const {
        static constexpr std::u32string_view plain = U"东西南北中上下前后路街巷弄道大段";
        std::size_t proper_end = e - 1;
        if (proper_end > b && (s_[proper_end - 1] == U'大')) --proper_end; // 大街, 大道
        for (std::size_t k = b; k < proper_end; ++k) {
            if (plain.find(s_[k]) == std::u32string_view::npos) return true;
        }
        return false;
    }

    // An assist word that only follows a place (对面, 附近, 楼下…), not one that may start a
    // name (东面村, 北侧门).
    bool trailing_assist_at(std::size_t k) const {
        static constexpr std::array<std::u32string_view, 12> words{U"斜对面", U"正对面", U"对面", U"对过", U"附近", U"旁边",
                                                                   U"隔壁", U"边上", U"周边", U"门口", U"楼下", U"旁"};
        const auto rest = std::u32string_view{s_}.substr(k);
        if (std::any_of(words.begin(), words.end(), [&](std::u32string_view w) { return rest.starts_with(w); })) return true;
        // A side of what precedes (…超市东侧, …学校后面), unless a name goes on (东面村, 北侧路).
        static constexpr std::array<std::u32string_view, 15> sides{U"东侧", U"西侧", U"南侧", U"北侧", U"东面", U"西面", U"南面",
                                                                   U"北面", U"东边", U"西边", U"南边", U"北边", U"后面", U"前面", U"里面"};
        for (auto w : sides) {
            if (!rest.starts_with(w)) continue;
            const std::size_t e = k + w.size();
            return e >= n_ || std::u32string_view{U"路街村镇巷弄道桥门"}.find(s_[e]) == std::u32string_view::npos;
        }
        // Inside what ends the run: 植物保护站内.
        return s_[k] == U'内' && (k + 1 == n_ || starts_number(k + 1) || !is_cjk_name_char(s_[k + 1]));
    }

    void cjk_run() {
        const std::size_t b = i_;
        if (intersection()) return;
        // A corner right after a road (or a village): 滨海路口, 竹林路口, 花园村口, 西一街路口.
        if (!has(Level::intersection) && !has(Level::number) && last_end_ == b && !out_.components.empty() &&
            (out_.components.back().level == Level::road || out_.components.back().level == Level::community)) {
            std::size_t w = intersection_word_at(std::u32string_view{s_}.substr(b));
            if (!w && s_[b] == U'口') w = 1;
            if (w) {
                add(Level::intersection, b, b + w, to_utf8(std::u32string_view{s_}.substr(b, w)), "grammar");
                i_ = b + w;
                return;
            }
        }
        if (const auto w = assist_word_at(std::u32string_view{s_}.substr(b)); w && b > 0) {
            const std::size_t e = b + w;
            // Not the start of a name (东面村, 对面街).
            const bool name_follows = e < n_ && (s_[e] == U'路' || s_[e] == U'街' || s_[e] == U'村' || s_[e] == U'镇' || s_[e] == U'巷');
            if (!name_follows) {
                add(Level::assist, b, e, to_utf8(std::u32string_view{s_}.substr(b, w)), "grammar");
                i_ = e;
                return;
            }
        }
        // A bare direction between the parts (…3号楼南2楼, 交叉口北100米, …0楼西), 旁 after a place
        // (东侧旁某宾馆) or 内 ending one (…站内) places the address relative to what precedes it.
        if (b > 0) {
            std::size_t w = 0;
            static constexpr std::u32string_view directions = U"东西南北";
            if (directions.find(s_[b]) != std::u32string_view::npos) w = b + 1 < n_ && directions.find(s_[b + 1]) != std::u32string_view::npos ? 2 : 1;
            const bool standalone = w && (b + w == n_ || starts_number(b + w) || !is_cjk_name_char(s_[b + w]));
            const bool inside = s_[b] == U'内' && (b + 1 == n_ || starts_number(b + 1) || !is_cjk_name_char(s_[b + 1]));
            if (standalone || ((s_[b] == U'旁' || inside) && !out_.components.empty())) {
                if (!standalone) w = 1;
                add(Level::assist, b, b + w, to_utf8(std::u32string_view{s_}.substr(b, w)), "grammar");
                i_ = b + w;
                return;
            }
        }
        if (zone_named_after_division(b)) return;
        // The country before a province (中国浙江省…) names nothing more.
        if (std::u32string_view{s_}.substr(b).starts_with(U"中国") && division_at(b + 2)) {
            leftover(b, b + 2);
            i_ = b + 2;
            return;
        }
        // A district's urban area (瓯海区城区, not 城区街道) is the district.
        if (!out_.components.empty() && out_.components.back().level == Level::county && admin_end_ == b &&
            std::u32string_view{s_}.substr(b).starts_with(U"城区") && !std::u32string_view{s_}.substr(b).starts_with(U"城区街道")) {
            auto& c = out_.components.back();
            c.span.end = nt_.origin[b + 1] + 1;
            c.source = to_utf8(std::u32string_view{nt_.input}.substr(static_cast<std::size_t>(c.span.begin), static_cast<std::size_t>(c.span.end - c.span.begin)));
            admin_end_ = b + 2;
            last_end_ = b + 2;
            i_ = b + 2;
            return;
        }
        if (auto rep = repeated_division_at(b)) {
            // A longer name that can stand here is what is written (平湖市平湖街道: the town).
            const auto known = known_at(b, false);
            const std::size_t e = b + rep->length;
            // A division written after the road repeats only when a division follows (…88号杭州市
            // 西湖区…); else it starts a name (…号全椒县工行).
            const bool needs_division = !rep->below && (has(Level::road) || has(Level::number));
            if ((!known || static_cast<std::size_t>(known->first) <= rep->length) && (!needs_division || e == n_ || division_at(e))) {
                add(rep->level, b, e, rep->entry->canonical, "repeated");
                repeat_code_ = rep->below ? std::string{} : rep->entry->code;
                restating_ = has(Level::road) || has(Level::number) || restating_;
                i_ = e;
                return;
            }
        }
        if (auto k = known_at(b, false)) {
            take_known(b, b + static_cast<std::size_t>(k->first), *k->second);
            i_ = b + static_cast<std::size_t>(k->first);
            return;
        }
        for (std::size_t k = b; k < n_; ++k) {
            if (k > b && starts_number(k)) {
                // A number inside a street's name (建设0路, 纬00路, 高桂南0路): the name goes on.
                const std::size_t after = numbered_street_generic_at(k);
                if (!after) break;
                k = after - 1; // the loop moves on to the generic
                continue;
            }
            // A word that places the address relative to what precedes it ends that name
            // (华莱士斜对面, 二商所楼下芳龄美容院, 金湖小学旁).
            if (k >= b + 2 && (trailing_assist_at(k) || (k + 1 == n_ && s_[k] == U'旁'))) {
                unknown(b, k, true);
                if (k + 1 == n_ && s_[k] == U'旁' && !trailing_assist_at(k)) {
                    add(Level::assist, k, k + 1, "旁", "grammar");
                    i_ = n_;
                    return;
                }
                i_ = k;
                return;
            }
            if (k > b) {
                if (auto known = known_at(k, true)) {
                    // A known division that starts inside an unknown word is that word's tail
                    // (X城区 is not 城区): when the whole run ends with the same generic, the
                    // grammar reads it as one name.
                    if (auto longer = division_ending_at(b, k + static_cast<std::size_t>(known->first), *known->second)) {
                        add(longer->first, b, longer->second, to_utf8(std::u32string_view{s_}.substr(b, longer->second - b)), "grammar");
                        i_ = longer->second;
                        return;
                    }
                    unknown(b, k);
                    i_ = k;
                    return;
                }
            }
            for (const Suffix* p : suffixes_starting_with(s_[k])) {
                const Suffix& sfx = *p;
                if (!std::u32string_view{s_}.substr(k).starts_with(sfx.text)) continue;
                if (static_cast<int>(k - b) < sfx.min_proper) continue;
                std::size_t e = k + sfx.text.size();
                // 园, 苑, 府 end a compound's name only before a number or at the end (梅园弄 is a lane).
                if (sfx.kind == Kind::compound && sfx.text.size() == 1 && e < n_ && !starts_number(e)) continue;
                // 三村村: the same generic twice belongs to the name.
                if (std::u32string_view{s_}.substr(e).starts_with(sfx.text) && sfx.text.size() == 1 && !intersection_word_at(std::u32string_view{s_}.substr(e))) {
                    // …村村委会, 村村委: the village's committee, one name with it.
                    const auto rest = std::u32string_view{s_}.substr(e);
                    e += rest.starts_with(U"村委会") ? 3 : rest.starts_with(U"村委") ? 2 : 1;
                } else if (sfx.kind == Kind::village) {
                    const auto rest = std::u32string_view{s_}.substr(e);
                    if (rest.starts_with(U"委会")) e += 2;
                    else if (rest.starts_with(U"委")) e += 1;
                }
                Level level;
                if (sfx.kind == Kind::devzone) {
                    if (!has(Level::devzone) && !has(Level::road) && !has(Level::number)) {
                        add(Level::devzone, b, e, to_utf8(std::u32string_view{s_}.substr(b, e - b)), "grammar");
                    } else {
                        leftover(b, e);
                    }
                    i_ = e;
                    return;
                }
                Kind kind = sfx.kind;
                bool cut = false;
                // A street generic right before a town's (横街镇, 中南路街办事处, 亭趾街道) is part of
                // the town's name.
                if ((kind == Kind::road || kind == Kind::village || kind == Kind::hamlet) && e < n_ && starts_town_generic(e, k)) continue;
                // …and a town's generic right before a street's is part of the street's (龙镇大道).
                if (kind == Kind::town && sfx.text.size() == 1 && e < n_ &&
                    (s_[e] == U'路' || s_[e] == U'街' || std::u32string_view{s_}.substr(e).starts_with(U"大道"))) {
                    continue;
                }
                if (kind == Kind::road) {
                    // A generic inside a road's name (三巷西路): the road runs to the last generic
                    // before the number.
                    std::size_t run_end = e;
                    // It stops where two roads are joined (与, 和) or a locating word starts.
                    while (run_end < n_ && !starts_number(run_end) && !known_at(run_end, true) && !joins_roads(s_[run_end]) &&
                           !assist_word_at(std::u32string_view{s_}.substr(run_end)) && !intersection_word_at(std::u32string_view{s_}.substr(run_end))) {
                        ++run_end;
                    }
                    const std::size_t first_end = e;
                    for (std::size_t end = run_end; end > e; --end) {
                        const auto tail = std::u32string_view{s_}.substr(b, end - b);
                        if (tail.ends_with(U"路") || tail.ends_with(U"街") || tail.ends_with(U"巷") || tail.ends_with(U"弄") || tail.ends_with(U"道")) {
                            e = end;
                            break;
                        }
                    }
                    // Two streets one after the other (莫干山路萍水街, 永新街一巷): what follows the
                    // first generic names a street of its own, the one the number is on.
                    if (e > first_end && names_a_street(first_end, e)) {
                        e = first_end;
                        cut = true;
                    }
                    // After a village, an unknown 某家弄 before a number is a natural village.
                    const Component* village = out_.get(Level::community);
                    if (village && village->text.ends_with("村") && s_[e - 1] == U'弄' && e < n_ && starts_number(e)) kind = Kind::hamlet;
                }
                if (!grammar_accepts(kind, b, e, level)) continue;
                // A place written before its road (周田人民路, 下骆宅振兴东路): right after the
                // divisions, a road's name longer than road names run is the place, then the road
                // (its last two characters, and a direction).
                std::size_t from = b;
                if (level == Level::road && !cut && admin_end_ == b && !has(Level::road) && !has(Level::hamlet)) {
                    std::size_t proper_end = e - sfx.text.size();
                    if (proper_end > b && std::u32string_view{U"东西南北中"}.find(s_[proper_end - 1]) != std::u32string_view::npos) --proper_end;
                    if (proper_end >= b + 4) {
                        from = proper_end - 2;
                        add(has(Level::community) ? Level::hamlet : Level::community, b, from, to_utf8(std::u32string_view{s_}.substr(b, from - b)), "grammar");
                    }
                }
                const std::string text = to_utf8(std::u32string_view{s_}.substr(from, e - from));
                add(level, from, e, text, "grammar");
                if (cut) street_follows_ = true;
                i_ = e;
                return;
            }
        }
        // No generic before the next number or the end.
        std::size_t e = b;
        while (e < n_ && !(e > b && starts_number(e))) ++e;
        unknown(b, e);
        i_ = e;
    }

    // ---- keys -----------------------------------------------------------------------

    void finish() {
        // Compose 3楼01室 into room 301.
        for (auto& c : out_.components) {
            if (c.level == Level::room && has(Level::floor)) {
                const std::string floor = out_.value(Level::floor);
                if (c.text.size() <= 2 && !c.text.empty() && std::all_of(c.text.begin(), c.text.end(), ::isdigit) &&
                    std::all_of(floor.begin(), floor.end(), ::isdigit)) {
                    c.text = std::to_string(std::stoi(floor) * 100 + std::stoi(c.text));
                } else {
                    c.text = strip_zeros(c.text);
                }
            } else if (c.level == Level::room) {
                c.text = strip_zeros(c.text);
            }
        }
        // A known road fixes the town: roads are unique in the city.
        if (road_known_ && !road_town_code_.empty()) {
            if (!out_.town_code.empty() && out_.town_code != road_town_code_) {
                out_.notes.push_back("town written (" + out_.value(Level::town) + ") is not the road's town; the road's town is used");
            }
            out_.town_code = road_town_code_;
        }
        const Component* road = out_.get(Level::road);
        if (road && !road_known_ && options_.road_candidates && g_.size() > 0) {
            out_.road_candidates = g_.road_candidates(out_.value(Level::road), pinyin::Romanizer::shared());
        }
        infer_village();
        const std::string town = !out_.town_code.empty() ? out_.town_code : out_.value(Level::town);
        std::string place;
        if (road) place = out_.value(Level::road);
        else if (has(Level::hamlet)) place = (has(Level::community) ? out_.value(Level::community) : inferred_village_) + "/" + out_.value(Level::hamlet);
        else if (has(Level::compound)) place = "@" + out_.value(Level::compound);
        else if (has(Level::community) && has(Level::number)) place = out_.value(Level::community);
        if (place.empty()) return;
        out_.key_road = town + "|" + place;
        if (!has(Level::number)) {
            // A compound without a door number still keys its buildings.
            if (!road && has(Level::compound) && has(Level::building)) {
                out_.key_building = out_.key_road + "|" + out_.value(Level::building);
                if (has(Level::room)) out_.key_room = out_.key_building + "|" + out_.value(Level::unit) + "|" + out_.value(Level::room);
            }
            return;
        }
        out_.key_plate = out_.key_road + "|" + out_.value(Level::number) + (out_.suffix.empty() ? "" : "-" + out_.suffix);
        if (!has(Level::building)) return;
        out_.key_building = out_.key_plate + "|" + out_.value(Level::building);
        if (!has(Level::room)) return;
        out_.key_room = out_.key_building + "|" + out_.value(Level::unit) + "|" + out_.value(Level::room);
    }
};

} // namespace

AddressComponents parse(std::string_view text, const Gazetteer& gazetteer, const ParseOptions& options) {
    Scanner scanner{text, gazetteer, options};
    auto out = scanner.run();
    std::stable_sort(out.components.begin(), out.components.end(),
                     [](const Component& a, const Component& b) { return a.span.begin < b.span.begin; });
    return out;
}

std::vector<std::string> key_parts(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto bar = key.find('|', start);
        parts.push_back(key.substr(start, bar - start));
        if (bar == std::string::npos) return parts;
        start = bar + 1;
    }
}

} // namespace diming::address
