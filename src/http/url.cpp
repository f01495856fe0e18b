// redact_url, user_agent and Response::header: the string work of the client, free of libcurl.
//
// redact_url splits a URL as RFC 3986 does, without validating it: scheme "://" authority, then
// path, "?" query and "#" fragment. The authority's userinfo ends at its last "@"; its password is
// what follows the first ":" in it. A string without "://" has no authority.

#include "namekeeper/http/client.hpp"
#include "namekeeper/version.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace namekeeper::http {
namespace {

constexpr std::string_view k_hidden = "***";

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

// "a=1&b&c=" → "a=***&b&c=***": names stay, every value goes.
std::string redact_query(std::string_view query) {
    std::string out;
    while (true) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (const auto eq = pair.find('='); eq != std::string_view::npos) {
            out += pair.substr(0, eq + 1);
            out += k_hidden;
        } else {
            out += pair;
        }
        if (amp == std::string_view::npos) {
            return out;
        }
        out += '&';
        query.remove_prefix(amp + 1);
    }
}

} // namespace

std::optional<std::string_view> Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::string redact_url(std::string_view url, bool secret) {
    const auto scheme_end = url.find("://");
    std::string out;
    std::string_view rest = url;
    if (scheme_end != std::string_view::npos) {
        const std::size_t authority_begin = scheme_end + 3;
        const std::size_t authority_end = std::min(url.find_first_of("/?#", authority_begin), url.size());
        std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
        std::string_view userinfo;
        if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
            userinfo = authority.substr(0, at);
            authority.remove_prefix(at + 1);
        }
        out += url.substr(0, authority_begin);
        if (!userinfo.empty() && !secret) {
            const auto colon = userinfo.find(':');
            out += userinfo.substr(0, colon);
            if (colon != std::string_view::npos) {
                out += ':';
                out += k_hidden;
            }
            out += '@';
        }
        out += authority;
        rest = url.substr(authority_end);
    }
    if (secret) {
        out += scheme_end == std::string_view::npos ? "<redacted>" : "/<redacted>";
        return out;
    }
    const auto fragment_begin = std::min(rest.find('#'), rest.size());
    const auto query_begin = rest.substr(0, fragment_begin).find('?');
    if (query_begin == std::string_view::npos) {
        out += rest;
        return out;
    }
    out += rest.substr(0, query_begin + 1);
    out += redact_query(rest.substr(query_begin + 1, fragment_begin - query_begin - 1));
    out += rest.substr(fragment_begin);
    return out;
}

std::string user_agent(std::string_view contact) {
    // The contact goes into a header comment: control characters and parentheses would break it.
    std::string clean;
    for (const char c : contact) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f && c != '(' && c != ')') {
            clean += c;
        }
    }
    const std::string product = fmt::format("namekeeper/{}", k_version);
    if (clean.empty()) {
        return product;
    }
    // A bare e-mail address becomes a mailto: URI; a URI (https:, mailto:, ...) is kept as given.
    const bool is_uri = clean.find("://") != std::string::npos || clean.starts_with("mailto:");
    if (!is_uri && clean.find('@') != std::string::npos) {
        clean.insert(0, "mailto:");
    }
    return fmt::format("{} (+{})", product, clean);
}

} // namespace namekeeper::http
