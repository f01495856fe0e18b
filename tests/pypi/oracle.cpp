#include "pypi/oracle.hpp"

#include "support/process.hpp"

#include <catch2/catch.hpp>

namespace namekeeper::test {

std::uint64_t Rng::next() {
    m_state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = m_state;
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
}

std::vector<nlohmann::json> ask_packaging(const std::vector<nlohmann::json>& questions) {
    std::string input;
    for (const nlohmann::json& question : questions) {
        input += question.dump();
        input += '\n';
    }
    const std::string script = (source_dir() / "tests" / "pypi" / "packaging_oracle.py").string();
    const ProcessResult result = run_process({k_python, script}, input);
    INFO("oracle stderr: " << result.err);
    REQUIRE(result.exit_code == 0);
    std::vector<nlohmann::json> answers;
    std::size_t start = 0;
    while (start < result.out.size()) {
        std::size_t end = result.out.find('\n', start);
        if (end == std::string::npos) {
            end = result.out.size();
        }
        if (end > start) {
            answers.push_back(nlohmann::json::parse(result.out.substr(start, end - start)));
        }
        start = end + 1;
    }
    REQUIRE(answers.size() == questions.size());
    return answers;
}

void Disagreements::add(std::string description) {
    ++m_count;
    if (m_shown.size() < 8) {
        m_shown.push_back(std::move(description));
    }
}

std::string Disagreements::first_few() const {
    std::string out;
    for (const std::string& line : m_shown) {
        out += line;
        out += '\n';
    }
    return out;
}

} // namespace namekeeper::test
