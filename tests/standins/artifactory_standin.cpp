#include "standins/artifactory_standin.hpp"

#include "standins/artifact_catalog.hpp"
#include "standins/http_util.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <httplib.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace namekeeper::standins {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_query_chars = 6000;

std::string upper(std::string text) {
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

json result_row(const StoredArtifact& artifact, const std::vector<std::string>& include) {
    json row = json::object();
    const auto wants = [&](std::string_view field) {
        return include.empty() || std::ranges::find(include, field) != include.end();
    };
    for (const char* field : {"repo", "path", "name"}) {
        if (wants(field)) {
            row[field] = aql_field(artifact.item(), field);
        }
    }
    row["type"] = "file";
    if (wants("created")) {
        row["created"] = artifact.created;
    }
    return row;
}

} // namespace

struct ArtifactoryStandin::State {
    struct Repository {
        std::string key;
        std::string type;
        std::string package_type;
        std::string description;
    };

    mutable std::mutex mutex;
    ArtifactCatalog catalog;
    std::vector<Repository> repositories;
    std::optional<std::string> bearer_token;
    std::optional<std::pair<std::string, std::string>> basic_auth;
    std::chrono::milliseconds latency{0};
    std::chrono::milliseconds hang_bound{5000};
    std::map<std::size_t, AqlFault> faults; // by AQL request number
    double drop_fraction = 0.0;
    std::size_t aql_requests = 0;
    std::size_t repository_requests = 0;
    std::vector<std::string> queries;

    // Whether the request may pass; caller holds the mutex.
    [[nodiscard]] bool authorized(const httplib::Request& request) const {
        if (!bearer_token && !basic_auth) {
            return true;
        }
        const std::string header = request.get_header_value("Authorization");
        if (bearer_token && header == "Bearer " + *bearer_token) {
            return true;
        }
        const auto credentials = parse_basic_auth(header);
        return basic_auth && credentials && *credentials == *basic_auth;
    }
};

namespace {

void answer_unauthorized(httplib::Response& response) {
    response.status = 401;
    response.set_content(R"({"errors":[{"status":401,"message":"Bad credentials"}]})", "application/json");
}

} // namespace

ArtifactoryStandin::ArtifactoryStandin(ServerOptions options) : m_state(std::make_unique<State>()) {
    auto& server = m_runner.server();
    server.Get("/artifactory/api/repositories",
               [this](const httplib::Request& request, httplib::Response& response) {
                   std::chrono::milliseconds latency{};
                   {
                       std::lock_guard lock(m_state->mutex);
                       latency = m_state->latency;
                   }
                   m_runner.sleep_for(latency);
                   std::lock_guard lock(m_state->mutex);
                   ++m_state->repository_requests;
                   if (!m_state->authorized(request)) {
                       answer_unauthorized(response);
                       return;
                   }
                   const std::string type = request.get_param_value("type");
                   const std::string package_type = request.get_param_value("packageType");
                   json list = json::array();
                   for (const auto& repository : m_state->repositories) {
                       if ((!type.empty() && !iequals(type, repository.type)) ||
                           (!package_type.empty() && !iequals(package_type, repository.package_type))) {
                           continue;
                       }
                       list.push_back({{"key", repository.key},
                                       {"type", upper(repository.type)},
                                       {"packageType", repository.package_type},
                                       {"url", fmt::format("{}/{}", base_url(), repository.key)},
                                       {"description", repository.description}});
                   }
                   response.set_content(list.dump(), "application/json");
               });

    server.Post("/artifactory/api/search/aql", [this](const httplib::Request& request,
                                                      httplib::Response& response) {
        std::optional<AqlFault> fault;
        std::chrono::milliseconds latency{};
        std::chrono::milliseconds hang_bound{};
        {
            std::lock_guard lock(m_state->mutex);
            latency = m_state->latency;
            hang_bound = m_state->hang_bound;
            if (!m_state->authorized(request)) {
                answer_unauthorized(response);
                return;
            }
            const std::size_t number = ++m_state->aql_requests;
            m_state->queries.push_back(request.body);
            if (const auto it = m_state->faults.find(number); it != m_state->faults.end()) {
                fault = it->second;
            }
        }
        m_runner.sleep_for(latency);
        if (fault && fault->kind == AqlFaultKind::status) {
            response.status = fault->status;
            if (fault->retry_after_seconds) {
                response.set_header("Retry-After", std::to_string(*fault->retry_after_seconds));
            }
            response.set_content(fmt::format("injected fault: status {}", fault->status), "text/plain");
            return;
        }
        if (fault && fault->kind == AqlFaultKind::hang && !m_runner.sleep_for(hang_bound)) {
            response.status = 503;
            return;
        }
        if (request.body.size() > k_max_query_chars) {
            response.status = 400;
            response.set_content(fmt::format("AQL query exceeds the maximum length of {} characters "
                                             "(received {})",
                                             k_max_query_chars, request.body.size()),
                                 "text/plain");
            return;
        }
        const auto query = parse_aql(request.body);
        if (!query) {
            response.status = 400;
            response.set_content(query.error(), "text/plain");
            return;
        }
        std::vector<StoredArtifact> rows;
        double drop_fraction = 0.0;
        {
            std::lock_guard lock(m_state->mutex);
            rows = m_state->catalog.page(*query);
            drop_fraction = m_state->drop_fraction;
        }
        json results = json::array();
        for (std::size_t i = 0; i < rows.size(); ++i) {
            // Drops `drop_fraction` of the rows, spread evenly over the page.
            const auto dropped_before = static_cast<std::size_t>(static_cast<double>(i) * drop_fraction);
            const auto dropped_after = static_cast<std::size_t>(static_cast<double>(i + 1) * drop_fraction);
            if (dropped_after == dropped_before) {
                results.push_back(result_row(rows[i], query->include));
            }
        }
        json body = {{"results", results},
                     {"range",
                      {{"start_pos", query->offset},
                       {"end_pos", query->offset + rows.size()},
                       {"total", results.size()},
                       {"limit", query->limit ? json(*query->limit) : json(nullptr)}}}};
        std::string text = body.dump();
        if (fault && fault->kind == AqlFaultKind::truncated_body) {
            text.resize(text.size() / 2);
        }
        response.set_content(text, "application/json");
    });

    m_runner.start(options);
}

ArtifactoryStandin::~ArtifactoryStandin() {
    m_runner.stop();
}

std::string ArtifactoryStandin::base_url() const {
    return fmt::format("http://{}:{}/artifactory", m_runner.host(), m_runner.port());
}

int ArtifactoryStandin::port() const {
    return m_runner.port();
}

void ArtifactoryStandin::add_repository(std::string key, std::string type, std::string package_type,
                                        std::string description) {
    std::lock_guard lock(m_state->mutex);
    m_state->repositories.push_back(
        {std::move(key), std::move(type), std::move(package_type), std::move(description)});
}

void ArtifactoryStandin::add_artifact(std::string_view repo, std::string_view path,
                                      std::string_view created) {
    std::lock_guard lock(m_state->mutex);
    m_state->catalog.add(repo, path, created);
}

void ArtifactoryStandin::add_artifacts(std::vector<Artifact> artifacts) {
    std::lock_guard lock(m_state->mutex);
    for (const auto& artifact : artifacts) {
        m_state->catalog.add(artifact.repo, artifact.path, artifact.created);
    }
}

std::size_t ArtifactoryStandin::artifact_count() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->catalog.size();
}

void ArtifactoryStandin::set_bearer_token(std::string token) {
    std::lock_guard lock(m_state->mutex);
    m_state->bearer_token = std::move(token);
}

void ArtifactoryStandin::set_basic_auth(std::string user, std::string password) {
    std::lock_guard lock(m_state->mutex);
    m_state->basic_auth = std::pair{std::move(user), std::move(password)};
}

void ArtifactoryStandin::set_latency(std::chrono::milliseconds latency) {
    std::lock_guard lock(m_state->mutex);
    m_state->latency = latency;
}

void ArtifactoryStandin::set_hang_bound(std::chrono::milliseconds bound) {
    std::lock_guard lock(m_state->mutex);
    m_state->hang_bound = bound;
}

void ArtifactoryStandin::inject_aql_fault(std::size_t nth, AqlFault fault) {
    std::lock_guard lock(m_state->mutex);
    m_state->faults[nth] = fault;
}

void ArtifactoryStandin::inject_next_aql_faults(std::size_t count, AqlFault fault) {
    std::lock_guard lock(m_state->mutex);
    for (std::size_t i = 1; i <= count; ++i) {
        m_state->faults[m_state->aql_requests + i] = fault;
    }
}

void ArtifactoryStandin::set_permission_drop_fraction(double fraction) {
    std::lock_guard lock(m_state->mutex);
    m_state->drop_fraction = std::clamp(fraction, 0.0, 1.0);
}

void ArtifactoryStandin::clear_faults() {
    std::lock_guard lock(m_state->mutex);
    m_state->faults.clear();
    m_state->drop_fraction = 0.0;
}

std::size_t ArtifactoryStandin::aql_request_count() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->aql_requests;
}

std::size_t ArtifactoryStandin::repository_request_count() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->repository_requests;
}

std::vector<std::string> ArtifactoryStandin::received_queries() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->queries;
}

} // namespace namekeeper::standins
