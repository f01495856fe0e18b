#pragma once

// `namekeeper serve` (SPEC.md, "Webhook mode"): an HTTP endpoint for Artifactory's webhooks and a
// worker that settles what it accepted.
//
// Durability: an accepted name is committed to the ledger's queue before the 202 goes out, so a
// crash after the answer loses nothing; the worker takes names from the queue, settles each with the
// reconciler's logic (record -> look up -> reserve -> notify) and only then removes it. A restart
// resumes the queue. Duplicates are cheap: a name committed in the last minute is answered from
// memory, and a queued name that is already settled costs no look-up.
//
// Threads: the HTTP server's pool answers requests through one ledger connection (serialized by a
// mutex); the worker has its own connection. SQLite's locking and the ledger's claims let a
// timer-run reconcile share the same file. Only one service per ledger (a flock on
// `<ledger>.serve.lock`), so its claims have a fixed owner and a restart after a crash takes over
// the claims the dead process held.

#include "namekeeper/config/config.hpp"
#include "namekeeper/index/public_index.hpp"
#include "namekeeper/index/uploader.hpp"
#include "namekeeper/notify/notifier.hpp"

#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace namekeeper::webhook {

struct ServiceDeps {
    const config::Config& config;
    index::PublicIndex& index;
    index::Uploader& uploader;
    notify::Notifier& notifier;
    std::vector<std::string> repositories; // accepted repositories; empty: any
};

class Service {
public:
    explicit Service(ServiceDeps deps);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Opens the ledger, takes the serve lock and binds `listen` (HOST:PORT; port 0 picks one). Returns the
    // bound port, or a sentence saying what went wrong.
    [[nodiscard]] std::expected<int, std::string> start(const std::string& listen);

    // Serves until stop(); then lets the worker finish the name in hand and returns.
    void run();

    // Thread-safe and idempotent: stop accepting connections and wake everything up.
    void stop();

    class Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace namekeeper::webhook
