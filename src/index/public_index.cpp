#include "namekeeper/index/public_index.hpp"

#include "namekeeper/http/client.hpp"
#include "namekeeper/pypi/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace namekeeper::index {
namespace {

using nlohmann::json;

http::Request simple_request(const config::PypiConfig& config, const std::string& name) {
    http::Request request;
    request.url = fmt::format("{}/simple/{}/", config.index_url, name);
    request.headers = {{"Accept", "application/vnd.pypi.simple.v1+json"}};
    request.timeout = config.timeout;
    return request;
}

http::Request json_request(const config::PypiConfig& config, const std::string& name) {
    http::Request request;
    request.url = fmt::format("{}/pypi/{}/json", config.index_url, name);
    request.headers = {{"Accept", "application/json"}};
    request.timeout = config.timeout;
    return request;
}

LookupError failure(const http::Result& result, const std::string& what) {
    if (!result) {
        // The transport message already says how many attempts were made ("; gave up after N attempts").
        return {fmt::format("{}: {}", what, result.error().message), false};
    }
    return {fmt::format("{}: HTTP {} {}{}", what, result->status, result->reason,
                        result->attempts > 1 ? fmt::format(" (after {} attempts)", result->attempts) : ""),
            result->status == 429};
}

std::optional<std::string> highest_version(const std::vector<std::string>& versions) {
    std::optional<pypi::Version> best;
    std::optional<std::string> best_text;
    for (const auto& text : versions) {
        auto parsed = pypi::Version::parse(text);
        if (parsed && (!best || *parsed > *best)) {
            best = std::move(*parsed);
            best_text = text;
        }
    }
    return best_text;
}

// Reads the JSON API's answer for a held name. A 404 means a project without releases.
std::expected<Project, LookupError> read_project(const http::Result& result, const std::string& name) {
    const std::string what = fmt::format("looking up {} (JSON API)", name);
    if (!result || (result->status != 200 && result->status != 404)) {
        return std::unexpected(failure(result, what));
    }
    Project project;
    if (result->status == 404) {
        return project;
    }
    const json body = json::parse(result->body, nullptr, false);
    if (!body.is_object()) {
        return std::unexpected(LookupError{what + ": the answer is not a JSON object", false});
    }
    project.has_releases = true;
    if (const auto releases = body.find("releases"); releases != body.end() && releases->is_object()) {
        for (const auto& [version, files] : releases->items()) {
            project.versions.push_back(version);
        }
    }
    const auto info = body.find("info");
    if (info != body.end() && info->is_object()) {
        if (const auto version = info->find("version"); version != info->end() && version->is_string()) {
            if (std::ranges::find(project.versions, version->get<std::string>()) == project.versions.end()) {
                project.versions.push_back(version->get<std::string>());
            }
        }
        if (const auto email = info->find("author_email"); email != info->end() && email->is_string()) {
            project.author_email = email->get<std::string>();
        }
    }
    project.public_version = highest_version(project.versions);
    if (const auto ownership = body.find("ownership"); ownership != body.end() && ownership->is_object()) {
        project.ownership_known = true;
        if (const auto roles = ownership->find("roles"); roles != ownership->end() && roles->is_array()) {
            for (const auto& role : *roles) {
                if (role.is_object() && role.contains("user") && role["user"].is_string()) {
                    project.owners.push_back(role["user"].get<std::string>());
                }
            }
        }
        if (const auto org = ownership->find("organization"); org != ownership->end() && org->is_string()) {
            project.organization = org->get<std::string>();
        }
    }
    return project;
}

// The simple API's verdict: true when the name is held, false when free.
std::expected<bool, LookupError> read_simple(const http::Result& result, const std::string& name) {
    if (result && result->status == 404) {
        return false;
    }
    if (result && result->status == 200) {
        return true;
    }
    return std::unexpected(failure(result, fmt::format("looking up {} (simple API)", name)));
}

} // namespace

PublicIndex::PublicIndex(http::Client& http, const config::PypiConfig& config)
    : m_http(http), m_config(config) {}

LookupResult PublicIndex::look_up(const std::string& normalized_name) {
    return look_up_all(std::span<const std::string>(&normalized_name, 1)).front();
}

std::vector<LookupResult> PublicIndex::look_up_all(std::span<const std::string> normalized_names) {
    std::vector<http::Request> simple;
    simple.reserve(normalized_names.size());
    for (const auto& name : normalized_names) {
        simple.push_back(simple_request(m_config, name));
    }
    const auto simple_results = m_http.send_all(simple, m_config.concurrency);

    // Second round, for held names only: who owns them and what they publish.
    std::vector<LookupResult> results(normalized_names.size(), Found{});
    std::vector<std::size_t> held;
    std::vector<http::Request> details;
    for (std::size_t i = 0; i < normalized_names.size(); ++i) {
        const auto verdict = read_simple(simple_results[i], normalized_names[i]);
        if (!verdict) {
            results[i] = std::unexpected(verdict.error());
        } else if (*verdict) {
            held.push_back(i);
            details.push_back(json_request(m_config, normalized_names[i]));
        }
    }
    const auto detail_results = m_http.send_all(details, m_config.concurrency);
    for (std::size_t k = 0; k < held.size(); ++k) {
        const std::size_t i = held[k];
        auto project = read_project(detail_results[k], normalized_names[i]);
        if (project) {
            results[i] = Found{std::move(*project)};
        } else {
            results[i] = std::unexpected(project.error());
        }
    }
    return results;
}

} // namespace namekeeper::index
