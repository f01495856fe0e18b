// libFuzzer target: webhook bodies and X-JFrog-Event-Auth headers from arbitrary bytes.
// Beyond "no crash, no sanitizer report, no exception", it checks the promises of payload.hpp and
// auth.hpp and aborts when one is broken.

#include "namekeeper/config/config.hpp"
#include "namekeeper/util/digest.hpp"
#include "namekeeper/webhook/auth.hpp"
#include "namekeeper/webhook/payload.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace namekeeper;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

bool is_printable_ascii(std::string_view text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

void check_event(std::string_view body, const std::vector<std::string>& repositories) {
    const auto event = webhook::parse_event(body, repositories);
    if (!event) {
        require(!event.error().message.empty() && is_printable_ascii(event.error().message));
        return;
    }
    if (!event->accepted()) {
        require(is_printable_ascii(event->ignored->message));
        return;
    }
    require(!webhook::check_repo_path(event->path, "\"path\"").has_value());
    require(!event->repo_key.empty() && !event->filename.empty());
    require(event->filename.find('/') == std::string::npos);
    require(event->path.ends_with(event->filename));
    if (!repositories.empty()) {
        bool configured = false;
        for (const auto& key : repositories) {
            configured = configured || key == event->repo_key;
        }
        require(configured);
    }
}

void check_authenticate(std::string_view input) {
    // The first line is the header, the rest the body.
    const auto newline = input.find('\n');
    const std::string_view header = input.substr(0, newline);
    const std::string_view body =
        newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
    const config::Secret secret{"fuzz-secret"};
    const bool expected = header == "fuzz-secret" || (header.size() == 64 && [&] {
                              std::string lowered(header);
                              for (char& c : lowered) {
                                  c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
                              }
                              return lowered == util::hmac_sha256_hex("fuzz-secret", body);
                          }());
    require(webhook::authenticate(header, body, secret) == expected);
    require(webhook::authenticate(util::hmac_sha256_hex("fuzz-secret", body), body, secret));
    require(!webhook::authenticate(header, body, config::Secret{}));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_event(input, {});
    check_event(input, {"pypi-local", "PyPI-Team"});
    check_authenticate(input);
    return 0;
}
