#include "cli/runtime.hpp"

namespace namekeeper::cli {
namespace {

std::unique_ptr<http::Client> make_http(const config::Config& config) {
    http::ClientOptions options;
    options.user_agent = http::user_agent(config.pypi.contact);
    options.timeout = config.pypi.timeout;
    return http::make_client(options);
}

} // namespace

Runtime::Runtime(const config::Config& c)
    : config(c), http(make_http(c)), artifactory(*http, c.artifactory), index(*http, c.pypi),
      uploader(*http, c.pypi), notifier(*http, c.notify) {}

} // namespace namekeeper::cli
