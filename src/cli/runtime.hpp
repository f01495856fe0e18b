#pragma once

// The objects every networked command needs, built once from the configuration.

#include "namekeeper/artifactory/client.hpp"
#include "namekeeper/config/config.hpp"
#include "namekeeper/http/client.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/notify/notifier.hpp"

#include <memory>

namespace namekeeper::cli {

struct Runtime {
    explicit Runtime(const config::Config& config);

    const config::Config& config;
    std::unique_ptr<http::Client> http;
    artifactory::Client artifactory;
    index::PublicIndex index;
    index::Uploader uploader;
    notify::Notifier notifier;
};

} // namespace namekeeper::cli
