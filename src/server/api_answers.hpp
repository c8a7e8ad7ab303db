#pragma once
// What each JSON answer of the HTTP API holds, field by field, as OpenAPI 3 schemas: the
// response half of /api (api_description.cpp holds the request half and the routes). Kept
// apart because it is long and because it is what clients build on. tests/web checks every
// answer the server gives against these, so a field added or renamed without its schema
// fails there. Internal to src/server.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace diming::server {

// The schema of the answer to `key` ("GET /api/v1/names") with HTTP status `status`; none
// when the answer is not JSON or not described.
std::optional<nlohmann::json> answer_schema(const std::string& key, int status);

// The body of every refusal (4xx, 5xx): {error, message, field, conflicts?}.
nlohmann::json error_schema();

} // namespace diming::server
