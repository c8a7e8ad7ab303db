#include "cli/commands.hpp"

#include "match/evaluation.hpp"
#include "match/match_run.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

#include <cstdio>

namespace diming::cli {

void add_match(CLI::App& app) {
    auto* cmd = app.add_subcommand("match", "Match a police dataset against a civil one: levels, distances, reasons and match rates");
    struct Args {
        std::string db, truth;
        std::int64_t police = 0, civil = 0, run = 0;
        double distance = 50;
        int threads = 2;
        std::size_t part_records = 200000;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--db", a->db, "registry database")->required();
    cmd->add_option("--police", a->police, "police dataset id (from diming import)");
    cmd->add_option("--civil", a->civil, "civil dataset id");
    cmd->add_option("--distance", a->distance, "metres within which two points agree")->capture_default_str();
    cmd->add_option("--threads", a->threads, "matching threads")->capture_default_str();
    cmd->add_option("--part-records", a->part_records, "police records matched at a time, a compact area of the map (bounds memory; answers do not depend on it)")
        ->capture_default_str();
    cmd->add_option("--evaluate", a->run, "instead of matching: score this run against --truth");
    cmd->add_option("--truth", a->truth, "ground truth CSV (police_id,civil_plate_id,variations), e.g. diming sample's truth.csv");
    cmd->callback([a] {
        if (a->run) {
            if (a->truth.empty()) throw input_error{"match --evaluate needs --truth"};
            auto db = store::Database::open(a->db, store::Access::read_only);
            const auto ev = match::evaluate_run(db, a->run, a->truth);
            auto row = [](const std::string& name, const match::PairScore& s) {
                std::printf("%-22s %8lld %8lld %8lld %8.2f%% %8.2f%%\n", name.c_str(), static_cast<long long>(s.truth_pairs),
                            static_cast<long long>(s.linked), static_cast<long long>(s.correct), 100 * s.precision(), 100 * s.recall());
            };
            std::printf("match run %lld against %s\n%-22s %8s %8s %8s %9s %9s\n", static_cast<long long>(a->run), a->truth.c_str(),
                        "variation", "pairs", "linked", "correct", "precision", "recall");
            row("overall", ev.overall);
            for (const auto& [v, s] : ev.by_variation) row(v, s);
            std::printf("unregistered police records: %lld, linked anyway: %lld\n", static_cast<long long>(ev.unregistered),
                        static_cast<long long>(ev.unregistered_linked));
            return;
        }
        if (!a->police || !a->civil) throw input_error{"match: --police and --civil dataset ids are required"};
        auto db = store::Database::open(a->db, store::Access::read_write);
        store::require_current_schema(db);
        match::MatchOptions o;
        o.police_dataset = a->police;
        o.civil_dataset = a->civil;
        o.distance_m = a->distance;
        o.threads = a->threads;
        o.part_records = a->part_records;
        o.actor = store::cli_actor();
        const auto s = match::run_match(db, o);
        std::printf("match run %lld: %lld police records against %lld civil plates in %.1f s\n", static_cast<long long>(s.run_id),
                    static_cast<long long>(s.police_records), static_cast<long long>(s.civil_records), s.seconds);
        for (const auto& [level, n] : s.by_level) std::printf("  %-9s %8lld\n", level.c_str(), static_cast<long long>(n));
        std::printf("  textual match rate  %6.2f%%  (%lld / %lld police records linked at door-plate level or finer)\n",
                    100 * s.textual_rate(), static_cast<long long>(s.textual), static_cast<long long>(s.police_records));
        std::printf("  spatial match rate  %6.2f%%  (%lld linked and within %.0f m / %lld)\n", 100 * s.spatial_rate(),
                    static_cast<long long>(s.spatial), a->distance, static_cast<long long>(s.police_records));
        std::printf("  civil coverage      %6.2f%%  (%lld / %lld civil plates with a police record)\n", 100 * s.coverage(),
                    static_cast<long long>(s.covered), static_cast<long long>(s.civil_records));
        std::printf("  conflicts: %lld plates linked by two or more records, %lld links beyond %.0f m, %lld ties\n",
                    static_cast<long long>(s.shared_plates), static_cast<long long>(s.far_links), a->distance, static_cast<long long>(s.ties));
        if (s.decided > 0) {
            std::printf("  governed rate       %6.2f%%  (%lld / %lld after %lld decisions: %lld linked by hand, %lld records changed since decided)\n",
                        100 * s.governed_rate(), static_cast<long long>(s.governed_textual), static_cast<long long>(s.governed_police),
                        static_cast<long long>(s.decided), static_cast<long long>(s.manual), static_cast<long long>(s.changed_since_decision));
        }
    });
}

} // namespace diming::cli
