#include "pinyin/romanizer.hpp"

#include "core/data_dir.hpp"
#include "core/error.hpp"
#include "core/gdal.hpp"
#include "core/text.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace diming::pinyin {

using text::to_u32;

namespace {

std::vector<std::string> split_spaces(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ' ') { if (!cur.empty()) out.push_back(cur); cur.clear(); }
        else cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

bool is_direction(char32_t c) {
    return c == U'东' || c == U'西' || c == U'南' || c == U'北' || c == U'中' || c == U'前' || c == U'后' || c == U'上' ||
           c == U'下';
}

std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

// Syllables joined into one word, apostrophe before a/o/e after the first; digit groups
// stay separate words (经5路 -> Jing 5 Lu).
std::string join_word(const std::vector<std::string>& syllables) {
    std::string out;
    bool word_start = true;
    for (const auto& s : syllables) {
        if (s.empty()) continue;
        const bool digits = std::isdigit(static_cast<unsigned char>(s[0]));
        if (digits) {
            if (!out.empty()) out += ' ';
            out += s;
            word_start = true;
            continue;
        }
        if (word_start) {
            if (!out.empty()) out += ' ';
            out += capitalised(s);
            word_start = false;
        } else {
            if (s[0] == 'a' || s[0] == 'o' || s[0] == 'e') out += '\'';
            out += s;
        }
    }
    return out;
}

} // namespace

Romanizer::Romanizer(const std::filesystem::path& data_dir) {
    // ICU's reading of every CJK unified ideograph in the BMP, in one transliteration: the
    // characters are separated by newlines so that each is read on its own.
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> han{icu::Transliterator::createInstance("Han-Latin; Latin-ASCII", UTRANS_FORWARD, status)};
    if (U_FAILURE(status) || !han) throw library_error{"ICU has no Han-Latin transliterator"};
    icu::UnicodeString all;
    constexpr UChar32 first = 0x4E00, last = 0x9FFF;
    for (UChar32 c = first; c <= last; ++c) {
        all.append(c);
        all.append(static_cast<UChar>('\n'));
    }
    han->transliterate(all);
    std::string text;
    all.toUTF8String(text);
    std::size_t pos = 0;
    for (UChar32 c = first; c <= last && pos <= text.size(); ++c) {
        const std::size_t nl = text.find('\n', pos);
        const std::string reading = text.substr(pos, nl - pos);
        pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
        const auto parts = split_spaces(reading);
        // A character ICU cannot read comes back unchanged (non-ASCII): no entry.
        if (parts.size() == 1 && std::all_of(parts[0].begin(), parts[0].end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); })) {
            chars_.emplace(static_cast<char32_t>(c), parts[0]);
        }
    }

    const auto chars = gdal::read_csv_table(data_dir / "pinyin" / "place_chars.csv", {"char", "pinyin"});
    for (const auto& row : chars.rows) {
        const auto c = to_u32(row[chars.column("char")]);
        if (c.size() == 1) chars_[c[0]] = row[chars.column("pinyin")];
    }
    const auto words = gdal::read_csv_table(data_dir / "pinyin" / "place_words.csv", {"word", "pinyin"});
    for (const auto& row : words.rows) {
        auto w = to_u32(row[words.column("word")]);
        longest_word_ = std::max(longest_word_, w.size());
        words_[std::move(w)] = split_spaces(row[words.column("pinyin")]);
    }
    const auto generics = gdal::read_csv_table(data_dir / "pinyin" / "generics.csv", {"generic", "spelling"});
    for (const auto& row : generics.rows) generics_.push_back({to_u32(row[generics.column("generic")]), row[generics.column("spelling")]});
    std::stable_sort(generics_.begin(), generics_.end(), [](const Generic& a, const Generic& b) { return a.text.size() > b.text.size(); });
}

const Romanizer& Romanizer::shared() {
    static const Romanizer instance{data_dir()};
    return instance;
}

std::vector<std::string> Romanizer::syllables(const std::u32string& t) const {
    std::vector<std::string> out;
    std::size_t i = 0;
    std::string digits;
    while (i < t.size()) {
        if (t[i] >= U'0' && t[i] <= U'9') {
            digits += static_cast<char>(t[i]);
            ++i;
            continue;
        }
        if (!digits.empty()) { out.push_back(digits); digits.clear(); }
        bool matched = false;
        for (std::size_t len = std::min(longest_word_, t.size() - i); len >= 2; --len) {
            auto it = words_.find(t.substr(i, len));
            if (it != words_.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                i += len;
                matched = true;
                break;
            }
        }
        if (matched) continue;
        auto c = chars_.find(t[i]);
        if (c != chars_.end()) out.push_back(c->second);
        else if (t[i] < 128 && std::isalpha(static_cast<int>(t[i]))) out.push_back(std::string(1, static_cast<char>(std::tolower(static_cast<int>(t[i])))));
        ++i;
    }
    if (!digits.empty()) out.push_back(digits);
    return out;
}

std::vector<std::string> Romanizer::syllables(std::string_view text) const { return syllables(to_u32(text)); }

std::string Romanizer::key(std::string_view text) const {
    std::string out;
    for (const auto& s : syllables(text)) out += s;
    return out;
}

Romanization Romanizer::romanize(std::string_view name, NameKind kind) const {
    const std::u32string t = to_u32(name);
    Romanization r;
    std::vector<std::string> all;
    auto add_initials = [&](const std::vector<std::string>& syl) {
        for (const auto& s : syl) {
            r.key += s;
            if (!s.empty()) r.initials += s[0];
        }
    };
    if (kind == NameKind::one_word) {
        const auto syl = syllables(t);
        add_initials(syl);
        r.spelling = join_word(syl);
        return r;
    }
    const Generic* generic = nullptr;
    for (const auto& g : generics_) {
        if (t.size() > g.text.size() && t.ends_with(g.text)) { generic = &g; break; }
    }
    if (!generic) {
        const auto syl = syllables(t);
        add_initials(syl);
        r.spelling = join_word(syl);
        return r;
    }
    std::u32string proper = t.substr(0, t.size() - generic->text.size());
    std::string generic_spelling = generic->spelling;
    std::vector<std::string> generic_syl = syllables(generic->text);
    // 人民东路 -> Renmin Donglu: a one-syllable direction after a proper part of two or more
    // characters joins the generic.
    if (proper.size() >= 3 && is_direction(proper.back())) {
        const auto dir = syllables(proper.substr(proper.size() - 1));
        proper.pop_back();
        std::string joined;
        for (const auto& s : dir) joined += s;
        std::string lower_generic = generic_spelling;
        for (auto& ch : lower_generic) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        generic_spelling = capitalised(joined + lower_generic);
        generic_syl.insert(generic_syl.begin(), dir.begin(), dir.end());
    }
    const auto proper_syl = syllables(proper);
    add_initials(proper_syl);
    add_initials(generic_syl);
    r.spelling = join_word(proper_syl) + " " + generic_spelling;
    return r;
}

} // namespace diming::pinyin
