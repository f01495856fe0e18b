#pragma once

// What the PyPI stand-in knows: projects by normalized name, their releases and files, the filenames
// ever used, API tokens, prohibited names and each user's recent project creations (for the
// new-project rate limit). Not thread-safe; PypiStandin locks around it.

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace namekeeper::standins {

struct RegistryFile {
    std::string filename;
    std::string version;
    std::string packagetype; // bdist_wheel, sdist
    std::string python_version;
    std::string md5;
    std::string sha256;
    std::string blake2_256;
    std::size_t size = 0;
    std::string upload_time; // ISO-8601
};

struct RegistryProject {
    std::string name; // display name, as first registered
    std::string normalized;
    std::vector<std::string> owners;
    std::optional<std::string> organization;
    std::string author_email;
    std::vector<std::string> versions; // in the order added
    std::vector<RegistryFile> files;
};

class PypiRegistry {
public:
    using Clock = std::chrono::system_clock;

    [[nodiscard]] RegistryProject* find(std::string_view name);
    [[nodiscard]] const RegistryProject* find(std::string_view name) const;
    RegistryProject& create(std::string_view name, std::vector<std::string> owners,
                            std::optional<std::string> organization);
    void add_version(RegistryProject& project, std::string_view version);
    void add_file(RegistryProject& project, RegistryFile file);
    // A stand-in release: one small synthetic wheel.
    void add_synthetic_release(RegistryProject& project, std::string_view version);

    // The file that once had this name, on any project.
    [[nodiscard]] const RegistryFile* file_named(std::string_view filename) const;
    // True when another project's similarity key equals the name's (PyPI's "too similar").
    [[nodiscard]] bool too_similar(std::string_view name) const;
    [[nodiscard]] bool prohibited(std::string_view name) const;
    void prohibit(std::string_view name);

    void add_token(std::string token, std::string user);
    [[nodiscard]] std::optional<std::string> user_for_token(std::string_view token) const;

    void set_new_projects_per_hour(std::size_t limit) { m_new_projects_per_hour = limit; }
    [[nodiscard]] bool may_create_project(const std::string& user, Clock::time_point now);
    void note_project_created(const std::string& user, Clock::time_point now);

    // The highest final version by PEP 440 (else the highest pre-release), or "" without releases.
    [[nodiscard]] static std::string latest_version(const RegistryProject& project);

    [[nodiscard]] const std::map<std::string, RegistryProject, std::less<>>& projects() const {
        return m_projects;
    }

private:
    std::map<std::string, RegistryProject, std::less<>> m_projects; // by normalized name
    std::multiset<std::string, std::less<>> m_similarity_keys;
    std::map<std::string, RegistryFile, std::less<>> m_files_by_name;
    std::set<std::string, std::less<>> m_prohibited; // normalized
    std::map<std::string, std::string, std::less<>> m_token_users;
    std::map<std::string, std::deque<Clock::time_point>, std::less<>> m_creations;
    std::size_t m_new_projects_per_hour = 20;
};

[[nodiscard]] std::string iso_time(std::chrono::system_clock::time_point time);

} // namespace namekeeper::standins
