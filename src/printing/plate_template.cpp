#include "printing/plate_template.hpp"

#include "core/data_dir.hpp"
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <mutex>

namespace diming::printing {

namespace {

using nlohmann::json;

PanelContent content_of(const std::string& s, const std::string& where) {
    if (s == "name") return PanelContent::name;
    if (s == "pinyin") return PanelContent::pinyin;
    if (s == "number") return PanelContent::number;
    if (s == "postcode") return PanelContent::postcode;
    if (s == "qr") return PanelContent::qr;
    throw input_error{where + ": content must be name, pinyin, number, postcode or qr, not '" + s + "'"};
}

void require_colour(const std::string& c, const std::string& where) {
    if (c.size() != 7 || c[0] != '#' || c.find_first_not_of("0123456789ABCDEFabcdef", 1) != std::string::npos) {
        throw input_error{where + ": a colour is written #RRGGBB, not '" + c + "'"};
    }
}

double fraction(const json& j, const char* key, double fallback, const std::string& where) {
    if (!j.contains(key)) return fallback;
    if (!j[key].is_number() || j[key].get<double>() < 0 || j[key].get<double>() > 1) {
        throw input_error{where + ": " + key + " is a fraction of the plate, between 0 and 1"};
    }
    return j[key].get<double>();
}

} // namespace

const Panel* PlateTemplate::panel(PanelContent c) const {
    for (const auto& p : panels) {
        if (p.content == c) return &p;
    }
    return nullptr;
}

std::string PlateTemplate::number_text(const std::string& number) const {
    const auto* p = panel(PanelContent::number);
    std::string format = p ? p->number_format : "{}";
    const auto at = format.find("{}");
    return format.replace(at, 2, number);
}

const PlateTemplate& PlateTemplates::for_sign(const std::string& sign) const {
    for (const auto& t : templates) {
        if (t.sign == sign) return t;
    }
    throw input_error{(data_dir() / "plates" / "templates.json").string() + ": no template for sign '" + sign + "'"};
}

std::string PlateTemplates::postcode(const std::string& division_code) const {
    for (const auto& [prefix, code] : postcodes) {
        if (division_code.rfind(prefix, 0) == 0) return code;
    }
    return {};
}

PlateTemplates read_plate_templates(const std::string& path) {
    std::ifstream in{path};
    if (!in) throw input_error{path + ": cannot read the plate templates"};
    json j;
    try {
        j = json::parse(in);
    } catch (const json::parse_error& e) {
        throw input_error{path + ": not valid JSON (" + std::string{e.what()} + ")"};
    }
    PlateTemplates out;
    try {
        out.font = j.value("font", "Noto Sans CJK SC");
        const json postcodes = j.value("postcodes", json::object()); // kept: items() refers into it
        for (const auto& [prefix, code] : postcodes.items()) {
            const std::string c = code.get<std::string>();
            if (c.size() != 6 || c.find_first_not_of("0123456789") != std::string::npos) {
                throw input_error{path + ": postcodes." + prefix + ": a postcode is six digits, not '" + c + "'"};
            }
            out.postcodes.emplace_back(prefix, c);
        }
        std::sort(out.postcodes.begin(), out.postcodes.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
        const auto cert = j.value("certificate", json::object());
        out.certificate.authority = cert.value("authority", "");
        out.certificate.title = cert.value("title", "门牌证");
        out.certificate.width_mm = cert.value("width_mm", 148);
        out.certificate.height_mm = cert.value("height_mm", 210);
        for (const auto& t : j.at("templates")) {
            PlateTemplate pt;
            pt.sign = t.at("sign").get<std::string>();
            const std::string where = path + ": template '" + pt.sign + "'";
            pt.plate_type = t.at("plate_type").get<std::string>();
            pt.name = t.at("name").get<std::string>();
            pt.width_mm = t.at("width_mm").get<int>();
            pt.height_mm = t.at("height_mm").get<int>();
            if (pt.width_mm <= 0 || pt.height_mm <= 0 || pt.width_mm > 5000 || pt.height_mm > 5000) {
                throw input_error{where + ": width_mm and height_mm are between 1 and 5000"};
            }
            pt.ground = t.at("ground").get<std::string>();
            pt.colour = t.at("colour").get<std::string>();
            require_colour(pt.ground, where + ", ground");
            require_colour(pt.colour, where + ", colour");
            pt.border = t.value("border", true);
            for (const auto& p : t.at("panels")) {
                Panel panel;
                const std::string pw = where + ", panel '" + p.at("content").get<std::string>() + "'";
                panel.content = content_of(p.at("content").get<std::string>(), pw);
                panel.x = fraction(p, "x", 0, pw);
                panel.y = fraction(p, "y", 0, pw);
                panel.w = fraction(p, "w", 1, pw);
                panel.h = fraction(p, "h", 1, pw);
                if (panel.x + panel.w > 1.0001 || panel.y + panel.h > 1.0001) throw input_error{pw + ": the panel reaches outside the plate"};
                panel.ground = p.value("ground", "");
                panel.colour = p.value("colour", "");
                if (!panel.ground.empty()) require_colour(panel.ground, pw + ", ground");
                if (!panel.colour.empty()) require_colour(panel.colour, pw + ", colour");
                panel.text_height = fraction(p, "text_height", 0.6, pw);
                if (p.contains("text_height_mm")) {
                    panel.text_height_mm = p["text_height_mm"].get<double>();
                    if (*panel.text_height_mm > panel.h * pt.height_mm) throw input_error{pw + ": text_height_mm is taller than the panel"};
                }
                panel.bold = p.value("weight", "") == "bold";
                panel.number_format = p.value("number_format", "{}");
                if (panel.number_format.find("{}") == std::string::npos) throw input_error{pw + ": number_format must hold {} for the number"};
                pt.panels.push_back(std::move(panel));
            }
            out.templates.push_back(std::move(pt));
        }
    } catch (const json::exception& e) {
        throw input_error{path + ": " + std::string{e.what()}};
    }
    return out;
}

const PlateTemplates& plate_templates() {
    static std::once_flag once;
    static PlateTemplates templates;
    std::call_once(once, [] { templates = read_plate_templates((data_dir() / "plates" / "templates.json").string()); });
    return templates;
}

} // namespace diming::printing
