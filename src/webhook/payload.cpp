#include "namekeeper/webhook/payload.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace namekeeper::webhook {
namespace {

using nlohmann::json;

std::unexpected<PayloadError> fail(std::string message) {
    return std::unexpected(PayloadError{std::move(message)});
}

WebhookEvent ignore(IgnoreReason reason, std::string message) {
    WebhookEvent event;
    event.ignored = Ignored{reason, std::move(message)};
    return event;
}

// A value from the body, made safe for a message: quoted, cut, printable ASCII only.
std::string shown(std::string_view value) {
    constexpr std::size_t k_max_shown = 64;
    std::string out = "\"";
    for (std::size_t i = 0; i < value.size() && i < k_max_shown; ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        out.push_back(plain ? static_cast<char>(c) : '?');
    }
    if (value.size() > k_max_shown) {
        out += "...";
    }
    out += '"';
    return out;
}

// Counts array and object openings outside strings. Exact for any valid JSON text, which is all the
// parser accepts afterwards, so it bounds the depth the parser will build before it starts.
bool nests_deeper_than(std::string_view text, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) {
                return true;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

std::expected<json, PayloadError> parse_body(std::string_view body) {
    if (body.empty()) {
        return fail("body is empty");
    }
    if (nests_deeper_than(body, k_max_nesting)) {
        return fail(fmt::format("body nests deeper than {} levels", k_max_nesting));
    }
    json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
        return fail("body is not valid JSON");
    }
    if (!root.is_object()) {
        return fail("body must be a JSON object");
    }
    return root;
}

std::string field_name(std::string_view parent, std::string_view key) {
    return parent.empty() ? fmt::format("\"{}\"", key) : fmt::format("\"{}.{}\"", parent, key);
}

// A string member that must be there.
std::expected<std::string, PayloadError> required_string(const json& object, std::string_view parent,
                                                         std::string_view key) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return fail(fmt::format("{} is missing", field_name(parent, key)));
    }
    if (!it->is_string()) {
        return fail(fmt::format("{} must be a string", field_name(parent, key)));
    }
    return it->get<std::string>();
}

// `data` is an object, or a string holding one as JSON.
std::expected<json, PayloadError> data_object(const json& root) {
    const auto it = root.find("data");
    if (it == root.end()) {
        return fail("\"data\" is missing");
    }
    if (it->is_object()) {
        return *it;
    }
    const auto* text = it->get_ptr<const std::string*>();
    if (text == nullptr) {
        return fail("\"data\" must be an object or a JSON-encoded object");
    }
    if (nests_deeper_than(*text, k_max_nesting)) {
        return fail(fmt::format("\"data\" nests deeper than {} levels", k_max_nesting));
    }
    json data = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (data.is_discarded() || !data.is_object()) {
        return fail("\"data\" must be an object or a JSON-encoded object");
    }
    return data;
}

std::optional<EventType> handled_event(std::string_view name) {
    if (name == "deployed") {
        return EventType::deployed;
    }
    if (name == "copied") {
        return EventType::copied;
    }
    if (name == "moved") {
        return EventType::moved;
    }
    return std::nullopt;
}

struct Location {
    std::string repo_key;
    std::string path;
    std::string path_field; // for messages
};

// Where the artifact is now: `repo_key` + `path`, or for moved/copied the target "repo/path".
std::expected<Location, PayloadError> locate(const json& data, EventType type) {
    if (type == EventType::deployed) {
        auto repo_key = required_string(data, "data", "repo_key");
        if (!repo_key) {
            return std::unexpected(repo_key.error());
        }
        auto path = required_string(data, "data", "path");
        if (!path) {
            return std::unexpected(path.error());
        }
        return Location{std::move(*repo_key), std::move(*path), "\"data.path\""};
    }
    auto target = required_string(data, "data", "target_repo_path");
    if (!target) {
        return std::unexpected(target.error());
    }
    const auto slash = target->find('/');
    if (slash == std::string::npos || slash == 0) {
        return fail("\"data.target_repo_path\" must look like \"repo/path\"");
    }
    return Location{target->substr(0, slash), target->substr(slash + 1), "\"data.target_repo_path\""};
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// Artifactory repository keys: at most 64 characters of printable ASCII, no slashes.
bool is_plausible_repo_key(std::string_view key) {
    constexpr std::size_t k_max_key = 64;
    return !key.empty() && key.size() <= k_max_key &&
           std::ranges::all_of(key, [](char c) { return c > 0x20 && c < 0x7f && c != '/' && c != '\\'; });
}

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 (overlong forms, surrogates and
// code points above U+10FFFF are not well formed).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        low = lead == 0xe0 ? 0xa0 : 0x80;
        high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        low = lead == 0xf0 ? 0x90 : 0x80;
        high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (text.size() - i < length || byte(i + 1) < low || byte(i + 1) > high) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) {
            return 0;
        }
    }
    return length;
}

} // namespace

std::string_view to_string(IgnoreReason reason) {
    switch (reason) {
    case IgnoreReason::other_domain:
        return "domain";
    case IgnoreReason::other_event:
        return "event_type";
    case IgnoreReason::other_repository:
        return "repository";
    }
    return "unknown";
}

std::string_view to_string(EventType type) {
    switch (type) {
    case EventType::deployed:
        return "deployed";
    case EventType::copied:
        return "copied";
    case EventType::moved:
        return "moved";
    }
    return "unknown";
}

std::optional<std::string> check_repo_path(std::string_view path, std::string_view field) {
    if (path.empty()) {
        return fmt::format("{} is empty", field);
    }
    if (path.size() > k_max_path_bytes) {
        return fmt::format("{} is longer than {} bytes", field, k_max_path_bytes);
    }
    for (std::size_t i = 0; i < path.size();) {
        const std::size_t length = utf8_sequence_length(path, i);
        if (length == 0) {
            return fmt::format("{} is not valid UTF-8", field);
        }
        const auto c = static_cast<unsigned char>(path[i]);
        const bool c1_control = c == 0xc2 && static_cast<unsigned char>(path[i + 1]) < 0xa0; // U+0080..U+009F
        if (c < 0x20 || c == 0x7f || c1_control) {
            return fmt::format("{} contains a control character", field);
        }
        if (c == '\\') {
            return fmt::format("{} contains a backslash", field);
        }
        i += length;
    }
    if (path.front() == '/') {
        return fmt::format("{} must be relative to the repository", field);
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view segment = path.substr(start, end - start);
        if (segment.empty()) {
            return fmt::format("{} has an empty segment", field);
        }
        if (segment == "." || segment == "..") {
            return fmt::format("{} contains a \"{}\" segment", field, segment);
        }
        start = end + 1;
    }
    return std::nullopt;
}

std::expected<WebhookEvent, PayloadError> parse_event(std::string_view body,
                                                      const std::vector<std::string>& repositories) {
    auto root = parse_body(body);
    if (!root) {
        return std::unexpected(root.error());
    }

    // Not for us: another domain or another event. Nothing else is looked at.
    auto domain = required_string(*root, "", "domain");
    if (!domain) {
        return std::unexpected(domain.error());
    }
    if (*domain != "artifact") {
        return ignore(IgnoreReason::other_domain, fmt::format("domain {} is not handled", shown(*domain)));
    }
    auto event_name = required_string(*root, "", "event_type");
    if (!event_name) {
        return std::unexpected(event_name.error());
    }
    const auto type = handled_event(*event_name);
    if (!type) {
        return ignore(IgnoreReason::other_event, fmt::format("event {} is not handled", shown(*event_name)));
    }

    auto data = data_object(*root);
    if (!data) {
        return std::unexpected(data.error());
    }
    auto location = locate(*data, *type);
    if (!location) {
        return std::unexpected(location.error());
    }
    if (const auto name = data->find("name"); name != data->end() && !name->is_string()) {
        return fail("\"data.name\" must be a string");
    }

    // Not for us either: a repository that is not configured (its path is not judged then).
    std::string repo_key = std::move(location->repo_key);
    if (!repositories.empty()) {
        const auto configured = std::ranges::find_if(
            repositories, [&](const std::string& key) { return equal_ignoring_case(key, repo_key); });
        if (configured == repositories.end()) {
            return ignore(IgnoreReason::other_repository,
                          fmt::format("repository {} is not configured", shown(repo_key)));
        }
        repo_key = *configured;
    } else if (!is_plausible_repo_key(repo_key)) {
        return fail(type == EventType::deployed ? "\"data.repo_key\" is not a repository key"
                                                : "\"data.target_repo_path\" must look like \"repo/path\"");
    }

    if (auto problem = check_repo_path(location->path, location->path_field)) {
        return fail(std::move(*problem));
    }
    WebhookEvent event;
    event.type = *type;
    event.repo_key = std::move(repo_key);
    event.path = std::move(location->path);
    const auto last_slash = event.path.rfind('/');
    event.filename = last_slash == std::string::npos ? event.path : event.path.substr(last_slash + 1);
    return event;
}

} // namespace namekeeper::webhook
