#pragma once

// Move-only owners of the libcurl handles the client uses. <curl/curl.h> stays in the .cpp files:
// the handle types are declared here exactly as curl declares them.

#include <memory>
#include <string>

using CURL = void;
using CURLM = void;
struct curl_slist;
struct curl_mime;

namespace namekeeper::http::detail {

// curl_global_init, once per process (std::call_once). Throws std::runtime_error if it fails:
// without it no request can be made.
void init_curl_once();

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept;
};
struct MultiDeleter {
    void operator()(CURLM* handle) const noexcept;
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept;
};
struct MimeDeleter {
    void operator()(curl_mime* mime) const noexcept;
};

using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using MimeHandle = std::unique_ptr<curl_mime, MimeDeleter>;

// Both throw std::runtime_error when curl cannot allocate the handle.
[[nodiscard]] EasyHandle make_easy();
[[nodiscard]] MultiHandle make_multi();

// A header list for CURLOPT_HTTPHEADER; it must outlive the transfer that uses it.
class HeaderList {
public:
    // False when curl could not allocate the copy of `line`; the list is then unchanged.
    [[nodiscard]] bool append(const std::string& line);
    [[nodiscard]] curl_slist* get() const { return m_list.get(); }
    void clear() { m_list.reset(); }

private:
    std::unique_ptr<curl_slist, SlistDeleter> m_list;
};

} // namespace namekeeper::http::detail
