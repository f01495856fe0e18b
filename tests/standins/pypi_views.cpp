#include "standins/pypi_views.hpp"

#include "standins/http_util.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace namekeeper::standins {
namespace {

using nlohmann::json;

std::string file_url(const RegistryFile& file, const std::string& base_url) {
    const std::string& h = file.blake2_256;
    return fmt::format("{}/packages/{}/{}/{}/{}", base_url, h.substr(0, 2), h.substr(2, 2), h.substr(4),
                       file.filename);
}

json json_api_file(const RegistryFile& file, const std::string& base_url) {
    return {{"filename", file.filename},
            {"url", file_url(file, base_url)},
            {"digests", {{"md5", file.md5}, {"sha256", file.sha256}, {"blake2b_256", file.blake2_256}}},
            {"md5_digest", file.md5},
            {"packagetype", file.packagetype},
            {"python_version", file.python_version},
            {"requires_python", nullptr},
            {"size", file.size},
            {"upload_time_iso_8601", file.upload_time},
            {"yanked", false},
            {"yanked_reason", nullptr}};
}

} // namespace

std::string simple_json(const RegistryProject& project, const std::string& base_url) {
    json files = json::array();
    for (const auto& file : project.files) {
        files.push_back({{"filename", file.filename},
                         {"url", file_url(file, base_url)},
                         {"hashes", {{"sha256", file.sha256}}},
                         {"requires-python", nullptr},
                         {"size", file.size},
                         {"upload-time", file.upload_time},
                         {"yanked", false}});
    }
    return json{{"meta", {{"api-version", "1.1"}, {"_last-serial", 1}}},
                {"name", project.normalized},
                {"files", files},
                {"versions", project.versions}}
        .dump();
}

std::string simple_html(const RegistryProject& project, const std::string& base_url) {
    std::string links;
    for (const auto& file : project.files) {
        links += fmt::format("    <a href=\"{}#sha256={}\">{}</a><br />\n",
                             html_escape(file_url(file, base_url)), file.sha256, html_escape(file.filename));
    }
    return fmt::format("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" "
                       "content=\"1.1\">\n    <title>Links for {0}</title>\n  </head>\n  <body>\n"
                       "    <h1>Links for {0}</h1>\n{1}  </body>\n</html>\n",
                       html_escape(project.normalized), links);
}

std::string project_json(const RegistryProject& project, const std::string& base_url) {
    const std::string latest = PypiRegistry::latest_version(project);
    json releases = json::object();
    json urls = json::array();
    for (const auto& version : project.versions) {
        releases[version] = json::array();
    }
    for (const auto& file : project.files) {
        releases[file.version].push_back(json_api_file(file, base_url));
        if (file.version == latest) {
            urls.push_back(json_api_file(file, base_url));
        }
    }
    json roles = json::array();
    for (const auto& owner : project.owners) {
        roles.push_back({{"role", "Owner"}, {"user", owner}});
    }
    json info = {{"name", project.name},
                 {"version", latest},
                 {"author_email", project.author_email},
                 {"summary", ""},
                 {"package_url", fmt::format("{}/project/{}/", base_url, project.normalized)},
                 {"project_url", fmt::format("{}/project/{}/", base_url, project.normalized)},
                 {"yanked", false}};
    return json{{"info", info},
                {"last_serial", 1},
                {"releases", releases},
                {"urls", urls},
                {"vulnerabilities", json::array()},
                {"ownership",
                 {{"roles", roles},
                  {"organization", project.organization ? json(*project.organization) : json(nullptr)}}}}
        .dump();
}

} // namespace namekeeper::standins
