#include "cli/commands.hpp"

#include "address/evaluation.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>
#include <iostream>

namespace diming::cli {

void add_eval_parse(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval-parse", "Score the address parser against labelled addresses (CoNLL, BIOES tags, e.g. CCKS 2021)");
    auto file = std::make_shared<std::string>();
    auto db = std::make_shared<std::string>();
    cmd->add_option("CONLL", *file, "labelled file: one 'CHAR TAG' per line, a blank line between addresses")->required();
    cmd->add_option("--db", *db, "registry database whose names the parser knows");
    cmd->callback([file, db] {
        const auto gazetteer = load_gazetteer(*db);
        const auto ev = address::evaluate_conll(*file, gazetteer);
        std::printf("%s: %ld addresses, entity-level scores (span and label must agree)\n", file->c_str(), ev.addresses);
        std::printf("%-14s %7s %7s %7s %7s %7s %7s\n", "label", "gold", "pred", "right", "P", "R", "F1");
        auto row = [](const std::string& name, const address::LabelScore& s) {
            std::printf("%-14s %7ld %7ld %7ld %6.1f%% %6.1f%% %6.1f%%\n", name.c_str(), s.gold, s.predicted, s.correct,
                        100 * s.precision(), 100 * s.recall(), 100 * s.f1());
        };
        for (const auto& [label, s] : ev.labels) row(label, s);
        row("micro (mapped)", ev.micro_mapped);
        row("micro (all)", ev.micro);
        // Where the misses go: for each label, the three commonest things predicted instead.
        std::printf("\nmissed gold entities, by what was predicted instead (label: same span, ~label: overlapping span):\n");
        for (const auto& [label, instead] : ev.confusion) {
            std::vector<std::pair<long, std::string>> top;
            long total = 0;
            for (const auto& [what, n] : instead) {
                top.emplace_back(n, what);
                total += n;
            }
            std::sort(top.rbegin(), top.rend());
            std::printf("%-14s %6ld ", label.c_str(), total);
            for (std::size_t i = 0; i < top.size() && i < 4; ++i) std::printf(" %s %ld", top[i].second.c_str(), top[i].first);
            std::printf("\n");
        }
    });
}

} // namespace diming::cli
