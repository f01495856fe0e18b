#pragma once

// Uploads a file through PyPI's legacy upload API and says what the answer means (SPEC.md, "Upload
// outcome"). PyPI puts its reason in the status line and repeats it in the HTML body; with HTTP/2
// there is no status line text, so both are read.
//
//   200                                   accepted
//   400 "too similar"                     too_similar        -> blocked/too-similar
//   400 "isn't allowed" + Standard Library stdlib            -> blocked/stdlib
//   400 "isn't allowed"                   prohibited         -> blocked/prohibited
//   400 "is invalid"                      invalid_name       -> blocked/invalid-name
//   400 "File already exists"             file_exists        -> look the name up again
//   403 "isn't allowed to upload to project"  not_allowed    -> look up again (someone took it)
//   401, other 403                        auth_failed        -> stop all uploads of this run
//   429                                   rate_limited       -> stop uploads of this run, rest pending
//   5xx, transport error (after retries)  unavailable        -> retry with backoff, then failed
//   anything else                         rejected           -> failed, with PyPI's message

#include "namekeeper/config/config.hpp"
#include "namekeeper/http/client.hpp"

#include <string>
#include <utility>
#include <vector>

namespace namekeeper::index {

enum class UploadOutcome {
    accepted,
    too_similar,
    prohibited,
    stdlib,
    invalid_name,
    file_exists,
    not_allowed,
    auth_failed,
    rate_limited,
    unavailable,
    rejected,
};

[[nodiscard]] const char* to_string(UploadOutcome outcome);

struct UploadFile {
    std::string filename;
    std::string content;
    std::vector<std::pair<std::string, std::string>> fields; // every form field but `content`, incl. :action
};

struct UploadResult {
    UploadOutcome outcome = UploadOutcome::rejected;
    long status = 0;     // 0 when no HTTP answer came
    std::string message; // PyPI's reason, or the transport error
};

// Classifies an answer of the upload API (exposed for tests).
[[nodiscard]] UploadOutcome classify_upload_answer(long status, const std::string& message);

class Uploader {
public:
    // `retry` applies to every upload, except that a 429 is never retried (it means "stop creating
    // projects"); tests pass short delays.
    Uploader(http::Client& http, const config::PypiConfig& config, http::RetryPolicy retry = {});

    [[nodiscard]] UploadResult upload(const UploadFile& file);

private:
    http::Client& m_http;
    const config::PypiConfig& m_config;
    http::RetryPolicy m_retry;
};

} // namespace namekeeper::index
