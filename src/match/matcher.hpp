#pragma once
// The matcher's working parts, shared by a run's partitions: the records as the matcher reads
// them, the index of the civil side's places (every road and village key, by pinyin and by
// one-edit variants: small, built once for the whole dataset), and the Matcher over one set
// of civil records (a town's, with what its police records may reach beyond it).

#include "core/proj.hpp"
#include "store/database.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace diming::match::detail {

enum KeyLevel { road = 0, plate = 1, building = 2, room = 3 };

struct Record {
    std::int64_t id = 0;
    std::optional<std::string> source_id;       // the source's own id (地址编码)
    std::optional<std::int64_t> door_plate_id;  // civil records that are registry plates
    std::string town, community;                // police records: for the rates by division
    std::string raw;                 // the address text as imported
    std::array<std::string, 4> keys; // road, plate, building, room
    bool has_point = false;
    double x = 0, y = 0;             // metres, EPSG:4549
    bool has_notes = false;
    std::string components;          // JSON (police only, read for notes)
};

// "town|place|number|building|unit|room" -> its parts.
std::vector<std::string> split_key(const std::string& key);

struct Result {
    std::int64_t police_id = 0;
    std::optional<std::int64_t> civil_id;
    std::optional<int> civil_index;
    std::string level = "unmatched";
    double score = 0;
    std::optional<double> distance;
    int ties = 0;
    std::string reason;
    // Governance (governance.hpp): what the automatic matcher answered, the decision applied.
    std::string auto_level = "unmatched";
    std::optional<std::int64_t> auto_civil_id;
    std::optional<double> auto_distance;
    int auto_ties = 0;
    std::int64_t decision_id = 0;
    std::string decision_kind;
    bool changed_since_decision = false;
};

// The records of a dataset whose ids are listed (ascending), read in that order.
std::vector<Record> load_records(store::Database& db, const std::vector<std::int64_t>& ids, bool police, const proj::Transformation& to_metres);

struct FuzzyPlace {
    std::string key_road;
    double score;
    std::string why;
};

// How far a misspelt road is looked for from the record's point: a place is a candidate when
// one of its civil plates lies in the 3×3 cells of this size around the point (so at least
// this far in every direction). A police point is the building's own (or a few hundred metres
// off); a same-sounding road across the city is another road, and a city of 100,000 roads has
// hundreds one character away from any name.
constexpr double fuzzy_reach_m = 1000.0;

// Every road and village key of the civil dataset, with the names it is known by and where its
// plates lie.
class PlaceIndex {
public:
    // formers: current road name -> its former names (the place-name history).
    explicit PlaceIndex(const std::unordered_map<std::string, std::vector<std::string>>& formers) : formers_{formers} {}
    // Each civil record's place, in the civil records' order (the order ties are reported in),
    // with its point (metres, EPSG:4549) if it has one.
    void add(const std::string& key_road, const std::optional<std::pair<double, double>>& at);
    // After the last add, before the first look-up.
    void seal();
    bool contains(const std::string& key_road) const { return index_.contains(key_road); }
    // Registered places that sound like `place` or are one edit from it, own town first; when
    // `near` is given (metres), only those with a plate within reach of it (fuzzy_reach_m).
    std::vector<FuzzyPlace> fuzzy_places(const std::string& key_road, const std::string& place,
                                         const std::optional<std::pair<double, double>>& near = std::nullopt) const;

private:
    struct Place {
        std::string key_road, town;
        std::vector<std::u32string> names;    // current, former, a natural village's own
        std::vector<std::string> pinyin;      // of each name
        std::vector<std::int64_t> cells;      // of fuzzy_reach_m holding its plates
    };
    const std::unordered_map<std::string, std::vector<std::string>>& formers_;
    std::vector<Place> places_;
    std::unordered_map<std::string, std::uint32_t> index_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> by_pinyin_;
    std::unordered_map<std::u32string, std::vector<std::uint32_t>> by_deletion_;
    // (hash of a name's pinyin or deletion variant with a cell holding the place's plates,
    // place), sorted: the places of that spelling near a point. A hash collision only adds a
    // candidate that the spelling and cell checks then turn away.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> near_;
    bool sealed_ = false;
};

// A natural village written without its village is placed no further than this from its
// plate: villages of a town lie kilometres apart, a village's plates within one.
constexpr double village_reach_m = 1000.0;

class Matcher {
public:
    // The candidate places of unknown road keys near a point (fuzzy_cache_key), worked out
    // before (many records share one).
    using FuzzyCache = std::unordered_map<std::string, std::vector<FuzzyPlace>>;
    // civil: every civil record a police record to be matched here may reach, in id order.
    // fuzzy: when given, the candidates of every unknown road key the records have.
    Matcher(const std::vector<Record>& civil, double distance, const PlaceIndex& places, const FuzzyCache* fuzzy = nullptr);

    // `rejected`: civil records (by index) governance forbids for this record.
    Result match(const Record& p, const std::unordered_set<int>* rejected = nullptr) const;
    // A link governance made (confirmed or by hand): whatever the keys say.
    Result manual(const Record& p, int civil_index) const;

private:
    const std::vector<Record>& civil_;
    double distance_;
    const PlaceIndex& places_;
    const FuzzyCache* fuzzy_;
    std::array<std::unordered_map<std::string, std::vector<int>>, 4> by_key_;
    std::unordered_map<std::int64_t, std::vector<int>> grid_;

    static double dist(const Record& a, const Record& b);
    bool choose(const Record& p, const std::vector<int>& candidates, Result& r, const std::unordered_set<int>* rejected) const;
    std::optional<std::pair<int, double>> nearest_within(double x, double y, const std::unordered_set<int>* rejected) const;
    static std::string agreement(const std::string& key, int level);
    void finish_reason(const Record& p, Result& r) const;
};

// The grid cell of a point for a matching distance, and the 3×3 cells around it (its own
// among them): where every civil plate within the distance of the point lies. One definition
// for the matcher's nearest-plate search and for a run's parts, which must load those cells.
std::int64_t grid_cell(double x, double y, double distance);
std::array<std::int64_t, 9> grid_neighbourhood(double x, double y, double distance);

// A record's point for PlaceIndex::fuzzy_places, if it has one.
std::optional<std::pair<double, double>> near(const Record& r);
// What a record's fuzzy candidates depend on: its road key and the cell of fuzzy_reach_m its
// point lies in (if it has one).
std::string fuzzy_cache_key(const std::string& key_road, const Record& at);

// The place a key names: its road or village ("town|place|…"; the key itself when it has no town).
std::string key_place(const std::string& key);
// The name an unregistered road key is looked for by among the registered places: its place,
// a natural village written without its village (/孙嘉桥) by its own name.
std::string fuzzy_name(const std::string& key_road);

} // namespace diming::match::detail
