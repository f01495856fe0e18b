#include "namekeeper/pypi/stdlib.hpp"

#include <catch2/catch.hpp>

using namespace namekeeper::pypi;

TEST_CASE("standard-library names and their dotted prefixes are recognized after normalization",
          "[pypi][stdlib]") {
    for (const char* name : {"os", "OS", "os.path", "os-path", "Os_Path", "asyncio", "json", "xml",
                             "xml.etree", "xml.etree.ElementTree", "XML-ETREE-ELEMENTTREE", "email.mime.text",
                             "tomllib", "zoneinfo", "graphlib", "future", "thread", "lib2to3"}) {
        INFO(name);
        CHECK(is_stdlib_name(name));
    }
}

TEST_CASE("other names are not standard-library names", "[pypi][stdlib]") {
    for (const char* name : {"", "acme-utils", "requests", "os-paths", "ospath", "xml-etree-elementtree2",
                             "__future__", "_thread", "-os", "os-"}) {
        INFO(name);
        CHECK_FALSE(is_stdlib_name(name));
    }
}
