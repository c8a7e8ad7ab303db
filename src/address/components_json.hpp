#pragma once
// AddressComponents as JSON, the one shape the CLI (`diming parse --json`) and the HTTP
// API share.

#include "address/components.hpp"

#include <nlohmann/json.hpp>

namespace diming::address {

nlohmann::json to_json(const AddressComponents& a);

} // namespace diming::address
