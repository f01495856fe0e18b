// Notifications of a reconcile run, to a generic webhook receiver and a Slack-shaped one: once per
// name and state, retried by the next run when a receiver failed, never in the way of a reservation.

#include "reconcile/fixture.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

using namekeeper::ledger::NameState;
using namekeeper::reconcile::ListingMode;
using namekeeper::test::Company;
using namekeeper::test::Receiver;
using namekeeper::test::SampleData;
using nlohmann::json;

namespace {

// event|name -> how many times the generic receiver got it.
std::map<std::string, int> tally(const Receiver& receiver) {
    std::map<std::string, int> out;
    for (const auto& body : receiver.delivered()) {
        const auto payload = json::parse(body);
        ++out[payload.at("event").get<std::string>() + "|" + payload.value("name", std::string())];
    }
    return out;
}

} // namespace

TEST_CASE("name.taken and name.reserved reach both receivers once per name and state", "[reconcile]") {
    Company company;
    Receiver generic;
    Receiver slack;
    company.config.notify.webhook_url = namekeeper::config::Secret(generic.url("/namekeeper"));
    company.config.notify.slack_webhook_url =
        namekeeper::config::Secret(slack.url("/services/T1/B2/secretpath"));

    const auto report = company.reconcile({.mode = ListingMode::full});
    CHECK(report.notifications.sent == 34);
    CHECK(report.notifications.failed == 0);
    const auto counts = tally(generic);
    CHECK(counts.size() == 34); // 31 reserved + 3 taken
    for (const auto& [key, n] : counts) {
        INFO(key);
        CHECK(n == 1);
    }
    CHECK(counts.contains("name.taken|acme-toolkit"));
    CHECK(counts.contains("name.taken|acme-common"));
    CHECK(counts.contains("name.taken|acme-legacy"));
    CHECK(counts.contains("name.reserved|acme-utils"));
    CHECK_FALSE(counts.contains("name.reserved|acme-sdk")); // owned: nothing to tell

    const auto slack_bodies = slack.delivered();
    CHECK(slack_bodies.size() == 34);
    std::vector<std::string> toolkit;
    for (const auto& body : slack_bodies) {
        const auto message = json::parse(body);
        REQUIRE(message.is_object());
        REQUIRE(message.size() == 1);
        const auto text = message.at("text").get<std::string>();
        if (text.find("`acme-toolkit`") != std::string::npos) {
            toolkit.push_back(text);
        }
    }
    REQUIRE(toolkit.size() == 1);
    CHECK(
        toolkit.front() ==
        ":rotating_light: namekeeper: internal package `acme-toolkit` is TAKEN on the public index by "
        "mallory "
        "(risk critical: public version 99.0.0, internal 1.2.0). pip with --extra-index-url may install the "
        "public one.");

    for (const auto& body : generic.delivered()) {
        const auto payload = json::parse(body);
        for (const auto* key : {"event", "name", "state", "risk", "public_version", "internal_version",
                                "owners", "repositories"}) {
            INFO(body << " " << key);
            CHECK(payload.contains(key));
        }
        if (payload.at("name") == "acme-utils") {
            CHECK(payload.at("event") == "name.reserved");
            CHECK(payload.at("state") == "reserved");
            CHECK(payload.at("risk").is_null());
            CHECK(payload.at("public_version") == "0.0.0");
            CHECK(payload.at("internal_version") == "1.1.0");
            CHECK(payload.at("owners") == json::array({"acme-security"}));
            CHECK(payload.at("repositories") == json::array({"pypi-local", "pypi-team"}));
        }
        if (payload.at("name") == "acme-toolkit") {
            CHECK(payload.at("state") == "taken");
            CHECK(payload.at("risk") == "critical");
            CHECK(payload.at("public_version") == "99.0.0");
            CHECK(payload.at("internal_version") == "1.2.0");
            CHECK(payload.at("owners") == json::array({"mallory"}));
            CHECK(payload.at("repositories") == json::array({"pypi-local"}));
        }
    }

    // A second full run changes no state: nothing more is sent.
    const auto again = company.reconcile({.mode = ListingMode::full});
    CHECK(again.notifications.sent == 0);
    CHECK(generic.delivered().size() == 34);
    CHECK(slack.delivered().size() == 34);
}

TEST_CASE("a failing receiver does not stop reservations, the next run delivers", "[reconcile]") {
    Company company({.sample = SampleData::no});
    company.add_internal("acme-one");
    company.add_internal("acme-two");
    Receiver generic;
    company.config.notify.webhook_url = namekeeper::config::Secret(generic.url());
    generic.answer(500);

    const auto first = company.reconcile({.mode = ListingMode::full});
    CHECK(first.run.uploads == 2);
    CHECK(company.record("acme-one").state == NameState::reserved);
    CHECK(company.record("acme-two").state == NameState::reserved);
    CHECK(first.notifications.failed == 2);
    CHECK(generic.delivered().empty());
    CHECK(generic.request_count() == 6); // three attempts each
    CHECK(company.summary(first).ends_with(" | 2 notifications not delivered (retried next run)"));
    auto ledger = company.open_ledger();
    const auto outbox = ledger.pending_notifications();
    REQUIRE(outbox);
    REQUIRE(outbox->size() == 2);
    CHECK(outbox->front().attempts == 1);
    CHECK(outbox->front().last_error == "HTTP 500 Internal Server Error");

    generic.answer(200);
    const auto second = company.reconcile({});
    CHECK(second.notifications.sent == 2);
    CHECK(second.run.uploads == 0);
    const auto counts = tally(generic);
    CHECK(counts == std::map<std::string, int>{{"name.reserved|acme-one", 1}, {"name.reserved|acme-two", 1}});
    const auto empty = ledger.pending_notifications();
    REQUIRE(empty);
    CHECK(empty->empty());
}

TEST_CASE("after recheck_after, settled names are looked up again, nothing changes, nothing is sent",
          "[reconcile]") {
    Company company;
    Receiver generic;
    company.config.notify.webhook_url = namekeeper::config::Secret(generic.url());
    const auto t0 = *namekeeper::ledger::parse_utc("2026-12-05T10:00:00Z");
    company.reconcile({.mode = ListingMode::full}, t0);
    REQUIRE(generic.delivered().size() == 34);
    const auto states = company.states();
    const auto simple = company.pypi.request_count(namekeeper::standins::PypiEndpoint::simple);

    // Within recheck_after: nothing is looked up.
    company.reconcile({}, t0 + std::chrono::hours(23));
    CHECK(company.pypi.request_count(namekeeper::standins::PypiEndpoint::simple) == simple);

    // After it: reserved, owned and taken names (35) are looked up again; blocked and ignored never.
    const auto report = company.reconcile({}, t0 + std::chrono::hours(25));
    CHECK(report.looked_up == 35);
    CHECK(company.pypi.request_count(namekeeper::standins::PypiEndpoint::simple) == simple + 35);
    CHECK(report.run.uploads == 0);
    CHECK(company.pypi.uploads().size() == 31);
    CHECK(company.states() == states);
    CHECK(generic.delivered().size() == 34);
    CHECK(company.record("acme-utils").checked_at == t0 + std::chrono::hours(25));
}
