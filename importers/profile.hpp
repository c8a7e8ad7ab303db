#pragma once
// Import profiles: how a dataset's columns map onto the registry (schemas/import-profile.schema.json).

#include "importers/divisions.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace diming::import {

enum class Target { addresses, place_names, door_plates, divisions };

struct LayerMapping {
    std::string layer; // "" = the dataset's only or first layer
    Target target = Target::addresses;
    std::string id_column;
    std::string address_column;
    std::map<std::string, std::string> fields;    // diming field -> column
    std::map<std::string, std::string> constants; // diming field -> value
    std::string x_column, y_column;               // empty: use the geometry
};

struct Profile {
    std::string name;
    std::string encoding = "UTF-8";
    std::string crs; // "" = the layer's own, else EPSG:4490
    std::optional<std::array<double, 4>> extent;
    std::vector<LayerMapping> layers;
};

// Reads and checks a profile; throws import_error naming the file and the offending key.
Profile load_profile(const std::filesystem::path& path);
Profile profile_from_json(const std::string& json_text, const std::string& where);

// The diming fields each target understands (for checking profiles and guessing).
const std::vector<std::string>& fields_of(Target target);
const char* to_string(Target target);

// A profile proposed from a dataset's layers and column names (Chinese or English), as JSON.
std::string guess_profile(const std::filesystem::path& dataset, const std::string& layer);

} // namespace diming::import
