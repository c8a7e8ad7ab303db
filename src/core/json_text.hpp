#pragma once
// JSON string literals appended to a text being built, escaped by nlohmann's own serializer:
// an import writes two JSON objects a row (the raw fields, the parsed components), and
// building a json value per field only to dump it again cost a tenth of the import.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace diming {

class JsonText {
public:
    JsonText() : value_(std::string{}), serializer_{nlohmann::detail::output_adapter<char>(escaped_), ' '} {}
    JsonText(const JsonText&) = delete;
    JsonText& operator=(const JsonText&) = delete;

    // Appends "s" (quoted, escaped as json(s).dump() escapes it; throws nlohmann's type_error
    // for invalid UTF-8 as dump() does).
    void append_string(std::string& out, std::string_view s) {
        value_.get_ref<std::string&>().assign(s); // into the string's own capacity: no allocation
        escaped_.clear();
        serializer_.dump(value_, false, false, 0);
        out += escaped_;
    }

    // One per thread: the serializer keeps a buffer and is not shared.
    static JsonText& local() {
        thread_local JsonText text;
        return text;
    }

private:
    nlohmann::json value_;
    std::string escaped_;
    nlohmann::detail::serializer<nlohmann::json> serializer_;
};

} // namespace diming
