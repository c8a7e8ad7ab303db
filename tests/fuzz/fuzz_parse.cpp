// libFuzzer target for the address parser: any bytes in, either components or an
// address_error out; never a crash, a sanitizer report, or another exception escaping.
// Built with -DDIMING_FUZZ=ON and clang (./dev fuzz).

#include "address/gazetteer.hpp"
#include "address/parser.hpp"
#include "core/data_dir.hpp"
#include "core/gdal.hpp"
#include "pinyin/romanizer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

const diming::address::Gazetteer& gazetteer() {
    static const diming::address::Gazetteer g = [] {
        diming::address::Gazetteer out;
        const auto t = diming::gdal::read_csv_table(diming::data_dir() / "divisions" / "330482.csv", {"code", "name"});
        for (const auto& row : t.rows) out.add_division(row[0], row[1], true);
        out.add_national_divisions(diming::data_dir() / "divisions" / "china_counties.csv");
        out.add_road("1", "人民路", "330482001000");
        out.add_road("2", "新华路", "330482001000");
        out.add_former_name("胜利路", "2", diming::address::Via::former_name);
        out.index_pinyin(diming::pinyin::Romanizer::shared());
        return out;
    }();
    return g;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    try {
        const auto a = diming::address::parse(text, gazetteer());
        // Every span lies inside the input.
        for (const auto& c : a.components) {
            if (c.span.begin < 0 || c.span.end < c.span.begin) __builtin_trap();
        }
    } catch (const diming::address::address_error&) {
        // invalid UTF-8 or oversized: the documented outcome
    }
    return 0;
}
