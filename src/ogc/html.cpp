#include "ogc/html.hpp"

#include "core/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace diming::ogc {

namespace {

using nlohmann::json;

std::string e(const json& v) {
    if (v.is_string()) return text::xml_escape(v.get<std::string>());
    if (v.is_null()) return "";
    return text::xml_escape(v.dump());
}

// The HTML twin of a link: its href with f=html, so that browsing stays in HTML.
std::string html_href(const std::string& href) {
    if (href.find("f=html") != std::string::npos) return href;
    return href + (href.find('?') == std::string::npos ? "?f=html" : "&f=html");
}

std::string links_list(const json& links) {
    std::string out = "<ul class=\"links\">\n";
    for (const auto& l : links) {
        if (l.value("type", "") == "text/html" && l.value("rel", "") == "alternate") continue;
        const std::string href = l.value("href", "");
        const bool browsable = l.value("type", "") == "application/json" || l.value("type", "") == "application/geo+json";
        out += "<li><a href=\"" + e(browsable ? html_href(href) : href) + "\" rel=\"" + e(l.value("rel", "")) + "\">" +
               e(l.value("title", l.value("rel", ""))) + "</a> <small>" + e(l.value("type", "")) + "</small></li>\n";
    }
    return out + "</ul>\n";
}

std::string page(const std::string& base, const std::string& title, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>" + text::xml_escape(title) + "</title>\n<style>\n"
           "body{font-family:\"Noto Sans CJK SC\",sans-serif;margin:1.5rem;color:#1b1b1b}table{border-collapse:collapse}"
           "th,td{border:1px solid #d0d4da;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}th{background:#eef2f7}"
           "small{color:#777}nav a{margin-right:1rem}\n</style>\n</head>\n<body>\n"
           "<nav><a href=\"" + text::xml_escape(base) + "?f=html\" id=\"home\">OGC API</a> <a href=\"" + text::xml_escape(base) +
           "/collections?f=html\">要素集合 Collections</a></nav>\n" + body + "</body>\n</html>\n";
}

std::string geometry_summary(const json& g) {
    if (!g.is_object()) return "";
    std::string out = e(g.value("type", ""));
    if (g.value("type", "") == "Point" && g["coordinates"].size() >= 2) out += " " + e(g["coordinates"][0]) + ", " + e(g["coordinates"][1]);
    return out;
}

std::string properties_table(const json& props) {
    std::string out = "<table class=\"properties\">\n";
    for (const auto& [k, v] : props.items()) out += "<tr><th>" + text::xml_escape(k) + "</th><td>" + e(v) + "</td></tr>\n";
    return out + "</table>\n";
}

} // namespace

std::string html_of(PageKind kind, const std::string& document, const std::string& base) {
    const auto d = json::parse(document);
    switch (kind) {
    case PageKind::landing:
        return page(base, d.value("title", "OGC API"), "<h1>" + e(d["title"]) + "</h1>\n<p>" + e(d["description"]) + "</p>\n" + links_list(d["links"]));
    case PageKind::conformance: {
        std::string body = "<h1>一致性 <small lang=\"en\">Conformance</small></h1>\n<ul>\n";
        for (const auto& c : d["conformsTo"]) body += "<li>" + e(c) + "</li>\n";
        return page(base, "Conformance", body + "</ul>\n");
    }
    case PageKind::collections: {
        std::string body = "<h1>要素集合 <small lang=\"en\">Collections</small></h1>\n<table id=\"collections\">\n"
                           "<tr><th>id</th><th>名称 title</th><th>几何 geometry</th><th>说明 description</th></tr>\n";
        for (const auto& c : d["collections"]) {
            std::string items;
            for (const auto& l : c["links"]) {
                if (l.value("rel", "") == "items" && l.value("type", "") == "text/html") items = l.value("href", "");
            }
            body += "<tr><td><a href=\"" + e(items) + "\">" + e(c["id"]) + "</a></td><td>" + e(c["title"]) + "</td><td>" + e(c["geometryType"]) +
                    "</td><td>" + e(c["description"]) + "</td></tr>\n";
        }
        return page(base, "Collections", body + "</table>\n");
    }
    case PageKind::collection:
        return page(base, d.value("title", ""), "<h1>" + e(d["title"]) + "</h1>\n<p>" + e(d["description"]) + "</p>\n<p>几何 geometry: " + e(d["geometryType"]) +
                                              "</p>\n" + links_list(d["links"]));
    case PageKind::items: {
        // The columns: every property any feature on the page has, in first-seen order.
        std::vector<std::string> columns;
        for (const auto& f : d["features"]) {
            for (const auto& [k, v] : f["properties"].items()) {
                if (std::find(columns.begin(), columns.end(), k) == columns.end()) columns.push_back(k);
            }
        }
        std::string body = "<h1>要素 <small lang=\"en\">Features</small></h1>\n<p id=\"counts\">" + e(d["numberReturned"]) + " on this page" +
                           (d.contains("numberMatched") ? " of " + e(d["numberMatched"]) : "") + "</p>\n";
        std::string next;
        for (const auto& l : d["links"]) {
            if (l.value("rel", "") == "next") next = html_href(l.value("href", ""));
        }
        body += "<table id=\"features\">\n<tr><th>id</th><th>geometry</th>";
        for (const auto& c : columns) body += "<th>" + text::xml_escape(c) + "</th>";
        body += "</tr>\n";
        for (const auto& f : d["features"]) {
            body += "<tr><td>" + e(f["id"]) + "</td><td>" + geometry_summary(f["geometry"]) + "</td>";
            for (const auto& c : columns) body += "<td>" + (f["properties"].contains(c) ? e(f["properties"][c]) : "") + "</td>";
            body += "</tr>\n";
        }
        body += "</table>\n";
        if (!next.empty()) body += "<p><a id=\"next\" rel=\"next\" href=\"" + e(next) + "\">下一页 next page</a></p>\n";
        return page(base, "Features", body);
    }
    case PageKind::item:
        return page(base, "要素 Feature " + e(d["id"]), "<h1>要素 <small lang=\"en\">Feature</small> " + e(d["id"]) + "</h1>\n<p>" + geometry_summary(d["geometry"]) + "</p>\n" +
                                                  properties_table(d["properties"]) + links_list(d["links"]));
    }
    return {};
}

} // namespace diming::ogc
