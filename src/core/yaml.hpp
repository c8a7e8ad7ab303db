#pragma once
// A JSON document written as YAML (yaml-cpp), for the clients that read OpenAPI in YAML.

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace diming {

// Every string is double-quoted, so that none is read back as another type ("yes", "1.0").
std::string to_yaml(const nlohmann::json& document);

} // namespace diming
