#include "placeholder/validators.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace namekeeper::test {
namespace {

// pip and twine quiet and offline, with no user configuration.
const std::vector<std::string> k_python_env{"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INPUT=1",
                                            "PIP_ROOT_USER_ACTION=ignore",     "PIP_CONFIG_FILE=/dev/null",
                                            "PYTHONDONTWRITEBYTECODE=1",       "NO_COLOR=1"};

} // namespace

std::filesystem::path write_bytes(const std::filesystem::path& dir, const std::string& filename,
                                  const std::string& bytes) {
    const auto path = dir / filename;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path;
}

ProcessResult run_checker(const std::string& script, const std::filesystem::path& file,
                          const ExpectedMetadata& expected, const std::filesystem::path& scratch) {
    nlohmann::json json{{"name", expected.name},
                        {"version", expected.version},
                        {"headers", expected.headers},
                        {"body", expected.body}};
    const auto expected_path = write_bytes(scratch, "expected.json", json.dump());
    const auto script_path = source_dir() / "tests" / "placeholder" / script;
    return run_process({k_python, script_path.string(), file.string(), expected_path.string()}, {},
                       k_python_env);
}

ProcessResult twine_check(const std::filesystem::path& file) {
    return run_process({k_python, "-m", "twine", "check", "--strict", file.string()}, {}, k_python_env);
}

ProcessResult pip_install(const std::filesystem::path& file, const std::filesystem::path& target) {
    return run_process({k_python, "-m", "pip", "install", "--no-index", "--no-deps", "--no-cache-dir",
                        "--target", target.string(), file.string()},
                       {}, k_python_env);
}

ProcessResult pip_build_wheel(const std::filesystem::path& sdist, const std::filesystem::path& out) {
    return run_process({k_python, "-m", "pip", "wheel", "--no-index", "--no-deps", "--no-build-isolation",
                        "--no-cache-dir", "-w", out.string(), sdist.string()},
                       {}, k_python_env);
}

std::vector<std::string> list_dir(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace namekeeper::test
