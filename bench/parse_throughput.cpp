// Parse + normalise throughput on one core: every line of a file (one address per line)
// through address::parse, against ICU's NFKC normaliser alone over the same lines (the
// stock operation every parser here starts with). Prints addresses/s, the ratio, and the bar.

#include "address/gazetteer.hpp"
#include "address/parser.hpp"
#include "core/data_dir.hpp"
#include "core/gdal.hpp"
#include "pinyin/romanizer.hpp"
#include "store/database.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace diming;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: bench_parse ADDRESSES.txt [REGISTRY.sqlite]\n";
        return 2;
    }
    std::ifstream in{argv[1], std::ios::binary};
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    address::Gazetteer g;
    if (argc > 2) {
        auto db = store::Database::open(argv[2], store::Access::read_only);
        g = address::Gazetteer::from_database(db);
    } else {
        const auto t = gdal::read_csv_table(data_dir() / "divisions" / "330482.csv", {"code", "name"});
        for (const auto& row : t.rows) g.add_division(row[0], row[1], true);
        g.add_national_divisions(data_dir() / "divisions" / "china_counties.csv");
        g.add_national_divisions(data_dir() / "divisions" / "china_towns.csv");
        g.index_pinyin(pinyin::Romanizer::shared());
    }
    (void)address::parse("浙江省平湖市當湖街道人民路12号", g); // build the lazy tables outside the clock

    using clock = std::chrono::steady_clock;
    std::size_t components = 0, with_plate_key = 0, errors = 0;
    auto t0 = clock::now();
    for (const auto& l : lines) {
        try {
            const auto a = address::parse(l, g);
            components += a.components.size();
            with_plate_key += !a.key_plate.empty();
        } catch (const address::address_error&) {
            ++errors;
        }
    }
    const double parse_s = std::chrono::duration<double>(clock::now() - t0).count();

    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
    std::size_t bytes = 0;
    t0 = clock::now();
    for (const auto& l : lines) {
        const icu::UnicodeString u = icu::UnicodeString::fromUTF8(l);
        icu::UnicodeString n = nfkc->normalize(u, status);
        std::string out;
        n.toUTF8String(out);
        bytes += out.size();
    }
    const double nfkc_s = std::chrono::duration<double>(clock::now() - t0).count();

    const double rate = static_cast<double>(lines.size()) / parse_s;
    const double nfkc_rate = static_cast<double>(lines.size()) / nfkc_s;
    std::printf("parse %zu addresses on one core: diming %.0f addresses/s (%.2f s, %zu with a plate key, %zu errors)  |  "
                "ICU NFKC alone %.0f/s  |  ratio %.2f  |  bar 200000/s: %s\n",
                lines.size(), rate, parse_s, with_plate_key, errors, nfkc_rate, rate / nfkc_rate, rate >= 200000 ? "met" : "MISSED");
    (void)components;
    (void)bytes;
    return 0;
}
