#include "namekeeper/artifactory/client.hpp"

#include "namekeeper/http/client.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace namekeeper::artifactory {
namespace {

using nlohmann::json;

std::string lowercase(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

void authorize(http::Request& request, const config::ArtifactoryConfig& config) {
    if (!config.token.empty()) {
        request.bearer_token = config.token;
    } else if (!config.username.empty()) {
        request.basic_auth = http::BasicAuth{config.username, config.password};
    }
}

// " (after N attempts)" when the request was retried; the transport errors say it themselves.
std::string attempts_note(int attempts) {
    return attempts > 1 ? fmt::format(" (after {} attempts)", attempts) : std::string();
}

// Turns a non-2xx answer or a transport failure into an Error that tells an operator what to do.
Error describe_failure(const http::Result& result, const std::string& what) {
    if (!result) {
        // The transport message already says how many attempts were made ("; gave up after N attempts").
        return {ErrorKind::transport, fmt::format("{}: {}", what, result.error().message)};
    }
    const auto status = result->status;
    if (status == 401 || status == 403) {
        return {ErrorKind::auth, fmt::format("{}: Artifactory refused the credentials (HTTP {}); check "
                                             "artifactory.token or username/password",
                                             what, status)};
    }
    return {ErrorKind::http_status,
            fmt::format("{}: HTTP {} {}{}", what, status, result->reason, attempts_note(result->attempts))};
}

std::optional<std::string> string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

} // namespace

std::string Artifact::repo_path() const {
    if (path.empty() || path == ".") {
        return name;
    }
    return path + "/" + name;
}

Client::Client(http::Client& http, const config::ArtifactoryConfig& config)
    : m_http(http), m_config(config) {}

std::expected<std::vector<std::string>, Error> Client::discover_repositories() {
    std::vector<std::string> keys;
    // Federated repositories hold local content too (REFERENCE.md).
    for (const char* type : {"local", "federated"}) {
        http::Request request;
        request.url = fmt::format("{}/api/repositories?type={}&packageType=pypi", m_config.url, type);
        request.timeout = m_config.timeout;
        authorize(request, m_config);
        const auto result = m_http.send(request);
        const std::string what = fmt::format("listing {} repositories", type);
        if (!result || result->status != 200) {
            return std::unexpected(describe_failure(result, what));
        }
        const json body = json::parse(result->body, nullptr, false);
        if (!body.is_array()) {
            return std::unexpected(Error{ErrorKind::bad_response, what + ": the answer is not a JSON list"});
        }
        for (const auto& repo : body) {
            if (!repo.is_object()) {
                continue;
            }
            const auto key = string_field(repo, "key");
            const auto package_type = string_field(repo, "packageType");
            const auto repo_type = string_field(repo, "type");
            if (!key || !package_type || lowercase(*package_type) != "pypi") {
                continue;
            }
            if (repo_type && lowercase(*repo_type) != type) {
                continue;
            }
            if (std::ranges::find(keys, *key) == keys.end()) {
                keys.push_back(*key);
            }
        }
    }
    std::ranges::sort(keys);
    return keys;
}

std::string Client::aql(const ListingQuery& query, std::size_t offset, std::size_t limit) {
    json criteria{{"repo", query.repository}, {"type", "file"}, {"path", {{"$nmatch", ".pypi*"}}}};
    if (query.created_after) {
        criteria["created"] = {{"$gt", *query.created_after}};
    }
    return fmt::format(
        R"(items.find({}).include("repo","path","name","created").sort({{"$asc":["repo","path","name"]}}).offset({}).limit({}))",
        criteria.dump(), offset, limit);
}

std::expected<ListingSummary, Error> Client::list(const ListingQuery& query, const PageHandler& on_page) {
    ListingSummary summary;
    const auto limit = static_cast<std::size_t>(m_config.page_size);
    std::vector<Artifact> page;
    for (std::size_t offset = 0;; offset += limit) {
        http::Request request;
        request.method = http::Method::post;
        request.url = m_config.url + "/api/search/aql";
        request.headers = {{"Content-Type", "text/plain"}};
        request.body = aql(query, offset, limit);
        request.timeout = m_config.timeout;
        authorize(request, m_config);
        const std::string what = fmt::format("listing repository {} at offset {}", query.repository, offset);
        const auto result = m_http.send(request);
        if (!result || result->status != 200) {
            return std::unexpected(describe_failure(result, what));
        }
        const json body = json::parse(result->body, nullptr, false);
        if (body.is_discarded() || !body.is_object() || !body.contains("results") ||
            !body["results"].is_array()) {
            return std::unexpected(
                Error{ErrorKind::bad_response,
                      what + ": the answer is not a complete AQL result (truncated or not JSON)"});
        }
        const auto& results = body["results"];
        if (results.empty()) {
            break; // the only proof of the end (a short page may be permission-filtered)
        }
        page.clear();
        page.reserve(results.size());
        for (const auto& item : results) {
            auto repo = item.is_object() ? string_field(item, "repo") : std::nullopt;
            auto path = item.is_object() ? string_field(item, "path") : std::nullopt;
            auto name = item.is_object() ? string_field(item, "name") : std::nullopt;
            if (!repo || !path || !name) {
                return std::unexpected(
                    Error{ErrorKind::bad_response, what + ": an item lacks repo, path or name"});
            }
            auto created = string_field(item, "created").value_or("");
            summary.max_created = std::max(summary.max_created, created);
            page.push_back({std::move(*repo), std::move(*path), std::move(*name), std::move(created)});
        }
        if (const auto range = body.find("range"); range != body.end() && range->contains("notification")) {
            spdlog::warn("{}: Artifactory says: {}", what, (*range)["notification"].dump());
        }
        summary.artifacts += page.size();
        ++summary.pages;
        on_page(page);
    }
    return summary;
}

} // namespace namekeeper::artifactory
