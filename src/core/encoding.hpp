#pragma once
// Character-set conversion through ICU (UTF-8 <-> GBK/GB18030 and any charset ICU knows).
// One Charset per thread: ICU converters keep state.

#include <memory>
#include <string>
#include <string_view>

struct UConverter;

namespace diming::text {

class Charset {
public:
    // name: "GBK", "GB18030", "UTF-8", ... Throws input_error for a charset ICU does not know.
    explicit Charset(const std::string& name);
    ~Charset();
    Charset(Charset&&) noexcept;
    Charset& operator=(Charset&&) noexcept;

    // UTF-8 -> this charset. Characters the charset cannot hold throw input_error.
    std::string from_utf8(std::string_view utf8) const;
    // This charset -> UTF-8. An invalid byte sequence throws input_error naming its offset.
    std::string to_utf8(std::string_view bytes) const;

    const std::string& name() const noexcept { return name_; }

private:
    std::string name_;
    struct Closer { void operator()(UConverter* c) const noexcept; };
    std::unique_ptr<UConverter, Closer> conv_;
};

} // namespace diming::text
