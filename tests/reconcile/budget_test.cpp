// The limits on creating projects: namekeeper's own hourly budget (kept in the ledger), --max-new,
// and the index's rate limit (429). Names that wait stay pending and a later run reserves them.

#include "reconcile/fixture.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namekeeper::ledger::NameState;
using namekeeper::reconcile::ListingMode;
using namekeeper::standins::PypiEndpoint;
using namekeeper::test::Company;
using namekeeper::test::SampleData;

namespace {

void five_names(Company& company) {
    for (int i = 0; i < 5; ++i) {
        company.add_internal(fmt::format("acme-pkg-{}", i));
    }
}

std::int64_t count(const Company& company, NameState state) {
    const auto counts = company.open_ledger().counts();
    REQUIRE(counts);
    return (*counts)[state];
}

} // namespace

TEST_CASE("the hourly budget leaves names pending until the next slot", "[reconcile]") {
    Company company({.sample = SampleData::no});
    five_names(company);
    company.config.pypi.max_new_projects_per_hour = 2;
    const auto t0 = *namekeeper::ledger::parse_utc("2026-12-05T10:00:00Z");

    const auto first = company.reconcile({.mode = ListingMode::full}, t0);
    CHECK(first.run.budget_exhausted);
    CHECK(company.pypi.uploads().size() == 2);
    CHECK(count(company, NameState::reserved) == 2);
    CHECK(count(company, NameState::pending) == 3);
    CHECK(company.record("acme-pkg-4").last_error ==
          "waiting for the upload budget (2 new projects an hour); next slot at 2026-12-05T11:00:00Z");
    CHECK(
        company.summary(first) ==
        "namekeeper full: 5 artifacts, 5 names (5 new), 5 looked up, 2 uploads | ledger: 3 pending, 2 "
        "reserved, "
        "0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed | pending names wait for the hourly upload budget; "
        "next slot at 2026-12-05T11:00:00Z");

    // Half an hour later: no slot, and the waiting names are not looked up again.
    const auto simple_before = company.pypi.request_count(PypiEndpoint::simple);
    const auto second = company.reconcile({}, t0 + std::chrono::minutes(30));
    CHECK(second.run.uploads == 0);
    CHECK(
        company.summary(second) ==
        "namekeeper incremental: 5 artifacts, 5 names (0 new), 0 looked up, 0 uploads | ledger: 3 pending, 2 "
        "reserved, 0 owned, 0 taken, 0 blocked, 0 ignored, 0 failed | pending names wait for the hourly "
        "upload "
        "budget; next slot at 2026-12-05T11:00:00Z");
    CHECK(company.pypi.request_count(PypiEndpoint::simple) == simple_before);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2);

    // An hour later: two more slots.
    const auto third = company.reconcile({}, t0 + std::chrono::hours(1));
    CHECK(third.run.uploads == 2);
    CHECK(count(company, NameState::reserved) == 4);
    // And the last one another hour on.
    const auto fourth = company.reconcile({}, t0 + std::chrono::hours(2));
    CHECK(fourth.run.uploads == 1);
    CHECK(count(company, NameState::reserved) == 5);
    CHECK(count(company, NameState::pending) == 0);
    CHECK(company.pypi.uploads().size() == 5);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 5);
}

TEST_CASE("reconcile --max-new caps the uploads of one run", "[reconcile]") {
    Company company({.sample = SampleData::no});
    five_names(company);
    const auto report = company.reconcile({.mode = ListingMode::full, .max_new = 2});
    CHECK(report.run.uploads == 2);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 2);
    CHECK(count(company, NameState::pending) == 3);
    CHECK(company.summary(report).ends_with(" | --max-new 2 reached; the rest wait for the next run"));
    const auto next = company.reconcile({});
    CHECK(next.run.uploads == 3);
    CHECK(count(company, NameState::reserved) == 5);
}

TEST_CASE("the index's 429 stops uploads for the run, the next run continues", "[reconcile]") {
    Company company({.sample = SampleData::no, .pypi_new_projects_per_hour = 2});
    five_names(company);
    const auto first = company.reconcile({.mode = ListingMode::full});
    CHECK(first.run.rate_limited);
    CHECK(first.run.uploads == 2);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 3); // two accepted, one 429, then none
    CHECK(count(company, NameState::reserved) == 2);
    CHECK(count(company, NameState::pending) == 3);
    CHECK(company.record("acme-pkg-4").last_error ==
          "uploads stopped for this run: the index is rate-limiting new projects (HTTP 429)");
    CHECK(company.summary(first).ends_with(" | uploads paused: the index rate-limits new projects"));

    // Still limited: one more 429, nothing else.
    const auto second = company.reconcile({});
    CHECK(second.run.rate_limited);
    CHECK(company.pypi.request_count(PypiEndpoint::upload) == 4);
    CHECK(count(company, NameState::pending) == 3);

    company.pypi.set_new_projects_per_hour(100);
    const auto third = company.reconcile({});
    CHECK_FALSE(third.run.rate_limited);
    CHECK(third.run.uploads == 3);
    CHECK(count(company, NameState::reserved) == 5);
    CHECK(company.pypi.uploads().size() == 5);
}
