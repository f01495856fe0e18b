#include "namekeeper/pypi/name.hpp"
#include "namekeeper/util/digest.hpp"
#include "standin_checks/upload_support.hpp"
#include "standin_checks/zip_writer.hpp"
#include "standins/pypi_standin.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::test;
using namekeeper::standins::PypiOptions;
using namekeeper::standins::PypiStandin;

namespace {

constexpr const char* k_token = "pypi-test-token";

struct Answer {
    int status;
    std::string message;
};

Answer upload(PypiStandin& pypi, const FormFields& fields, const std::string& filename,
              const std::string& data, const std::string& token = k_token) {
    const auto result = post_upload(pypi, token, fields, filename, data);
    REQUIRE(result);
    return {result->status, error_message(result->body)};
}

Answer upload_wheel(PypiStandin& pypi, const std::string& name, const std::string& version,
                    const std::string& data, const std::string& filename) {
    return upload(pypi, upload_fields(name, version, data), filename, data);
}

PypiOptions options_with_limit(std::size_t limit) {
    PypiOptions options;
    options.new_projects_per_hour = limit;
    return options;
}

} // namespace

TEST_CASE("PyPI stand-in accepts a valid wheel and creates the project", "[standins]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    const std::string wheel = valid_wheel("acme-thing", "0.0.0");
    const std::string filename = "acme_thing-0.0.0-py3-none-any.whl";

    const Answer first = upload_wheel(pypi, "acme-thing", "0.0.0", wheel, filename);
    CHECK(first.status == 200);
    const auto project = pypi.project("Acme.Thing");
    REQUIRE(project);
    CHECK(project->owners == std::vector<std::string>{"acme-security"});
    CHECK(project->versions == std::vector<std::string>{"0.0.0"});
    CHECK(project->author_email == "security@acme.example");
    const auto uploads = pypi.uploads();
    REQUIRE(uploads.size() == 1);
    CHECK(uploads[0].filename == filename);
    CHECK(uploads[0].user == "acme-security");
    CHECK(uploads[0].sha256 == namekeeper::util::digest_hex(namekeeper::util::DigestKind::sha256, wheel));
    CHECK(uploads[0].fields.find("summary")->second == "A test upload");

    SECTION("the identical file again answers 200 and stores nothing") {
        CHECK(upload_wheel(pypi, "acme-thing", "0.0.0", wheel, filename).status == 200);
        CHECK(pypi.uploads().size() == 1);
    }
    SECTION("other bytes under a used filename are refused") {
        const std::string other =
            write_zip(wheel_entries("acme_thing", "acme-thing", "0.0.0"), ZipOptions{false, 0, {}, {}});
        auto entries = wheel_entries("acme_thing", "acme-thing", "0.0.0");
        entries[0].data += "Summary: changed\n";
        const std::string changed = write_zip(entries);
        const Answer answer = upload_wheel(pypi, "acme-thing", "0.0.0", changed, filename);
        CHECK(answer.status == 400);
        CHECK(answer.message ==
              "File already exists ('acme_thing-0.0.0-py3-none-any.whl', with blake2_256 hash '" +
                  namekeeper::util::digest_hex(namekeeper::util::DigestKind::blake2b_256, changed) +
                  "'). See https://pypi.org/help/#file-name-reuse for more information.");
        CHECK(other == wheel);
    }
    SECTION("a stranger may not upload to it") {
        pypi.add_token("stranger-token", "stranger");
        const std::string next = valid_wheel("acme-thing", "0.0.1");
        const Answer answer = upload(pypi, upload_fields("acme-thing", "0.0.1", next),
                                     "acme_thing-0.0.1-py3-none-any.whl", next, "stranger-token");
        CHECK(answer.status == 403);
        CHECK(answer.message == "The user 'stranger' isn't allowed to upload to project 'acme-thing'. See "
                                "https://pypi.org/help/#project-name for more information.");
    }
}

TEST_CASE("PyPI stand-in refuses wheels that break the ZIP rules", "[standins]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    const std::string filename = "acme_zip-1.0-py3-none-any.whl";
    const auto entries = wheel_entries("acme_zip", "acme-zip", "1.0");
    const auto refused = [&](const std::string& data) {
        return upload_wheel(pypi, "acme-zip", "1.0", data, filename);
    };
    const std::string prefix = "Invalid distribution file. ZIP archive not accepted: ";

    Answer answer = refused(write_zip(entries, ZipOptions{true, 0, {}, {}}));
    CHECK(answer.status == 400);
    CHECK(answer.message == prefix + "Entry 'acme_zip-1.0.dist-info/METADATA' uses a data descriptor.");

    auto commented = entries;
    commented[1].comment = "hello";
    CHECK(refused(write_zip(commented)).message ==
          prefix + "Entry 'acme_zip-1.0.dist-info/WHEEL' has a comment.");
    CHECK(refused(write_zip(entries, ZipOptions{false, 0, "archive comment", {}})).message ==
          prefix + "Archive has a comment.");
    CHECK(refused(write_zip(entries, ZipOptions{false, 0, {}, "trailing"})).message ==
          prefix + "Archive has trailing data.");
    CHECK(refused(write_zip(entries, ZipOptions{false, 12, {}, {}})).message ==
          prefix + "Entry 'acme_zip-1.0.dist-info/METADATA' uses compression method 12.");
    auto duplicated = entries;
    duplicated.push_back(entries[1]);
    CHECK(refused(write_zip(duplicated)).message ==
          prefix + "Duplicate entry name 'acme_zip-1.0.dist-info/WHEEL'.");
    CHECK(refused("not a zip at all").message == prefix + "File is not a zip file.");
    CHECK(refused(write_zip(wheel_entries("acme_zip", "acme-zip", "1.0", false))).message ==
          "Wheel 'acme_zip-1.0-py3-none-any.whl' does not contain the required METADATA file: "
          "acme_zip-1.0.dist-info/METADATA");
    CHECK(pypi.project_count() == 0);
    CHECK(pypi.uploads().empty());
}

TEST_CASE("PyPI stand-in checks digests and filenames", "[standins]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    const std::string wheel = valid_wheel("acme-thing", "1.0.0");

    auto fields = upload_fields("acme-thing", "1.0.0", wheel);
    set_field(fields, "sha256_digest", std::string(64, 'a'));
    Answer answer = upload(pypi, fields, "acme_thing-1.0.0-py3-none-any.whl", wheel);
    CHECK(answer.status == 400);
    CHECK(answer.message == "The digest supplied does not match a digest calculated from the uploaded file.");

    answer = upload_wheel(pypi, "acme-thing", "1.0.0", wheel, "Acme_Thing-1.0.0-py3-none-any.whl");
    CHECK(answer.message ==
          "Filename 'Acme_Thing-1.0.0-py3-none-any.whl' should contain the normalized project "
          "name 'acme_thing', not 'Acme_Thing'.");
    answer = upload_wheel(pypi, "acme-thing", "1.0.0", wheel, "acme-thing-1.0.0-py3-none-any.whl");
    CHECK(answer.message == "Start filename for 'acme-thing' with 'acme_thing'.");
    answer = upload_wheel(pypi, "acme-thing", "1.0.0", wheel, "acme_thing-1.0.1-py3-none-any.whl");
    CHECK(answer.message == "Version in filename should be '1.0.0' not '1.0.1'.");
    answer = upload_wheel(pypi, "acme-thing", "1.0.0", wheel, "acme_thing-1.0.0.zip");
    CHECK(answer.status == 400);
    CHECK(answer.message.starts_with("Invalid file extension: Use .tar.gz or .whl extension."));

    SECTION("sdists") {
        const std::string sdist = tar_gz({"acme_thing-1.0.0/PKG-INFO", "acme_thing-1.0.0/pyproject.toml"});
        const auto sdist_fields = upload_fields("acme-thing", "1.0.0", sdist, "sdist");
        answer = upload(pypi, sdist_fields, "acme-thing-1.0.0.tar.gz", sdist);
        CHECK(answer.message ==
              "Filename 'acme-thing-1.0.0.tar.gz' is invalid, should be 'acme_thing-1.0.0.tar.gz'.");
        const std::string two_tops = tar_gz({"acme_thing-1.0.0/PKG-INFO", "other/file"});
        answer = upload(pypi, upload_fields("acme-thing", "1.0.0", two_tops, "sdist"),
                        "acme_thing-1.0.0.tar.gz", two_tops);
        CHECK(answer.message ==
              "Invalid distribution file. Incorrect number of top-level directories in sdist.");
        const std::string no_pkg_info = tar_gz({"acme_thing-1.0.0/setup.py"});
        answer = upload(pypi, upload_fields("acme-thing", "1.0.0", no_pkg_info, "sdist"),
                        "acme_thing-1.0.0.tar.gz", no_pkg_info);
        CHECK(answer.message ==
              "Invalid distribution file. PKG-INFO not found at acme_thing-1.0.0/PKG-INFO.");
        answer = upload(pypi, sdist_fields, "acme_thing-1.0.0.tar.gz", sdist);
        CHECK(answer.status == 200);
        CHECK(pypi.project("acme-thing")->filenames == std::vector<std::string>{"acme_thing-1.0.0.tar.gz"});
    }
}

TEST_CASE("PyPI stand-in applies the name rules for new projects", "[standins]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    pypi.add_project("PyYAML", {"yaml-maintainer"}, std::nullopt, {"6.0.1"});
    pypi.add_prohibited_name("requirements-txt");
    const auto try_name = [&](const std::string& name) {
        const std::string component = namekeeper::pypi::filename_component(name);
        const std::string wheel = valid_wheel(name, "0.0.0");
        return upload_wheel(pypi, name, "0.0.0", wheel, component + "-0.0.0-py3-none-any.whl");
    };

    Answer answer = try_name("json");
    CHECK(answer.status == 400);
    CHECK(answer.message == "The name 'json' isn't allowed (conflict with Python Standard Library module "
                            "name). See https://pypi.org/help/#project-name for more information.");
    answer = try_name("py-yaml");
    CHECK(answer.status == 400);
    CHECK(answer.message == "The name 'py-yaml' is too similar to an existing project. See "
                            "https://pypi.org/help/#project-name for more information.");
    answer = try_name("Requirements.txt");
    CHECK(answer.status == 400);
    CHECK(answer.message ==
          "The name 'Requirements.txt' isn't allowed. See https://pypi.org/help/#project-name "
          "for more information.");
    answer = try_name("-bad-");
    CHECK(answer.status == 400);
    CHECK(answer.message ==
          "'-bad-' is invalid for 'name'. See "
          "https://packaging.python.org/specifications/core-metadata for more information.");
    answer = try_name("pyyaml");
    CHECK(answer.status == 403);
    CHECK(answer.message == "The user 'acme-security' isn't allowed to upload to project 'PyYAML'. See "
                            "https://pypi.org/help/#project-name for more information.");
    CHECK(pypi.project_count() == 1);
}

TEST_CASE("PyPI stand-in refuses bad credentials and bad forms", "[standins]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    const std::string wheel = valid_wheel("acme-thing", "1.0");
    const std::string filename = "acme_thing-1.0-py3-none-any.whl";
    const std::string invalid_auth = "Invalid or non-existent authentication information. See "
                                     "https://pypi.org/help/#invalid-auth for more information.";

    Answer answer = upload(pypi, upload_fields("acme-thing", "1.0", wheel), filename, wheel, "wrong-token");
    CHECK(answer.status == 403);
    CHECK(answer.message == invalid_auth);
    answer = upload(pypi, upload_fields("acme-thing", "1.0", wheel), filename, wheel, "");
    CHECK(answer.status == 403);
    CHECK(answer.message == invalid_auth);

    auto fields = upload_fields("acme-thing", "1.0", wheel);
    set_field(fields, "metadata_version", "2.0");
    answer = upload(pypi, fields, filename, wheel);
    CHECK(answer.status == 400);
    CHECK(answer.message ==
          "'2.0' is an invalid value for Metadata-Version. Error: Use a known metadata version. "
          "See https://packaging.python.org/specifications/core-metadata for more information.");
    for (const char* accepted : {"1.0", "1.2", "2.1", "2.5"}) {
        set_field(fields, "metadata_version", accepted);
        CHECK(upload(pypi, fields, filename, wheel).status == 200);
    }
    set_field(fields, "protocol_version", "2");
    CHECK(upload(pypi, fields, filename, wheel).message == "Unknown protocol version.");

    httplib::Client client("127.0.0.1", pypi.port());
    const auto redirect = client.Post("/legacy", "x=1", "application/x-www-form-urlencoded");
    REQUIRE(redirect);
    CHECK(redirect->status == 308);
    CHECK(redirect->get_header_value("Location") == "/legacy/");
}

TEST_CASE("PyPI stand-in rate-limits new projects and lets names be taken under it", "[standins]") {
    PypiStandin pypi(options_with_limit(2));
    pypi.add_token(k_token, "acme-security");
    const auto reserve = [&](const std::string& name) {
        const std::string wheel = valid_wheel(name, "0.0.0");
        return upload_wheel(pypi, name, "0.0.0", wheel,
                            namekeeper::pypi::filename_component(name) + "-0.0.0-py3-none-any.whl");
    };
    CHECK(reserve("acme-one").status == 200);
    CHECK(reserve("acme-two").status == 200);
    const Answer limited = reserve("acme-three");
    CHECK(limited.status == 429);
    CHECK(limited.message == "Too many new projects created");
    // Uploads to projects the user holds are not limited.
    const std::string next = valid_wheel("acme-one", "0.0.1");
    CHECK(upload_wheel(pypi, "acme-one", "0.0.1", next, "acme_one-0.0.1-py3-none-any.whl").status == 200);

    pypi.set_new_projects_per_hour(10);
    pypi.take_name_on_upload("Acme_Four", "mallory");
    const Answer taken = reserve("acme-four");
    CHECK(taken.status == 403);
    CHECK(taken.message == "The user 'acme-security' isn't allowed to upload to project 'acme-four'. See "
                           "https://pypi.org/help/#project-name for more information.");
    CHECK(pypi.project("acme-four")->owners == std::vector<std::string>{"mallory"});
    CHECK(pypi.request_count(namekeeper::standins::PypiEndpoint::upload) == 5);
}

TEST_CASE("PyPI stand-in injects upload faults", "[standins]") {
    PypiStandin pypi;
    pypi.add_token(k_token, "acme-security");
    pypi.fail_next(namekeeper::standins::PypiEndpoint::upload, 1, 503);
    const std::string wheel = valid_wheel("acme-thing", "1.0");
    CHECK(upload_wheel(pypi, "acme-thing", "1.0", wheel, "acme_thing-1.0-py3-none-any.whl").status == 503);
    CHECK(upload_wheel(pypi, "acme-thing", "1.0", wheel, "acme_thing-1.0-py3-none-any.whl").status == 200);
}
