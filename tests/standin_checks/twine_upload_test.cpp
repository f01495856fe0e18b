// The real client check: twine (Debian's 4.0.2) uploads to the PyPI stand-in over loopback. The token
// travels in the environment (TWINE_PASSWORD), never on the command line.

#include "namekeeper/util/digest.hpp"
#include "standins/pypi_standin.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <sstream>

using namespace namekeeper::test;
using namekeeper::standins::PypiStandin;

namespace {

// Builds {component}-{version}-py3-none-any.whl with Python's zipfile (DEFLATED, no data descriptors
// since it writes to a seekable file) and returns its path.
std::filesystem::path python_wheel(const TempDir& dir, const std::string& name, const std::string& version) {
    const std::string script = R"(
import base64, hashlib, sys, zipfile
name, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
component = name.replace('-', '_')
info = f'{component}-{version}.dist-info'
files = {
    f'{info}/METADATA': f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: twine check\n'
                        f'Author-email: security@acme.example\n\nReserved.\n',
    f'{info}/WHEEL': 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
}
def line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data.encode()).digest()).rstrip(b'=').decode()
    return f'{path},sha256={digest},{len(data.encode())}\n'
record = ''.join(line(p, d) for p, d in files.items()) + f'{info}/RECORD,,\n'
with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_DEFLATED) as z:
    for path, data in files.items():
        z.writestr(path, data)
    z.writestr(f'{info}/RECORD', record)
)";
    const std::string component = [&] {
        std::string c = name;
        std::ranges::replace(c, '-', '_');
        return c;
    }();
    const auto out = dir / (component + "-" + version + "-py3-none-any.whl");
    const auto result = run_process({k_python, "-c", script, name, version, out.string()});
    REQUIRE(result.exit_code == 0);
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

ProcessResult twine_upload(const PypiStandin& pypi, const std::filesystem::path& wheel,
                           const std::string& token) {
    return run_process({k_python, "-m", "twine", "upload", "--repository-url", pypi.upload_url(),
                        "--non-interactive", "--disable-progress-bar", "--verbose", wheel.string()},
                       {},
                       {"TWINE_USERNAME=__token__", "TWINE_PASSWORD=" + token, "COLUMNS=1000", "NO_COLOR=1"});
}

} // namespace

TEST_CASE("twine uploads a wheel to the PyPI stand-in", "[standins][twine]") {
    TempDir dir;
    PypiStandin pypi;
    pypi.add_token("twine-token", "acme-security");
    const auto wheel = python_wheel(dir, "acme-twine-check", "0.0.0");

    const auto result = twine_upload(pypi, wheel, "twine-token");
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    const auto uploads = pypi.uploads();
    REQUIRE(uploads.size() == 1);
    const std::string bytes = read_file(wheel);
    CHECK(uploads[0].filename == "acme_twine_check-0.0.0-py3-none-any.whl");
    CHECK(uploads[0].name == "acme-twine-check");
    CHECK(uploads[0].version == "0.0.0");
    CHECK(uploads[0].user == "acme-security");
    CHECK(uploads[0].sha256 == namekeeper::util::digest_hex(namekeeper::util::DigestKind::sha256, bytes));
    CHECK(uploads[0].fields.find("sha256_digest")->second == uploads[0].sha256);
    CHECK(uploads[0].fields.find("blake2_256_digest")->second == uploads[0].blake2_256);
    CHECK(uploads[0].fields.find("metadata_version")->second == "2.1");
    CHECK(pypi.project("acme-twine-check")->owners == std::vector<std::string>{"acme-security"});
}

TEST_CASE("twine reports the PyPI stand-in's refusal of a too-similar name", "[standins][twine]") {
    TempDir dir;
    PypiStandin pypi;
    pypi.add_token("twine-token", "acme-security");
    pypi.add_project("PyYAML", {"yaml-maintainer"}, std::nullopt, {"6.0.1"});
    const auto wheel = python_wheel(dir, "py-yaml", "0.0.0");

    const auto result = twine_upload(pypi, wheel, "twine-token");
    CHECK(result.exit_code == 1);
    // twine prints through rich, which may wrap lines: compare with whitespace runs collapsed.
    std::string output;
    for (const char c : result.out + result.err) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            output.push_back(c);
        } else if (!output.empty() && output.back() != ' ') {
            output.push_back(' ');
        }
    }
    INFO(output);
    CHECK(output.find("400 Bad Request from " + pypi.upload_url()) != std::string::npos);
    CHECK(output.find("The name 'py-yaml' is too similar to an existing project. See "
                      "https://pypi.org/help/#project-name for more information.") != std::string::npos);
    CHECK(output.find("twine-token") == std::string::npos);
    CHECK(pypi.uploads().empty());
}
