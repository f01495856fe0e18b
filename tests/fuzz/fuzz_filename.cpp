// libFuzzer target: pypi::derive_artifact_name on arbitrary repository paths. Beyond "no crash, no
// sanitizer report, no exception", a name it gives must be normalized. Written against the result's
// shape only where it is sure (some wrapping of a struct with a `name`), so that it follows the
// header as it changes.

#include "namekeeper/pypi/filename.hpp"
#include "namekeeper/pypi/name.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

template <typename T> void check_result(const T& result) {
    if constexpr (requires {
                      result.has_value();
                      *result;
                  }) {
        if (result.has_value()) {
            check_result(*result);
        }
    } else if constexpr (requires { result.name; }) {
        if (result.name.empty() || namekeeper::pypi::normalize(result.name) != result.name) {
            std::abort();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view path(reinterpret_cast<const char*>(data), size);
    check_result(namekeeper::pypi::derive_artifact_name(path));
    return 0;
}
