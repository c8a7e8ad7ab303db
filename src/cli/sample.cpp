#include "cli/commands.hpp"

#include "sample/sample.hpp"

#include <iostream>

namespace diming::cli {

void add_sample(CLI::App& app) {
    auto* cmd = app.add_subcommand("sample", "Write a synthetic civil registry (civil.gpkg), police extract (police.csv), divisions and ground truth, for Pinghu or several counties");
    struct Args {
        std::string out, crs = "gcj02", encoding = "utf-8";
        sample::SampleOptions options;
        std::vector<std::string> rates;
        bool list = false;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--out", a->out, "output folder");
    cmd->add_option("--seed", a->options.seed, "random seed (same seed, same bytes)")->capture_default_str();
    cmd->add_option("--plates", a->options.plates, "rows in civil.gpkg's door_plates layer")->capture_default_str();
    cmd->add_option("--counties", a->options.counties,
                    "counties laid out, comma-separated division codes; a city's code (330400) stands for all its counties")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--police-crs", a->crs, "police coordinates: gcj02, cgcs2000 or gk120 (EPSG:4549)")->capture_default_str();
    cmd->add_option("--police-encoding", a->encoding, "police.csv encoding: utf-8 or gbk")->capture_default_str();
    cmd->add_option("--rate", a->rates, "NAME=VALUE: the rate of one variation (see --list-variations); repeatable");
    cmd->add_flag("--list-variations", a->list, "list the variations, their defaults and what they apply to");
    cmd->callback([a] {
        if (a->list) {
            for (const auto& [name, v] : sample::variation_catalogue()) {
                std::cout << name << "  default " << v.default_rate << "  over " << v.applies_to << ": " << v.what << '\n';
            }
            return;
        }
        if (a->out.empty()) throw input_error{"sample: --out is required"};
        a->options.police_crs = sample::parse_police_crs(a->crs);
        a->options.police_encoding = sample::parse_police_encoding(a->encoding);
        for (const auto& r : a->rates) {
            const auto eq = r.find('=');
            if (eq == std::string::npos) throw input_error{"--rate " + r + ": expected NAME=VALUE"};
            try {
                std::size_t used = 0;
                const double v = std::stod(r.substr(eq + 1), &used);
                if (used != r.size() - eq - 1) throw std::invalid_argument{r};
                a->options.rates[r.substr(0, eq)] = v;
            } catch (const std::logic_error&) {
                throw input_error{"--rate " + r + ": the value is not a number"};
            }
        }
        a->options.progress = true;
        const auto s = sample::write_sample(a->options, a->out);
        std::cout << a->out << ": " << s.civil_plates << " civil plates on " << s.roads << " roads, " << s.police_records
                  << " police records, in " << s.seconds << " s (civil.gpkg, police.csv, truth.csv, divisions.csv, summary.json)\n";
    });
}

} // namespace diming::cli
