#include "core/encoding.hpp"

#include "core/error.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ustring.h>

#include <vector>

namespace diming::text {

void Charset::Closer::operator()(UConverter* c) const noexcept { ucnv_close(c); }

Charset::Charset(const std::string& name) : name_{name} {
    UErrorCode status = U_ZERO_ERROR;
    conv_.reset(ucnv_open(name.c_str(), &status));
    if (U_FAILURE(status) || !conv_) throw input_error{"unknown character encoding '" + name + "'"};
    // Stop at the first unconvertible character in both directions instead of substituting.
    status = U_ZERO_ERROR;
    ucnv_setToUCallBack(conv_.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    ucnv_setFromUCallBack(conv_.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
}

Charset::~Charset() = default;
Charset::Charset(Charset&&) noexcept = default;
Charset& Charset::operator=(Charset&&) noexcept = default;

std::string Charset::from_utf8(std::string_view utf8) const {
    if (utf8.empty()) return {};
    UErrorCode status = U_ZERO_ERROR;
    // UTF-8 -> UTF-16 (strict) -> target.
    std::vector<UChar> u16(utf8.size() + 1);
    int32_t n16 = 0;
    u_strFromUTF8(u16.data(), static_cast<int32_t>(u16.size()), &n16, utf8.data(), static_cast<int32_t>(utf8.size()),
                  &status);
    if (U_FAILURE(status)) throw input_error{"text is not valid UTF-8"};
    std::string out(static_cast<std::size_t>(n16) * 4 + 4, '\0');
    ucnv_resetFromUnicode(conv_.get());
    const int32_t n = ucnv_fromUChars(conv_.get(), out.data(), static_cast<int32_t>(out.size()), u16.data(), n16, &status);
    if (U_FAILURE(status)) throw input_error{"text has characters that " + name_ + " cannot encode"};
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string Charset::to_utf8(std::string_view bytes) const {
    if (bytes.empty()) return {};
    UErrorCode status = U_ZERO_ERROR;
    std::vector<UChar> u16(bytes.size() * 2 + 2);
    ucnv_resetToUnicode(conv_.get());
    const int32_t n16 = ucnv_toUChars(conv_.get(), u16.data(), static_cast<int32_t>(u16.size()), bytes.data(),
                                      static_cast<int32_t>(bytes.size()), &status);
    if (U_FAILURE(status)) {
        throw input_error{"bytes are not valid " + name_ + " text"};
    }
    std::string out(static_cast<std::size_t>(n16) * 3 + 4, '\0');
    int32_t n = 0;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &n, u16.data(), n16, &status);
    if (U_FAILURE(status)) throw library_error{"ICU cannot write UTF-8"};
    out.resize(static_cast<std::size_t>(n));
    return out;
}

} // namespace diming::text
