#include "address/normalize.hpp"

#include "core/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <mutex>
#include <unordered_map>

namespace diming::address {

namespace {

// Traditional -> simplified, character by character, from ICU's Traditional-Simplified
// transliterator run once over the CJK block.
const std::unordered_map<char32_t, char32_t>& simplified_table() {
    static const std::unordered_map<char32_t, char32_t> table = [] {
        std::unordered_map<char32_t, char32_t> t;
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::Transliterator> tr{icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status)};
        if (U_FAILURE(status) || !tr) return t;
        icu::UnicodeString all;
        constexpr UChar32 first = 0x4E00, last = 0x9FFF;
        for (UChar32 c = first; c <= last; ++c) {
            all.append(c);
            all.append(static_cast<UChar>('\n'));
        }
        icu::UnicodeString out = all;
        tr->transliterate(out);
        // Walk both strings line by line; keep one-to-one changes only.
        int32_t i = 0;
        UChar32 c = first;
        for (int32_t j = 0; j < out.length() && c <= last; ++c) {
            const UChar32 in_c = all.char32At(i);
            i += U16_LENGTH(in_c) + 1;
            const UChar32 o = out.char32At(j);
            const int32_t next_nl = out.indexOf(static_cast<UChar>('\n'), j);
            if (next_nl < 0) break;
            if (next_nl - j == U16_LENGTH(o) && o != in_c) t.emplace(static_cast<char32_t>(in_c), static_cast<char32_t>(o));
            j = next_nl + 1;
        }
        return t;
    }();
    return table;
}

const icu::Normalizer2& nfkc() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status) || !n) throw library_error{"ICU has no NFKC normaliser"};
    return *n;
}

bool is_space(char32_t c) {
    return c == U' ' || c == U'\t' || c == U'\r' || c == U'\n' || c == 0x3000 || c == 0xA0 || u_isUWhiteSpace(static_cast<UChar32>(c));
}

bool is_dash(char32_t c) {
    return c == U'-' || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014 || c == 0x2015 ||
           c == 0x2212 || c == U'~' || c == 0x301C || c == U'—';
}

// Punctuation that carries no address content.
bool is_dropped(char32_t c) {
    switch (c) {
    case U',': case U'.': case U';': case U':': case U'"': case U'\'': case U'(': case U')': case U'[': case U']':
    case U'{': case U'}': case U'<': case U'>': case U'/': case U'\\': case U'|': case U'!': case U'?': case U'*': case U'_':
    case U'、': case U'。': case U'，': case U'；': case U'：': case U'“': case U'”': case U'‘': case U'’': case U'（':
    case U'）': case U'【': case U'】': case U'《': case U'》': case U'〈': case U'〉': case U'·': case U'・':
        return true;
    default:
        return false;
    }
}

} // namespace

NormalizedText normalize(std::string_view utf8) {
    if (utf8.size() > max_input_bytes) {
        throw address_error{"address is " + std::to_string(utf8.size()) + " bytes long; the limit is " + std::to_string(max_input_bytes)};
    }
    if (auto bad = text::first_invalid_utf8(utf8)) {
        throw address_error{"address is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
    }
    NormalizedText out;
    out.input = to_u32(utf8);
    const std::u32string& in = out.input;
    out.input_length = static_cast<int>(in.size());
    out.text.reserve(in.size());
    out.origin.reserve(in.size());
    const icu::Normalizer2* norm = nullptr;
    const std::unordered_map<char32_t, char32_t>* simplified = nullptr;
    auto emit = [&](char32_t c, int origin) {
        if (is_space(c) || is_dropped(c) || c < 0x20) return;
        if (is_dash(c)) c = U'-';
        else if (c == U'#') c = U'号';
        else if (c >= U'a' && c <= U'z') c = c - U'a' + U'A';
        out.text.push_back(c);
        out.origin.push_back(origin);
    };
    for (int i = 0; i < static_cast<int>(in.size()); ++i) {
        char32_t c = in[i];
        if (c >= 0x4E00 && c <= 0x9FFF) {
            if (!simplified) simplified = &simplified_table();
            if (auto it = simplified->find(c); it != simplified->end()) c = it->second;
            emit(c, i);
            continue;
        }
        if (c < 0x80 || u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NFKC_QUICK_CHECK) == UNORM_YES) {
            emit(c, i);
            continue;
        }
        if (!norm) norm = &nfkc();
        UErrorCode status = U_ZERO_ERROR;
        const icu::UnicodeString n = norm->normalize(icu::UnicodeString(static_cast<UChar32>(c)), status);
        if (U_FAILURE(status)) {
            emit(c, i);
            continue;
        }
        for (int32_t j = 0; j < n.length();) {
            const UChar32 d = n.char32At(j);
            emit(static_cast<char32_t>(d), i);
            j += U16_LENGTH(d);
        }
    }
    return out;
}

} // namespace diming::address
