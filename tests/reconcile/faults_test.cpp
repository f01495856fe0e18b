// Faults the job must ride out: Artifactory answering 500 or 429 on a page, a page that never ends,
// the public index failing a look-up once. Library level, with fast retries (fixture.hpp).

#include "reconcile/fixture.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namekeeper::ledger::NameState;
using namekeeper::reconcile::ListingMode;
using namekeeper::standins::AqlFault;
using namekeeper::standins::AqlFaultKind;
using namekeeper::standins::PypiEndpoint;
using namekeeper::test::Company;
using namekeeper::test::SampleData;

namespace {

// Ten names, one wheel each, listed four to a page: pages of 4, 4, 2 and the empty page that ends it.
void ten_names(Company& company) {
    for (int i = 0; i < 10; ++i) {
        company.add_internal(fmt::format("acme-pkg-{}", i));
    }
    company.config.artifactory.repositories = {"pypi-local"};
    company.config.artifactory.page_size = 4;
}

void check_all_reserved(const Company& company) {
    const auto states = company.states();
    CHECK(states.size() == 10);
    for (const auto& [name, state] : states) {
        INFO(name);
        CHECK(state == "reserved");
    }
    auto ledger = company.open_ledger();
    const auto mark = ledger.watermark("pypi-local");
    REQUIRE(mark);
    REQUIRE(mark->has_value());
    CHECK((*mark)->max_created == "2026-12-01T10:00:00.000Z");
    CHECK((*mark)->last_full_listing_at.has_value());
}

} // namespace

TEST_CASE("Artifactory faults on a page are retried and the listing completes", "[reconcile]") {
    Company company({.sample = SampleData::no});
    ten_names(company);

    SECTION("500 on the second page") {
        company.artifactory.inject_aql_fault(2, {AqlFaultKind::status, 500, std::nullopt});
    }
    SECTION("429 with Retry-After on the second page") {
        company.artifactory.inject_aql_fault(2, {AqlFaultKind::status, 429, 1});
    }
    SECTION("a second page that never ends: the request times out and is sent again") {
        company.config.artifactory.timeout = std::chrono::seconds(1);
        company.artifactory.set_hang_bound(std::chrono::seconds(3));
        company.artifactory.inject_aql_fault(2, {AqlFaultKind::hang, 200, std::nullopt});
    }
    const auto report = company.reconcile({.mode = ListingMode::full});
    CHECK(report.listing_errors.empty());
    CHECK(report.artifacts == 10);
    CHECK(company.artifactory.aql_request_count() == 5);
    const auto queries = company.artifactory.received_queries();
    REQUIRE(queries.size() == 5);
    CHECK(queries[1] == queries[2]); // the same page asked again
    check_all_reserved(company);
}

TEST_CASE("a page that never ends, every time: a listing error, the earlier pages recorded", "[reconcile]") {
    Company company({.sample = SampleData::no});
    ten_names(company);
    company.config.artifactory.timeout = std::chrono::seconds(1);
    company.artifactory.set_hang_bound(std::chrono::seconds(3));
    for (std::size_t n = 2; n <= 4; ++n) {
        company.artifactory.inject_aql_fault(n, {AqlFaultKind::hang, 200, std::nullopt});
    }
    const auto report = company.reconcile({.mode = ListingMode::full});
    REQUIRE(report.listing_errors.size() == 1);
    CHECK(report.listing_errors.front().starts_with("listing repository pypi-local at offset 4: "));
    CHECK(report.listing_errors.front().ends_with("; gave up after 3 attempts"));
    CHECK(company.states().size() == 4);
    auto ledger = company.open_ledger();
    const auto mark = ledger.watermark("pypi-local");
    REQUIRE(mark);
    CHECK_FALSE(mark->has_value());
}

TEST_CASE("public index look-ups that fail once are retried", "[reconcile]") {
    Company company;
    SECTION("simple API 500") {
        company.pypi.fail_next(PypiEndpoint::simple, 1, 500);
        company.reconcile({.mode = ListingMode::full});
        CHECK(company.pypi.request_count(PypiEndpoint::simple) == 38);
        CHECK(company.pypi.request_count(PypiEndpoint::json) == 4);
    }
    SECTION("JSON API 500") {
        company.pypi.fail_next(PypiEndpoint::json, 1, 500);
        company.reconcile({.mode = ListingMode::full});
        CHECK(company.pypi.request_count(PypiEndpoint::simple) == 37);
        CHECK(company.pypi.request_count(PypiEndpoint::json) == 5);
    }
    const auto counts = company.open_ledger().counts();
    REQUIRE(counts);
    CHECK((*counts)[NameState::reserved] == 31);
    CHECK((*counts)[NameState::owned] == 1);
    CHECK((*counts)[NameState::taken] == 3);
    CHECK((*counts)[NameState::failed] == 0);
    CHECK(company.record("acme-toolkit").public_version == "99.0.0");
}

TEST_CASE("a look-up that keeps failing leaves the name failed with the reason", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.add_internal("acme-dark");
    company.pypi.fail_next(PypiEndpoint::simple, 3, 502);
    const auto t0 = *namekeeper::ledger::parse_utc("2026-12-05T10:00:00Z");
    const auto report = company.reconcile({.mode = ListingMode::full}, t0);
    CHECK(report.run.failed == 1);
    const auto dark = company.record("acme-dark");
    CHECK(dark.state == NameState::failed);
    CHECK(dark.last_error == "looking up acme-dark (simple API): HTTP 502 Bad Gateway (after 3 attempts)");
    REQUIRE(dark.next_attempt_at);
    CHECK(namekeeper::ledger::format_utc(*dark.next_attempt_at) == "2026-12-05T10:05:00Z");
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 0);
}
