#pragma once
// The OpenAPI 3 description of diming's whole HTTP surface, served at /api. Its paths are the
// routes the server registered (RouteInfo, the same table `diming serve --routes` prints);
// what each one takes and answers comes from the table in api_description.cpp, keyed by the
// route's name, so a route added without its description makes openapi() throw (and the
// server refuse to start) rather than drift. Internal to src/server.

#include "server/call.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace diming::server {

// Throws std::logic_error naming a registered route that has no description, or a
// description of a route that is not registered.
nlohmann::json openapi(const std::vector<RouteInfo>& routes, const std::string& base_url, bool open_reads);

} // namespace diming::server
