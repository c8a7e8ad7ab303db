#pragma once
// Scores the parser against externally labelled addresses in CoNLL form (one character and
// its BIOES tag per line, a blank line between addresses), as in the CCKS 2021 address
// element data. Our components are mapped to the file's labels; the score is entity-level:
// a predicted span counts only if its label, start and end all agree.

#include "address/gazetteer.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace diming::address {

struct LabelScore {
    long gold = 0, predicted = 0, correct = 0;
    double precision() const { return predicted ? static_cast<double>(correct) / static_cast<double>(predicted) : 0; }
    double recall() const { return gold ? static_cast<double>(correct) / static_cast<double>(gold) : 0; }
    double f1() const {
        const double p = precision(), r = recall();
        return p + r > 0 ? 2 * p * r / (p + r) : 0;
    }
};

struct Evaluation {
    long addresses = 0;
    std::map<std::string, LabelScore> labels; // by the file's label
    LabelScore micro;          // over every label in the file
    LabelScore micro_mapped;   // over the labels diming produces
    // For each gold entity not predicted exactly: what was predicted instead, by gold label —
    // the same span under another label ("town"), a span that overlaps it ("~poi": too long,
    // too short or shifted), or nothing at all ("(missed)").
    std::map<std::string, std::map<std::string, long>> confusion;
};

// The file's label for a component, or "" where diming has no counterpart.
std::string ccks_label(Level level, const std::string& text, bool has_road);

Evaluation evaluate_conll(const std::filesystem::path& conll, const Gazetteer& gazetteer);

} // namespace diming::address
