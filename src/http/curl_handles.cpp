#include "http/curl_handles.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <mutex>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace namekeeper::http::detail {

void init_curl_once() {
    static std::once_flag once;
    static CURLcode code = CURLE_OK;
    std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (code != CURLE_OK) {
        throw std::runtime_error(fmt::format("cannot initialise libcurl: {}", curl_easy_strerror(code)));
    }
}

void EasyDeleter::operator()(CURL* handle) const noexcept {
    curl_easy_cleanup(handle);
}

void MultiDeleter::operator()(CURLM* handle) const noexcept {
    // Nothing can be done about a failed cleanup but saying so.
    if (const CURLMcode code = curl_multi_cleanup(handle); code != CURLM_OK) {
        spdlog::error("curl_multi_cleanup: {}", curl_multi_strerror(code));
    }
}

void SlistDeleter::operator()(curl_slist* list) const noexcept {
    curl_slist_free_all(list);
}

void MimeDeleter::operator()(curl_mime* mime) const noexcept {
    curl_mime_free(mime);
}

EasyHandle make_easy() {
    EasyHandle handle(curl_easy_init());
    if (!handle) {
        throw std::runtime_error("curl_easy_init failed");
    }
    return handle;
}

MultiHandle make_multi() {
    MultiHandle handle(curl_multi_init());
    if (!handle) {
        throw std::runtime_error("curl_multi_init failed");
    }
    return handle;
}

bool HeaderList::append(const std::string& line) {
    curl_slist* grown = curl_slist_append(m_list.get(), line.c_str());
    if (grown == nullptr) {
        return false;
    }
    // curl_slist_append returns the same head once the list exists.
    if (!m_list) {
        m_list.reset(grown);
    }
    return true;
}

} // namespace namekeeper::http::detail
