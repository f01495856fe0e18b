#include "namekeeper/pypi/name.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::pypi;

TEST_CASE("normalize follows PEP 503", "[pypi][name]") {
    CHECK(normalize("Acme.Utils") == "acme-utils");
    CHECK(normalize("acme__utils") == "acme-utils");
    CHECK(normalize("A-_.b") == "a-b");
    CHECK(normalize("x-y-z_1.2") == "x-y-z-1-2");
}

TEST_CASE("filename_component spells the normalized name with underscores", "[pypi][name]") {
    CHECK(filename_component("Acme.Utils") == "acme_utils");
    CHECK(filename_component("x-y-z_1.2") == "x_y_z_1_2");
}

TEST_CASE("similarity_key folds the characters PyPI folds", "[pypi][name]") {
    CHECK(similarity_key("Il-lo.O_0") == similarity_key("111000"));
    CHECK(similarity_key("requests") != similarity_key("request"));
}
