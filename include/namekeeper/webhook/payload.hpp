#pragma once

// Artifactory webhook payloads (REFERENCE.md, "Webhook payload"):
//
//   {"domain": "artifact", "event_type": "deployed",
//    "data": {"repo_key": "pypi-local", "path": "acme-utils/1.4.0/acme_utils-1.4.0-py3-none-any.whl",
//             "name": "acme_utils-1.4.0-py3-none-any.whl", ...},
//    "subscription_key": "...", "jpd_origin": "...", "source": "..."}
//
// `data` may also arrive as a string holding that object as JSON. `moved` and `copied` carry
// `data.target_repo_path` ("repo/path"), which names where the artifact now is: that is the one used.
//
// parse_event() sorts a body into three outcomes, because the HTTP answer differs for each:
// - an error (PayloadError, answered 400): not JSON, not an object, a field missing or of the wrong
//   type, or a path that fails the hygiene rules below;
// - an event that is well formed but not for us (WebhookEvent::ignored set, answered 202 with
//   "accepted": false): another domain, an event other than deployed/copied/moved, a repository that
//   is not configured. Such events are not examined further than needed to tell that;
// - an accepted candidate (WebhookEvent::ignored empty): event type, repository key, path inside the
//   repository and file name. Turning the path into a project name is pypi::derive_artifact_name's job.
//
// Any input is safe: the parser never throws, nesting deeper than k_max_nesting is refused before the
// JSON parser sees it, and the work is linear in the body's size. Every message is printable ASCII
// (values taken from the body are quoted, cut to 64 bytes, with other bytes shown as '?'), so it can go
// into a JSON answer or a log line as it is. A path that passes is valid UTF-8 without control
// characters.

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::webhook {

inline constexpr std::size_t k_max_nesting = 32;      // arrays and objects, counted in the body and in `data`
inline constexpr std::size_t k_max_path_bytes = 1024; // repository path, UTF-8 bytes

enum class EventType { deployed, copied, moved };

// Why a well-formed event is not for us. to_string() gives a short metric label.
enum class IgnoreReason { other_domain, other_event, other_repository };
[[nodiscard]] std::string_view to_string(IgnoreReason reason);
[[nodiscard]] std::string_view to_string(EventType type);

struct Ignored {
    IgnoreReason reason;
    std::string message; // e.g. `event "deleted" is not handled`
};

struct WebhookEvent {
    // Set when the event is not for us; then only the fields read before the decision are filled.
    std::optional<Ignored> ignored;
    EventType type = EventType::deployed;
    std::string repo_key; // the configured spelling when repositories are configured
    std::string path;     // inside the repository, e.g. "acme-utils/1.4.0/acme_utils-1.4.0.tar.gz"
    std::string filename; // the path's last segment

    [[nodiscard]] bool accepted() const { return !ignored.has_value(); }
};

struct PayloadError {
    std::string message; // short, for the sender: e.g. `"data.path" is missing`
};

// `repositories`: the configured repository keys, compared case-insensitively (Artifactory's keys
// are); empty means every repository is ours.
[[nodiscard]] std::expected<WebhookEvent, PayloadError>
parse_event(std::string_view body, const std::vector<std::string>& repositories);

// The hygiene rules a repository path must pass before any part of it is used: not empty, at most
// k_max_path_bytes, valid UTF-8, no control characters, no backslash, relative, no empty, "." or ".."
// segments. Returns the reason it fails, worded after `field` (e.g. `"data.path" contains a ".." segment`).
[[nodiscard]] std::optional<std::string> check_repo_path(std::string_view path, std::string_view field);

} // namespace namekeeper::webhook
