#include "address/similarity.hpp"

#include <algorithm>

namespace diming::address {

int edit_distance(const std::u32string& a, const std::u32string& b, int limit) {
    const auto longer = std::max(a.size(), b.size()), shorter = std::min(a.size(), b.size());
    if (longer - shorter > static_cast<std::size_t>(limit)) return limit + 1;
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::vector<std::u32string> deletion_variants(const std::u32string& s) {
    std::vector<std::u32string> out{s};
    for (std::size_t i = 0; i < s.size(); ++i) out.push_back(s.substr(0, i) + s.substr(i + 1));
    return out;
}

} // namespace diming::address
