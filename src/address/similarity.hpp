#pragma once
// How close two names are: what the gazetteer's road candidates and the matcher's fuzzy
// level both ask.

#include <climits>
#include <string>
#include <vector>

namespace diming::address {

// Levenshtein distance in code points; stops early (returning limit + 1) when the lengths
// alone differ by more than limit.
int edit_distance(const std::u32string& a, const std::u32string& b, int limit = INT_MAX - 1);

// s itself and s with each one code point deleted: two strings within one edit of each other
// share at least one of these (index by them, then confirm with edit_distance).
std::vector<std::u32string> deletion_variants(const std::u32string& s);

} // namespace diming::address
