#include "standins/pypi_registry.hpp"

#include "namekeeper/pypi/name.hpp"
#include "namekeeper/util/digest.hpp"
#include "standins/version_order.hpp"

#include <ctime>
#include <fmt/format.h>

namespace namekeeper::standins {

std::string iso_time(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

RegistryProject* PypiRegistry::find(std::string_view name) {
    const auto it = m_projects.find(pypi::normalize(name));
    return it == m_projects.end() ? nullptr : &it->second;
}

const RegistryProject* PypiRegistry::find(std::string_view name) const {
    const auto it = m_projects.find(pypi::normalize(name));
    return it == m_projects.end() ? nullptr : &it->second;
}

RegistryProject& PypiRegistry::create(std::string_view name, std::vector<std::string> owners,
                                      std::optional<std::string> organization) {
    std::string normalized = pypi::normalize(name);
    if (auto* existing = find(normalized)) {
        return *existing;
    }
    m_similarity_keys.insert(pypi::similarity_key(name));
    RegistryProject project{
        std::string(name), normalized, std::move(owners), std::move(organization), {}, {}, {}};
    return m_projects.emplace(std::move(normalized), std::move(project)).first->second;
}

void PypiRegistry::add_version(RegistryProject& project, std::string_view version) {
    for (const auto& known : project.versions) {
        if (compare_versions(known, version) == 0) {
            return;
        }
    }
    project.versions.emplace_back(version);
}

void PypiRegistry::add_file(RegistryProject& project, RegistryFile file) {
    add_version(project, file.version);
    m_files_by_name[file.filename] = file;
    project.files.push_back(std::move(file));
}

void PypiRegistry::add_synthetic_release(RegistryProject& project, std::string_view version) {
    const std::string filename =
        fmt::format("{}-{}-py3-none-any.whl", pypi::filename_component(project.normalized), version);
    const std::string content = "stand-in release " + filename;
    add_file(project, {filename, std::string(version), "bdist_wheel", "py3",
                       util::digest_hex(util::DigestKind::md5, content),
                       util::digest_hex(util::DigestKind::sha256, content),
                       util::digest_hex(util::DigestKind::blake2b_256, content), content.size(),
                       "2024-01-01T00:00:00Z"});
}

const RegistryFile* PypiRegistry::file_named(std::string_view filename) const {
    const auto it = m_files_by_name.find(filename);
    return it == m_files_by_name.end() ? nullptr : &it->second;
}

bool PypiRegistry::too_similar(std::string_view name) const {
    return m_similarity_keys.contains(pypi::similarity_key(name));
}

bool PypiRegistry::prohibited(std::string_view name) const {
    return m_prohibited.contains(pypi::normalize(name));
}

void PypiRegistry::prohibit(std::string_view name) {
    m_prohibited.insert(pypi::normalize(name));
}

void PypiRegistry::add_token(std::string token, std::string user) {
    m_token_users[std::move(token)] = std::move(user);
}

std::optional<std::string> PypiRegistry::user_for_token(std::string_view token) const {
    const auto it = m_token_users.find(token);
    if (it == m_token_users.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool PypiRegistry::may_create_project(const std::string& user, Clock::time_point now) {
    auto& times = m_creations[user];
    while (!times.empty() && now - times.front() >= std::chrono::hours(1)) {
        times.pop_front();
    }
    return times.size() < m_new_projects_per_hour;
}

void PypiRegistry::note_project_created(const std::string& user, Clock::time_point now) {
    m_creations[user].push_back(now);
}

std::string PypiRegistry::latest_version(const RegistryProject& project) {
    // As warehouse's JSON API: the highest final release, or the highest of all when there is none.
    std::string latest;
    std::string latest_final;
    for (const auto& version : project.versions) {
        if (latest.empty() || compare_versions(version, latest) > 0) {
            latest = version;
        }
        if (!is_prerelease(version) &&
            (latest_final.empty() || compare_versions(version, latest_final) > 0)) {
            latest_final = version;
        }
    }
    return latest_final.empty() ? latest : latest_final;
}

} // namespace namekeeper::standins
