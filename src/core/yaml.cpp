#include "core/yaml.hpp"

#include "core/error.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace diming {

namespace {

void emit(YAML::Emitter& out, const nlohmann::json& j) {
    switch (j.type()) {
    case nlohmann::json::value_t::object:
        out << YAML::BeginMap;
        for (const auto& [k, v] : j.items()) {
            out << YAML::Key << YAML::DoubleQuoted << k << YAML::Value;
            emit(out, v);
        }
        out << YAML::EndMap;
        break;
    case nlohmann::json::value_t::array:
        out << YAML::BeginSeq;
        for (const auto& v : j) emit(out, v);
        out << YAML::EndSeq;
        break;
    case nlohmann::json::value_t::string: out << YAML::DoubleQuoted << j.get<std::string>(); break;
    case nlohmann::json::value_t::boolean: out << j.get<bool>(); break;
    case nlohmann::json::value_t::number_integer: out << j.get<std::int64_t>(); break;
    case nlohmann::json::value_t::number_unsigned: out << j.get<std::uint64_t>(); break;
    case nlohmann::json::value_t::number_float: out << j.get<double>(); break;
    default: out << YAML::Null; break;
    }
}

} // namespace

std::string to_yaml(const nlohmann::json& document) {
    YAML::Emitter out;
    out.SetOutputCharset(YAML::EmitNonAscii); // Chinese as itself, not \u escapes
    emit(out, document);
    if (!out.good()) throw library_error{std::string{"yaml-cpp could not write the document: "} + out.GetLastError()};
    return std::string{out.c_str()} + "\n";
}

} // namespace diming
