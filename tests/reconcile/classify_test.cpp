// reconcile/classify: what a held name means for us, and the rules that need no request.

#include "namekeeper/reconcile/classify.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace namekeeper;
using ledger::NameState;
using ledger::Risk;
using reconcile::classify_held;

namespace {

config::PypiConfig ours() {
    config::PypiConfig pypi;
    pypi.owners = {"acme-security"};
    pypi.organizations = {"acme"};
    pypi.known_emails = {"Security@Acme.example"};
    return pypi;
}

index::Project project(std::vector<std::string> versions, std::optional<std::string> public_version,
                       std::vector<std::string> owners,
                       std::optional<std::string> organization = std::nullopt) {
    index::Project p;
    p.has_releases = true;
    p.versions = std::move(versions);
    p.public_version = std::move(public_version);
    p.ownership_known = true;
    p.owners = std::move(owners);
    p.organization = std::move(organization);
    return p;
}

const config::PlaceholderConfig k_placeholder{};

} // namespace

TEST_CASE("held by us: reserved when only the placeholder is there, else owned", "[reconcile]") {
    const auto pypi = ours();
    SECTION("only our placeholder") {
        const auto o =
            classify_held(project({"0.0.0"}, "0.0.0", {"acme-security"}), "1.4.0", pypi, k_placeholder);
        CHECK(o.state == NameState::reserved);
        CHECK_FALSE(o.risk.has_value());
        CHECK(o.public_version == "0.0.0");
        CHECK(o.owners == std::vector<std::string>{"acme-security"});
    }
    SECTION("the placeholder version written another way is the same version") {
        const auto o =
            classify_held(project({"0.0"}, "0.0", {"acme-security"}), "1.4.0", pypi, k_placeholder);
        CHECK(o.state == NameState::reserved);
    }
    SECTION("0.0.0 plus a real release") {
        const auto o = classify_held(project({"0.0.0", "1.4.0"}, "1.4.0", {"acme-security"}), "1.4.0", pypi,
                                     k_placeholder);
        CHECK(o.state == NameState::owned);
        CHECK_FALSE(o.risk.has_value());
    }
    SECTION("a real package of ours") {
        const auto o =
            classify_held(project({"2.0"}, "2.0", {"alice", "acme-security"}), "1.0", pypi, k_placeholder);
        CHECK(o.state == NameState::owned);
        CHECK(o.owners == std::vector<std::string>{"alice", "acme-security"});
    }
    SECTION("through the organization") {
        const auto o =
            classify_held(project({"0.0.0"}, "0.0.0", {"alice"}, "acme"), "1.0", pypi, k_placeholder);
        CHECK(o.state == NameState::reserved);
        CHECK(o.owners == std::vector<std::string>{"alice", "org:acme"});
    }
    SECTION("another placeholder version configured") {
        config::PlaceholderConfig placeholder;
        placeholder.version = "0.0.1";
        CHECK(classify_held(project({"0.0.1"}, "0.0.1", {"acme-security"}), "1.0", pypi, placeholder).state ==
              NameState::reserved);
        CHECK(classify_held(project({"0.0.0"}, "0.0.0", {"acme-security"}), "1.0", pypi, placeholder).state ==
              NameState::owned);
    }
}

TEST_CASE("known_emails count only without ownership data, ignoring case", "[reconcile]") {
    const auto pypi = ours();
    auto p = project({"0.0.0"}, "0.0.0", {});
    p.ownership_known = false;
    p.author_email = "security@ACME.example";
    CHECK(classify_held(p, "1.0", pypi, k_placeholder).state == NameState::reserved);

    p.author_email = "someone@else.example";
    CHECK(classify_held(p, "1.0", pypi, k_placeholder).state == NameState::taken);

    p.author_email.reset();
    CHECK(classify_held(p, "1.0", pypi, k_placeholder).state == NameState::taken);

    // With ownership data, an e-mail the uploader wrote proves nothing.
    auto stranger = project({"0.0.0"}, "0.0.0", {"mallory"});
    stranger.author_email = "security@acme.example";
    const auto o = classify_held(stranger, "1.0", pypi, k_placeholder);
    CHECK(o.state == NameState::taken);
    CHECK(o.owners == std::vector<std::string>{"mallory"});
}

TEST_CASE("taken: the risk depends on the versions", "[reconcile]") {
    const auto pypi = ours();
    SECTION("a public version above the internal one is critical") {
        const auto o =
            classify_held(project({"1.0", "99.0"}, "99.0", {"mallory"}), "1.4.0", pypi, k_placeholder);
        CHECK(o.state == NameState::taken);
        CHECK(o.risk == Risk::critical);
        CHECK(o.public_version == "99.0");
    }
    SECTION("PEP 440 order, not text order") {
        CHECK(classify_held(project({"1.10"}, "1.10", {"mallory"}), "1.9", pypi, k_placeholder).risk ==
              Risk::critical);
        CHECK(classify_held(project({"1.9"}, "1.9", {"mallory"}), "1.10", pypi, k_placeholder).risk ==
              Risk::warning);
    }
    SECTION("the same or a lower public version is a warning") {
        CHECK(classify_held(project({"1.4.0"}, "1.4.0", {"mallory"}), "1.4.0", pypi, k_placeholder).risk ==
              Risk::warning);
        CHECK(classify_held(project({"0.1"}, "0.1", {"mallory"}), "1.4.0", pypi, k_placeholder).risk ==
              Risk::warning);
    }
    SECTION("an unknown internal version is critical") {
        CHECK(classify_held(project({"0.1"}, "0.1", {"mallory"}), std::nullopt, pypi, k_placeholder).risk ==
              Risk::critical);
    }
    SECTION("no valid public version is critical") {
        CHECK(classify_held(project({"junk"}, std::nullopt, {"mallory"}), "1.0", pypi, k_placeholder).risk ==
              Risk::critical);
    }
    SECTION("no releases at all is a warning, whoever holds it") {
        index::Project p;
        p.has_releases = false;
        const auto o = classify_held(p, "1.0", pypi, k_placeholder);
        CHECK(o.state == NameState::taken);
        CHECK(o.risk == Risk::warning);
        CHECK_FALSE(o.public_version.has_value());
        CHECK(classify_held(p, std::nullopt, pypi, k_placeholder).risk == Risk::warning);
    }
}

TEST_CASE("is_ignored: glob patterns on normalized names", "[reconcile]") {
    const std::vector<std::string> patterns{"acme-*-fork", "test-?", "tmp[0-9]"};
    CHECK(reconcile::is_ignored("acme-numpy-fork", patterns));
    CHECK(reconcile::is_ignored("acme--fork", patterns));
    CHECK_FALSE(reconcile::is_ignored("acme-numpy-forks", patterns));
    CHECK(reconcile::is_ignored("test-a", patterns));
    CHECK_FALSE(reconcile::is_ignored("test-ab", patterns));
    CHECK(reconcile::is_ignored("tmp7", patterns));
    CHECK_FALSE(reconcile::is_ignored("tmpx", patterns));
    CHECK_FALSE(reconcile::is_ignored("anything", {}));
}

TEST_CASE("KnownProjects: too similar means another name with the same key", "[reconcile]") {
    reconcile::KnownProjects known;
    known.add("Request_s");
    known.add("Django");
    CHECK(known.too_similar("requests")); // normalizes to request-s: another project, same key
    CHECK(known.too_similar("req.uests"));
    CHECK(known.too_similar("djang0"));
    CHECK(known.too_similar("DJANG-O"));
    CHECK_FALSE(known.too_similar("request-s")); // the known project itself
    CHECK_FALSE(known.too_similar("Request.S"));
    CHECK_FALSE(known.too_similar("django"));
    CHECK_FALSE(known.too_similar("flask"));
    CHECK(known.too_similar("I0g") == false);
    known.add("log");
    CHECK(known.too_similar("l0g"));
    CHECK(known.too_similar("i0g"));
}

TEST_CASE("settle_locally: ignored first, then invalid names, valid names need a look-up", "[reconcile]") {
    const std::vector<std::string> ignore{"acme-*-fork", "-*"};
    SECTION("ignored") {
        const auto o = reconcile::settle_locally("Acme_Numpy.Fork", ignore);
        REQUIRE(o.has_value());
        CHECK(o->state == NameState::ignored);
        CHECK(o->reason == "policy.ignore");
    }
    SECTION("an invalid name") {
        const auto o = reconcile::settle_locally("acme utils", ignore);
        REQUIRE(o.has_value());
        CHECK(o->state == NameState::blocked);
        CHECK(o->reason == "invalid-name");
        CHECK_FALSE(o->risk.has_value());
    }
    SECTION("an invalid name that is also ignored is ignored") {
        const auto o = reconcile::settle_locally("-bad-", ignore);
        REQUIRE(o.has_value());
        CHECK(o->state == NameState::ignored);
    }
    SECTION("a valid name, even a standard-library one, is looked up") {
        CHECK_FALSE(reconcile::settle_locally("acme-utils", ignore).has_value());
        CHECK_FALSE(reconcile::settle_locally("asyncio", ignore).has_value());
    }
}

TEST_CASE("version_less: PEP 440 order, invalid versions first", "[reconcile]") {
    using reconcile::version_less;
    CHECK(version_less("1.9", "1.10"));
    CHECK_FALSE(version_less("1.10", "1.9"));
    CHECK(version_less("1.0rc1", "1.0"));
    CHECK(version_less("1.0.dev1", "1.0a1"));
    CHECK_FALSE(version_less("1.0", "1.0.0"));
    CHECK_FALSE(version_less("1.0.0", "1.0"));
    CHECK(version_less("junk", "0.0.1"));
    CHECK_FALSE(version_less("0.0.1", "junk"));
    CHECK_FALSE(version_less("junk", "more junk"));
}
