// SPEC.md's upload outcome table, row by row, through real uploads. The PyPI stand-in answers most
// rows itself; where its answer cannot be reached (a standard-library or invalid name is settled
// before any upload, and a free name whose file already exists needs a race), an UploadProxy in
// front of it makes the race happen or answers with warehouse's words.

#include "namekeeper/http/client.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/placeholder/placeholder.hpp"
#include "reconcile/fixture.hpp"

#include <catch2/catch.hpp>

using namekeeper::ledger::NameState;
using namekeeper::ledger::Risk;
using namekeeper::reconcile::ListingMode;
using namekeeper::standins::PypiEndpoint;
using namekeeper::test::Company;
using namekeeper::test::SampleData;
using namekeeper::test::UploadProxy;

namespace {

std::string upload_outcome(const Company& company, std::string_view name) {
    auto ledger = company.open_ledger();
    const auto uploads = ledger.uploads(name);
    REQUIRE(uploads);
    REQUIRE(uploads->size() == 1);
    return uploads->front().outcome;
}

} // namespace

TEST_CASE("upload answers 200 and 400: reserved or blocked with the matching reason", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.pypi.add_project("PyYAML", {"yaml-maintainer"}, std::nullopt, {"6.0.1"});
    company.pypi.add_prohibited_name("acme-banned");
    company.add_internal("acme-fine");
    company.add_internal("py-yaml");
    company.add_internal("acme-banned");
    company.reconcile({.mode = ListingMode::full});

    CHECK(company.record("acme-fine").state == NameState::reserved);
    CHECK(upload_outcome(company, "acme-fine") == "accepted");
    const auto yaml = company.record("py-yaml");
    CHECK(yaml.state == NameState::blocked);
    CHECK(yaml.reason == "too-similar");
    CHECK(upload_outcome(company, "py-yaml") == "too-similar");
    const auto banned = company.record("acme-banned");
    CHECK(banned.state == NameState::blocked);
    CHECK(banned.reason == "prohibited");
    CHECK(upload_outcome(company, "acme-banned") == "prohibited");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 3);
    CHECK(company.pypi.uploads().size() == 1);
    CHECK_FALSE(company.pypi.project("acme-banned"));
}

TEST_CASE("upload answers 400 Standard Library and is invalid: blocked stdlib and invalid-name",
          "[reconcile]") {
    Company company({.sample = SampleData::no});
    // Names the local rules let through; the proxy answers as warehouse would for a name it refuses.
    company.add_internal("acme-std");
    company.add_internal("acme-bad");
    UploadProxy proxy(company.pypi, [](const std::string& name) -> std::optional<UploadProxy::Answer> {
        if (name == "acme-std") {
            return UploadProxy::Answer{400,
                                       "The name 'acme-std' isn't allowed (conflict with Python Standard "
                                       "Library module name). See https://pypi.org/help/#project-name for "
                                       "more information."};
        }
        return UploadProxy::Answer{400, "'acme-bad' is invalid for 'name'. See "
                                        "https://packaging.python.org/specifications/core-metadata for more "
                                        "information."};
    });
    company.config.pypi.upload_url = proxy.upload_url();
    company.reconcile({.mode = ListingMode::full});

    const auto std_name = company.record("acme-std");
    CHECK(std_name.state == NameState::blocked);
    CHECK(std_name.reason == "stdlib");
    const auto bad = company.record("acme-bad");
    CHECK(bad.state == NameState::blocked);
    CHECK(bad.reason == "invalid-name");
    CHECK(proxy.request_count() == 2);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 0);
}

TEST_CASE("upload answers File already exists: the name is looked up again and found ours", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.add_internal("acme-race");
    // Between our look-up and our upload, an earlier run of ours (with another description, so other
    // bytes under the same file name) uploads its placeholder.
    auto earlier = company.config;
    earlier.placeholder.description = "An earlier placeholder.";
    UploadProxy proxy(company.pypi, [&](const std::string& name) -> std::optional<UploadProxy::Answer> {
        if (company.pypi.project(name)) {
            return std::nullopt;
        }
        const auto metadata = namekeeper::placeholder::make_metadata(name, earlier.placeholder);
        const auto files = namekeeper::placeholder::build_placeholders(name, earlier.placeholder);
        if (!metadata || !files) {
            return std::nullopt; // no Catch2 assertion on the proxy's thread; the checks below fail
        }
        auto http = namekeeper::http::make_client({});
        namekeeper::index::Uploader uploader(*http, earlier.pypi);
        const auto& file = files->front();
        (void)uploader.upload(
            {file.filename, file.bytes, namekeeper::placeholder::upload_fields(file, *metadata)});
        return std::nullopt;
    });
    company.config.pypi.upload_url = proxy.upload_url();
    company.reconcile({.mode = ListingMode::full});

    const auto race = company.record("acme-race");
    CHECK(race.state == NameState::reserved);
    CHECK(race.public_version == "0.0.0");
    CHECK(upload_outcome(company, "acme-race") == "file-exists");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2); // the earlier one, then ours
    CHECK(company.pypi.uploads().size() == 1);
    CHECK(company.pypi.request_count(PypiEndpoint::simple) == 2); // look-up, then again
}

TEST_CASE("upload answers 403 isn't allowed to upload to project: a stranger took it, taken", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.add_internal("acme-race", "2.0.0");
    company.add_internal("acme-calm");
    company.pypi.take_name_on_upload("acme-race", "stranger");
    company.reconcile({.mode = ListingMode::full});

    const auto race = company.record("acme-race");
    CHECK(race.state == NameState::taken);
    CHECK(race.risk == Risk::warning); // the stranger's project has no releases
    CHECK(race.owners.empty());        // a project without releases: the JSON API says nothing of owners
    CHECK(upload_outcome(company, "acme-race") == "not-allowed");
    CHECK(company.record("acme-calm").state == NameState::reserved);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2);
    REQUIRE(company.pypi.uploads().size() == 1);
    CHECK(company.pypi.uploads().front().filename == "acme_calm-0.0.0-py3-none-any.whl");
}

TEST_CASE("upload answers 403 for the credential: uploads stop for the run", "[reconcile]") {
    Company company({.sample = SampleData::no});
    for (const auto* name : {"acme-a", "acme-b", "acme-c"}) {
        company.add_internal(name);
    }
    company.config.pypi.token = namekeeper::config::Secret("pypi-wrong-token");
    const auto report = company.reconcile({.mode = ListingMode::full});

    CHECK(report.run.auth_failed);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 1);
    for (const auto* name : {"acme-a", "acme-b", "acme-c"}) {
        const auto r = company.record(name);
        CHECK(r.state == NameState::pending);
        CHECK(r.last_error == "uploads stopped for this run: the index refused the upload credential");
    }
    CHECK(company.summary(report) == "namekeeper full: 3 artifacts, 3 names (3 new), 3 looked up, 0 uploads "
                                     "| ledger: 3 pending, 0 reserved, "
                                     "0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed | UPLOADS STOPPED: "
                                     "the index refused the upload token");
}

TEST_CASE("upload answers 5xx once: retried and reserved", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.add_internal("acme-flaky");
    company.pypi.fail_next(PypiEndpoint::upload, 1, 503);
    company.reconcile({.mode = ListingMode::full});

    CHECK(company.record("acme-flaky").state == NameState::reserved);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2);
    CHECK(company.pypi.uploads().size() == 1);
    CHECK(upload_outcome(company, "acme-flaky") == "accepted");
}

TEST_CASE("upload answers 5xx every time: failed with backoff, retried by a later run", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.add_internal("acme-down");
    company.pypi.fail_next(PypiEndpoint::upload, 3, 500);
    const auto t0 = *namekeeper::ledger::parse_utc("2026-12-05T10:00:00Z");
    const auto report = company.reconcile({.mode = ListingMode::full}, t0);

    CHECK(report.run.failed == 1);
    auto down = company.record("acme-down");
    CHECK(down.state == NameState::failed);
    CHECK(down.failures == 1);
    REQUIRE(down.next_attempt_at);
    CHECK(namekeeper::ledger::format_utc(*down.next_attempt_at) == "2026-12-05T10:05:00Z");
    CHECK(down.last_error.value_or("").starts_with("upload refused: 500"));
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 3);
    CHECK(company.pypi.uploads().empty());

    // Before next_attempt_at nothing is tried; after it, the upload goes through.
    company.reconcile({}, t0 + std::chrono::minutes(2));
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 3);
    company.reconcile({}, t0 + std::chrono::minutes(6));
    CHECK(company.record("acme-down").state == NameState::reserved);
    CHECK(company.pypi.uploads().size() == 1);
}
