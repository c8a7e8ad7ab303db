#pragma once
// The HTML representation of /ogc (Part 1's HTML conformance class): the same documents as
// the JSON ones, drawn as pages a person can browse — links, a table of collections, a table
// of features with the next page, one feature's properties.

#include <string>

namespace diming::ogc {

// `document` is the JSON the same request answers without f=html; `kind` says which it is.
enum class PageKind { landing, conformance, collections, collection, items, item };
// `base` is /ogc's absolute URL (for the way home).
std::string html_of(PageKind kind, const std::string& document, const std::string& base);

} // namespace diming::ogc
