#include "standins/pypi_standin.hpp"

#include "namekeeper/pypi/name.hpp"
#include "standins/http_util.hpp"
#include "standins/pypi_registry.hpp"
#include "standins/pypi_upload.hpp"
#include "standins/pypi_views.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <mutex>

namespace namekeeper::standins {
namespace {

struct EndpointFaults {
    std::size_t requests = 0;
    std::size_t fail_remaining = 0;
    int fail_status = 500;
    std::size_t hang_remaining = 0;
};

std::size_t index_of(PypiEndpoint endpoint) {
    return static_cast<std::size_t>(endpoint);
}

// Pyramid's HTML error page, which carries the message that warehouse also puts in the status line.
std::string error_page(int status, std::string_view message) {
    const std::string line = html_escape(fmt::format("{} {}", status, message));
    return fmt::format(
        "<html>\n <head>\n  <title>{0}</title>\n </head>\n <body>\n  <h1>{0}</h1>\n  {1}<br/><br/>\n"
        "\n\n </body>\n</html>",
        line, html_escape(message));
}

} // namespace

struct PypiStandin::State {
    mutable std::mutex mutex;
    PypiRegistry registry;
    std::array<EndpointFaults, 3> endpoints;
    std::chrono::milliseconds latency{0};
    LatencyScope latency_scope = LatencyScope::reads;
    std::chrono::milliseconds hang_bound{5000};
    std::map<std::string, std::string, std::less<>> takers; // normalized name -> stranger
    std::vector<AcceptedUpload> uploads;
};

PypiStandin::PypiStandin(PypiOptions options) : m_state(std::make_unique<State>()) {
    m_state->registry.set_new_projects_per_hour(options.new_projects_per_hour);

    // Counts the request and applies its endpoint's faults and latency; false when the answer is made.
    const auto enter = [this](PypiEndpoint endpoint, httplib::Response& response) {
        std::chrono::milliseconds delay{};
        std::optional<int> fail;
        {
            std::lock_guard lock(m_state->mutex);
            auto& faults = m_state->endpoints[index_of(endpoint)];
            ++faults.requests;
            if (faults.hang_remaining > 0) {
                --faults.hang_remaining;
                delay += m_state->hang_bound;
            }
            if (faults.fail_remaining > 0) {
                --faults.fail_remaining;
                fail = faults.fail_status;
            }
            if (endpoint != PypiEndpoint::upload ||
                m_state->latency_scope == LatencyScope::reads_and_uploads) {
                delay += m_state->latency;
            }
        }
        if (!m_runner.sleep_for(delay)) {
            response.status = 503;
            return false;
        }
        if (fail) {
            response.status = *fail;
            if (*fail == 429) {
                response.set_header("Retry-After", "1");
            }
            response.set_content(error_page(*fail, "injected fault"), "text/html; charset=UTF-8");
            return false;
        }
        return true;
    };

    auto& server = m_runner.server();
    server.Get(R"(/simple/([^/]+)/?)", [this, enter](const httplib::Request& request,
                                                     httplib::Response& response) {
        if (!enter(PypiEndpoint::simple, response)) {
            return;
        }
        const std::string name = request.matches[1];
        const bool wants_json = request.get_header_value("Accept").find(
                                    "application/vnd.pypi.simple.v1+json") != std::string::npos;
        std::lock_guard lock(m_state->mutex);
        const RegistryProject* project = m_state->registry.find(name);
        if (project == nullptr) {
            response.status = 404;
            response.set_content("404 Not Found", "text/plain");
        } else if (name != project->normalized || !request.path.ends_with("/")) {
            response.set_redirect(fmt::format("/simple/{}/", project->normalized), 301);
        } else if (wants_json) {
            response.set_content(simple_json(*project, base_url()), "application/vnd.pypi.simple.v1+json");
        } else {
            response.set_content(simple_html(*project, base_url()), "text/html; charset=UTF-8");
        }
    });

    server.Get(R"(/pypi/([^/]+)/json)",
               [this, enter](const httplib::Request& request, httplib::Response& response) {
                   if (!enter(PypiEndpoint::json, response)) {
                       return;
                   }
                   std::lock_guard lock(m_state->mutex);
                   const RegistryProject* project = m_state->registry.find(request.matches[1].str());
                   if (project == nullptr || project->versions.empty()) {
                       response.status = 404;
                       response.set_content(R"({"message": "Not Found"})", "application/json");
                       return;
                   }
                   response.set_content(project_json(*project, base_url()), "application/json");
               });

    server.Post("/legacy", [](const httplib::Request&, httplib::Response& response) {
        const std::string message =
            "An upload was attempted to /legacy but the expected upload URL is /legacy/ "
            "(with a trailing slash)";
        response.set_redirect("/legacy/", 308);
        response.set_content(error_page(308, message), "text/html; charset=UTF-8");
    });

    server.Post("/legacy/", [this, enter](const httplib::Request& request, httplib::Response& response) {
        if (!enter(PypiEndpoint::upload, response)) {
            return;
        }
        UploadRequest upload;
        upload.authorization = request.get_header_value("Authorization");
        for (const auto& [key, part] : request.files) {
            if (key == "content" && !part.filename.empty()) {
                upload.content = UploadFilePart{part.filename, part.content_type, part.content};
            } else {
                upload.fields.emplace(key, part.content);
            }
        }
        for (const auto& [key, value] : request.params) {
            upload.fields.emplace(key, value);
        }
        std::lock_guard lock(m_state->mutex);
        const std::string normalized = pypi::normalize(
            upload.fields.contains("name") ? upload.fields.find("name")->second : std::string());
        if (const auto taker = m_state->takers.find(normalized); taker != m_state->takers.end()) {
            m_state->registry.create(upload.fields.find("name")->second, {taker->second}, std::nullopt);
            m_state->takers.erase(taker);
        }
        UploadOutcome outcome = process_upload(m_state->registry, upload, PypiRegistry::Clock::now());
        response.status = outcome.status;
        if (outcome.accepted) {
            m_state->uploads.push_back(std::move(*outcome.accepted));
        }
        if (outcome.status == 200) {
            response.set_content("", "text/plain");
        } else {
            response.set_content(error_page(outcome.status, outcome.message), "text/html; charset=UTF-8");
        }
    });

    m_runner.start(options.server);
}

PypiStandin::~PypiStandin() {
    m_runner.stop();
}

std::string PypiStandin::base_url() const {
    return fmt::format("http://{}:{}", m_runner.host(), m_runner.port());
}

std::string PypiStandin::upload_url() const {
    return base_url() + "/legacy/";
}

int PypiStandin::port() const {
    return m_runner.port();
}

void PypiStandin::add_token(std::string token, std::string user) {
    std::lock_guard lock(m_state->mutex);
    m_state->registry.add_token(std::move(token), std::move(user));
}

void PypiStandin::add_project(std::string_view name, std::vector<std::string> owners,
                              std::optional<std::string> organization, std::vector<std::string> versions,
                              std::string author_email) {
    std::lock_guard lock(m_state->mutex);
    auto& project = m_state->registry.create(name, std::move(owners), std::move(organization));
    project.author_email = std::move(author_email);
    for (const auto& version : versions) {
        m_state->registry.add_synthetic_release(project, version);
    }
}

void PypiStandin::add_release(std::string_view name, std::string_view version) {
    std::lock_guard lock(m_state->mutex);
    auto& project = m_state->registry.create(name, {}, std::nullopt);
    m_state->registry.add_synthetic_release(project, version);
}

void PypiStandin::add_prohibited_name(std::string_view name) {
    std::lock_guard lock(m_state->mutex);
    m_state->registry.prohibit(name);
}

void PypiStandin::set_new_projects_per_hour(std::size_t limit) {
    std::lock_guard lock(m_state->mutex);
    m_state->registry.set_new_projects_per_hour(limit);
}

void PypiStandin::set_latency(std::chrono::milliseconds latency, LatencyScope scope) {
    std::lock_guard lock(m_state->mutex);
    m_state->latency = latency;
    m_state->latency_scope = scope;
}

void PypiStandin::set_hang_bound(std::chrono::milliseconds bound) {
    std::lock_guard lock(m_state->mutex);
    m_state->hang_bound = bound;
}

void PypiStandin::fail_next(PypiEndpoint endpoint, std::size_t count, int status) {
    std::lock_guard lock(m_state->mutex);
    auto& faults = m_state->endpoints[index_of(endpoint)];
    faults.fail_remaining = count;
    faults.fail_status = status;
}

void PypiStandin::hang_next(PypiEndpoint endpoint, std::size_t count) {
    std::lock_guard lock(m_state->mutex);
    m_state->endpoints[index_of(endpoint)].hang_remaining = count;
}

void PypiStandin::take_name_on_upload(std::string_view name, std::string stranger) {
    std::lock_guard lock(m_state->mutex);
    m_state->takers[pypi::normalize(name)] = std::move(stranger);
}

std::size_t PypiStandin::request_count(PypiEndpoint endpoint) const {
    std::lock_guard lock(m_state->mutex);
    return m_state->endpoints[index_of(endpoint)].requests;
}

std::vector<AcceptedUpload> PypiStandin::uploads() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->uploads;
}

std::optional<PypiProjectView> PypiStandin::project(std::string_view name) const {
    std::lock_guard lock(m_state->mutex);
    const RegistryProject* project = m_state->registry.find(name);
    if (project == nullptr) {
        return std::nullopt;
    }
    PypiProjectView view{project->name,         project->owners,   project->organization,
                         project->author_email, project->versions, {}};
    for (const auto& file : project->files) {
        view.filenames.push_back(file.filename);
    }
    return view;
}

std::size_t PypiStandin::project_count() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->registry.projects().size();
}

} // namespace namekeeper::standins
