#pragma once
// Place-name romanisation (地名拼音) following the 1984 spelling rules: the proper part joined
// into one word, the generic separate and capitalised (长安路 -> Chang'an Lu), an apostrophe
// before a non-initial syllable starting with a, o or e, a one-syllable direction joined to
// the generic (人民东路 -> Renmin Donglu), natural villages as one word (杨家浜 -> Yangjiabang).
// Readings: data/pinyin's place-name words and characters first (polyphones such as 长, 重,
// 乐, 行, 朝, 堡), then ICU's Han-Latin transliteration with tones removed.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace diming::pinyin {

enum class NameKind {
    generic_separate,  // roads, streets, divisions, compounds, bridges: proper + Generic
    one_word,          // natural villages and towns written whole: Yangjiabang
};

struct Romanization {
    std::string spelling; // Chang'an Lu
    std::string key;      // changanlu: every syllable, lower case (the homophone key)
    std::string initials; // cal
};

class Romanizer {
public:
    // Reads data/pinyin/*.csv and builds the per-character table from ICU once.
    explicit Romanizer(const std::filesystem::path& data_dir);
    // One shared instance over diming's data folder (built on first use, thread-safe).
    static const Romanizer& shared();

    Romanization romanize(std::string_view name, NameKind kind = NameKind::generic_separate) const;
    // Toneless lower-case syllables of any text; characters without a reading pass through.
    std::vector<std::string> syllables(std::string_view text) const;
    // syllables() joined: the homophone key of a name.
    std::string key(std::string_view text) const;

private:
    std::unordered_map<char32_t, std::string> chars_; // place-name readings over ICU's
    std::map<std::u32string, std::vector<std::string>> words_;
    std::size_t longest_word_ = 1;
    struct Generic {
        std::u32string text;
        std::string spelling;
    };
    std::vector<Generic> generics_; // longest first

    std::vector<std::string> syllables(const std::u32string& text) const;
};

} // namespace diming::pinyin
