#include "config/values.hpp"

#include "namekeeper/config/loader.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fcntl.h>
#include <limits>
#include <netinet/in.h>
#include <regex>
#include <unistd.h>

namespace namekeeper::config {
namespace {

constexpr long long k_max_duration_seconds = 36500LL * 24 * 3600;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::ranges::all_of(text, is_digit);
}

std::optional<int> parse_port(std::string_view text) {
    const auto value = parse_whole_number(text);
    if (!all_digits(text) || !value || *value < 1 || *value > 65535) {
        return std::nullopt;
    }
    return static_cast<int>(*value);
}

bool is_ipv4(std::string_view text, in_addr* out = nullptr) {
    in_addr address{};
    const std::string copy(text);
    if (inet_pton(AF_INET, copy.c_str(), &address) != 1) {
        return false;
    }
    if (out != nullptr) {
        *out = address;
    }
    return true;
}

bool is_ipv6(std::string_view text, in6_addr* out = nullptr) {
    in6_addr address{};
    const std::string copy(text);
    if (inet_pton(AF_INET6, copy.c_str(), &address) != 1) {
        return false;
    }
    if (out != nullptr) {
        *out = address;
    }
    return true;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool is_host_name(std::string_view text) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t dot = std::min(text.find('.', start), text.size());
        const std::string_view label = text.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        if (!std::ranges::all_of(label, [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; })) {
            return false;
        }
        start = dot + 1;
    }
    // All-numeric names are mistyped IPv4 addresses (999.1.1.1), not host names.
    return !std::ranges::all_of(text, [](char c) { return is_digit(c) || c == '.'; });
}

// A file descriptor closed on scope exit.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    [[nodiscard]] int get() const { return m_fd; }

private:
    int m_fd;
};

} // namespace

std::optional<Seconds> parse_duration(std::string_view text) {
    if (text.size() < 2 || !all_digits(text.substr(0, text.size() - 1))) {
        return std::nullopt;
    }
    long long unit = 0;
    switch (text.back()) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 24 * 3600;
        break;
    default:
        return std::nullopt;
    }
    const auto count = parse_whole_number(text.substr(0, text.size() - 1));
    if (!count || *count <= 0 || *count > k_max_duration_seconds / unit) {
        return std::nullopt;
    }
    return Seconds{*count * unit};
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, PortZero port_zero) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    const auto port =
        port_zero == PortZero::allowed && port_text == "0" ? std::optional(0) : parse_port(port_text);
    if (!port) {
        return std::nullopt;
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        if (!is_ipv6(host)) {
            return std::nullopt;
        }
    } else if (!is_ipv4(host) && !is_host_name(host)) {
        return std::nullopt;
    }
    return ListenAddress{std::string(host), *port};
}

bool is_loopback_host(std::string_view host) {
    if (in_addr v4{}; is_ipv4(host, &v4)) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    if (in6_addr v6{}; is_ipv6(host, &v6)) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) {
            return true;
        }
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    std::string lower(host);
    std::ranges::transform(lower, lower.begin(),
                           [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
    return lower == "localhost" || lower == "localhost.";
}

std::string ExpandError::message() const {
    switch (kind) {
    case Kind::missing_variable:
        return "environment variable " + variable + " is not set";
    case Kind::unterminated:
        return "${ without a closing } (write $$ for a literal $)";
    case Kind::bad_name:
        return "${...} must name a variable with letters, digits and _ (write $$ for a literal $)";
    case Kind::lone_dollar:
        return "a $ must start ${VAR} or be doubled as $$ for a literal $";
    }
    return "cannot expand variables";
}

std::optional<std::string> process_env(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

std::expected<std::string, ExpandError> expand_variables(std::string_view text, const EnvLookup& lookup) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t dollar = text.find('$', i);
        out.append(text.substr(i, dollar == std::string_view::npos ? std::string_view::npos : dollar - i));
        if (dollar == std::string_view::npos) {
            break;
        }
        if (dollar + 1 < text.size() && text[dollar + 1] == '$') {
            out.push_back('$');
            i = dollar + 2;
            continue;
        }
        if (dollar + 1 >= text.size() || text[dollar + 1] != '{') {
            return std::unexpected(ExpandError{ExpandError::Kind::lone_dollar, {}});
        }
        const std::size_t close = text.find('}', dollar + 2);
        if (close == std::string_view::npos) {
            return std::unexpected(ExpandError{ExpandError::Kind::unterminated, {}});
        }
        const std::string name(text.substr(dollar + 2, close - dollar - 2));
        const bool valid = !name.empty() && !is_digit(name.front()) && std::ranges::all_of(name, [](char c) {
            return is_alpha(c) || is_digit(c) || c == '_';
        });
        if (!valid) {
            return std::unexpected(ExpandError{ExpandError::Kind::bad_name, {}});
        }
        const auto value = lookup(name);
        if (!value) {
            return std::unexpected(ExpandError{ExpandError::Kind::missing_variable, name});
        }
        out.append(*value);
        i = close + 1;
    }
    return out;
}

std::expected<std::string, int> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
    const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return std::unexpected(errno);
    }
    std::string content;
    std::array<char, 8192> buffer{};
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return std::unexpected(errno);
        }
        if (got == 0) {
            return content;
        }
        content.append(buffer.data(), static_cast<std::size_t>(got));
        if (content.size() > max_bytes) {
            return std::unexpected(EFBIG);
        }
    }
}

std::string strip_one_newline(std::string text) {
    if (text.ends_with("\r\n")) {
        text.resize(text.size() - 2);
    } else if (text.ends_with('\n')) {
        text.pop_back();
    }
    return text;
}

std::optional<long long> parse_whole_number(std::string_view text) {
    const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
    if (!all_digits(digits)) {
        return std::nullopt;
    }
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> url_problem(std::string_view url, UrlCredentials credentials) {
    const std::string expected = "expected an http:// or https:// URL with a host";
    std::string_view rest;
    if (url.starts_with("https://")) {
        rest = url.substr(8);
    } else if (url.starts_with("http://")) {
        rest = url.substr(7);
    } else {
        return expected;
    }
    if (has_control_characters(url) || url.find(' ') != std::string_view::npos) {
        return expected;
    }
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        if (credentials == UrlCredentials::refused) {
            return std::string("must not hold user:password@ (give credentials in their own keys)");
        }
        authority = authority.substr(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos || !is_ipv6(authority.substr(1, close - 1))) {
            return expected;
        }
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') {
                return expected;
            }
            port = authority.substr(close + 2);
        }
    } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) {
        return expected;
    }
    if (authority.size() > host.size() && !parse_port(port)) {
        return std::string("expected an http:// or https:// URL with a port from 1 to 65535");
    }
    return std::nullopt;
}

std::string strip_trailing_slashes(std::string url) {
    const std::size_t scheme_end = url.find("://");
    const std::size_t keep = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    while (url.size() > keep && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

bool has_control_characters(std::string_view text) {
    return std::ranges::any_of(text, [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

bool is_public_version(std::string_view text) {
    static const std::regex k_version{
        R"(([0-9]+!)?[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?)"};
    return std::regex_match(text.begin(), text.end(), k_version);
}

bool is_repository_key(std::string_view text) {
    return !text.empty() && std::ranges::all_of(text, [](char c) {
        return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || c == '-';
    });
}

bool is_email_address(std::string_view text) {
    const std::size_t at = text.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < text.size() && !has_control_characters(text) &&
           text.find(' ') == std::string_view::npos;
}

} // namespace namekeeper::config
