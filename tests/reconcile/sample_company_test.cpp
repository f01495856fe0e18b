// The sample company of standins/sample_data.hpp through one library-level backfill: every name
// ends in the state the sample documents, and the stand-ins saw exactly the requests that takes.

#include "reconcile/fixture.hpp"
#include "standins/sample_data.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

using namekeeper::ledger::NameState;
using namekeeper::ledger::Risk;
using namekeeper::reconcile::ListingMode;
using namekeeper::standins::PypiEndpoint;
using namekeeper::test::Company;
using namekeeper::test::placeholder_wheel;

TEST_CASE("the sample company: every name ends in its documented state", "[reconcile]") {
    Company company;
    const auto report = company.reconcile({.mode = ListingMode::full});
    auto ledger = company.open_ledger();

    CHECK(report.listing_errors.empty());
    CHECK(report.run.failures.empty());
    CHECK(report.names == 38);
    CHECK(report.new_names == 38);

    SECTION("reserved: the 30 free names and acme-widget, one placeholder wheel each") {
        const auto uploads = company.pypi.uploads();
        REQUIRE(uploads.size() == 31);
        std::set<std::string> filenames;
        for (const auto& upload : uploads) {
            filenames.insert(upload.filename);
            CHECK(upload.version == "0.0.0");
            CHECK(upload.filetype == "bdist_wheel");
            CHECK(upload.user == "acme-security");
        }
        std::set<std::string> expected{placeholder_wheel("acme-widget")};
        for (const auto name : namekeeper::standins::k_sample_free_names) {
            expected.insert(placeholder_wheel(name));
        }
        CHECK(filenames == expected);
        CHECK(filenames.contains("acme_utils-0.0.0-py3-none-any.whl"));

        for (const auto name : namekeeper::standins::k_sample_free_names) {
            const auto r = company.record(name);
            CHECK(r.state == NameState::reserved);
            CHECK(r.public_version == "0.0.0");
            CHECK(r.owners == std::vector<std::string>{"acme-security"});
            CHECK(r.attempts == 1);
            const auto recorded = ledger.uploads(name);
            REQUIRE(recorded);
            REQUIRE(recorded->size() == 1);
            CHECK(recorded->front().filename == placeholder_wheel(name));
            CHECK(recorded->front().outcome == "accepted");
            const auto sent = std::ranges::find(uploads, placeholder_wheel(name),
                                                &namekeeper::standins::AcceptedUpload::filename);
            REQUIRE(sent != uploads.end());
            CHECK(recorded->front().sha256 == sent->sha256);
        }
        const auto utils = company.record("acme-utils");
        CHECK(utils.repositories == std::vector<std::string>{"pypi-local", "pypi-team"});
        CHECK(utils.internal_version == "1.1.0");
        const auto project = company.pypi.project("acme-utils");
        REQUIRE(project);
        CHECK(project->owners == std::vector<std::string>{"acme-security"});
        CHECK(project->versions == std::vector<std::string>{"0.0.0"});
    }

    SECTION("owned, taken critical and warning") {
        const auto sdk = company.record("acme-sdk");
        CHECK(sdk.state == NameState::owned);
        CHECK(sdk.public_version == "3.2.0");
        CHECK(sdk.owners == std::vector<std::string>{"acme-security", "org:acme"});

        const auto toolkit = company.record("acme-toolkit");
        CHECK(toolkit.state == NameState::taken);
        CHECK(toolkit.risk == Risk::critical);
        CHECK(toolkit.public_version == "99.0.0");
        CHECK(toolkit.internal_version == "1.2.0");
        CHECK(toolkit.owners == std::vector<std::string>{"mallory"});

        const auto common = company.record("acme-common");
        CHECK(common.state == NameState::taken);
        CHECK(common.risk == Risk::warning);
        CHECK(common.public_version == "0.1.0");
        CHECK(common.internal_version == "2.5.0");

        const auto legacy = company.record("acme-legacy");
        CHECK(legacy.state == NameState::taken);
        CHECK(legacy.risk == Risk::warning);
        CHECK_FALSE(legacy.public_version.has_value());

        for (const auto* name : {"acme-sdk", "acme-toolkit", "acme-common", "acme-legacy"}) {
            const auto recorded = ledger.uploads(name);
            REQUIRE(recorded);
            CHECK(recorded->empty());
        }
    }

    SECTION("blocked: tomllib without an upload, py-yaml by the index's answer") {
        const auto tomllib = company.record("tomllib");
        CHECK(tomllib.state == NameState::blocked);
        CHECK(tomllib.reason == "stdlib");
        const auto tomllib_uploads = ledger.uploads("tomllib");
        REQUIRE(tomllib_uploads);
        CHECK(tomllib_uploads->empty());
        CHECK_FALSE(company.pypi.project("tomllib"));

        // The ledger knows no project similar to py-yaml (PyYAML is no internal name), so the index
        // decides: the upload is answered 400 "too similar".
        const auto yaml = company.record("py-yaml");
        CHECK(yaml.state == NameState::blocked);
        CHECK(yaml.reason == "too-similar");
        const auto yaml_uploads = ledger.uploads("py-yaml");
        REQUIRE(yaml_uploads);
        REQUIRE(yaml_uploads->size() == 1);
        CHECK(yaml_uploads->front().outcome == "too-similar");
    }

    SECTION("ignored without a request; the folder/filename mismatch is reported") {
        const auto fork = company.record("acme-requests-fork");
        CHECK(fork.state == NameState::ignored);
        CHECK(fork.reason == "policy.ignore");

        const auto widget = company.record("acme-widget");
        CHECK(widget.state == NameState::reserved);
        CHECK(widget.mismatch.has_value());
        REQUIRE(report.mismatches.size() == 2);
        CHECK(report.mismatches[0] ==
              "pypi-local/acme-widgets/0.3.0/acme_widget-0.3.0-py3-none-any.whl: folder acme-widgets holds "
              "acme_widget-0.3.0-py3-none-any.whl");
        CHECK_FALSE(company.states().contains("acme-widgets"));
        CHECK_FALSE(company.states().contains("acme-notes"));    // readme.txt is no distribution
        CHECK_FALSE(company.states().contains("acme-frontend")); // npm-local is not listed
    }

    SECTION("requests: one simple look-up per name but the ignored one, JSON only for held names") {
        CHECK(company.pypi.request_count(PypiEndpoint::simple) == 37);
        CHECK(company.pypi.request_count(PypiEndpoint::json) == 4);
        CHECK(company.pypi.request_count(PypiEndpoint::upload) == 32); // 31 accepted + py-yaml refused
        const auto counts = ledger.counts();
        REQUIRE(counts);
        CHECK((*counts)[NameState::reserved] == 31);
        CHECK((*counts)[NameState::owned] == 1);
        CHECK((*counts)[NameState::taken] == 3);
        CHECK((*counts)[NameState::blocked] == 2);
        CHECK((*counts)[NameState::ignored] == 1);
        CHECK((*counts)[NameState::pending] == 0);
        CHECK((*counts)[NameState::failed] == 0);
    }
}

TEST_CASE("a free name too similar to a project the ledger knows is blocked without an upload",
          "[reconcile]") {
    Company company({.sample = namekeeper::test::SampleData::no});
    company.pypi.add_project("PyYAML", {"yaml-maintainer"}, std::nullopt, {"6.0.1"});
    company.add_internal("pyyaml", "5.0.0");
    company.add_internal("acme-free", "1.0.0");

    SECTION("known from this very run") {
        company.add_internal("py-yaml", "5.4.0");
        company.reconcile({.mode = ListingMode::full});
    }
    SECTION("known from an earlier run") {
        company.reconcile({.mode = ListingMode::full});
        CHECK(company.record("pyyaml").state == NameState::taken);
        company.add_internal("py-yaml", "5.4.0", "2026-12-02T10:00:00.000Z");
        const auto report = company.reconcile();
        CHECK(report.mode == ListingMode::incremental);
        CHECK(report.new_names == 1);
    }
    const auto yaml = company.record("py-yaml");
    CHECK(yaml.state == NameState::blocked);
    CHECK(yaml.reason == "too-similar");
    auto ledger = company.open_ledger();
    const auto uploads = ledger.uploads("py-yaml");
    REQUIRE(uploads);
    CHECK(uploads->empty());
    CHECK(company.record("pyyaml").state == NameState::taken);
    CHECK(company.record("acme-free").state == NameState::reserved);
    REQUIRE(company.pypi.uploads().size() == 1);
    CHECK(company.pypi.uploads().front().filename == "acme_free-0.0.0-py3-none-any.whl");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 1);
}
