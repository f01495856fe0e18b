// `namekeeper placeholder NAME... --out DIR`: writes the files that would be uploaded for each NAME.
// Every name is checked before anything is written, so a typo leaves DIR untouched (exit 2). Names
// that normalize alike give the same files, which are written and listed once.

#include "cli/commands.hpp"
#include "namekeeper/placeholder/placeholder.hpp"
#include "namekeeper/pypi/name.hpp"

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>

namespace namekeeper::cli {
namespace {

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string errno_text(int error) {
    return std::generic_category().message(error);
}

// Writes `bytes` to `path`, replacing it; an error message on failure.
std::optional<std::string> write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
    if (!file) {
        return errno_text(errno);
    }
    if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
        return errno_text(errno);
    }
    if (std::fclose(file.release()) != 0) {
        return errno_text(errno);
    }
    return std::nullopt;
}

} // namespace

int run_placeholder(const config::Config& config, const PlaceholderArgs& args) {
    std::vector<std::vector<placeholder::Distribution>> built;
    std::set<std::string> seen;
    for (const std::string& name : args.names) {
        auto files = placeholder::build_placeholders(name, config.placeholder);
        if (!files) {
            std::cerr << "namekeeper: " << files.error().message << "\n";
            return files.error().kind == placeholder::PlaceholderErrorKind::archive_failed ? k_exit_failed
                                                                                           : k_exit_usage;
        }
        if (seen.insert(pypi::normalize(name)).second) {
            built.push_back(std::move(*files));
        }
    }

    std::error_code error;
    std::filesystem::create_directories(args.out_dir, error);
    if (error) {
        std::cerr << "namekeeper: cannot create " << args.out_dir.string() << ": " << error.message() << "\n";
        return k_exit_failed;
    }
    for (const auto& files : built) {
        for (const placeholder::Distribution& file : files) {
            const std::filesystem::path path = args.out_dir / file.filename;
            if (auto failure = write_file(path, file.bytes)) {
                std::cerr << "namekeeper: cannot write " << path.string() << ": " << *failure << "\n";
                return k_exit_failed;
            }
            std::cout << path.string() << "  sha256=" << file.sha256 << "\n";
        }
    }
    std::cout.flush();
    return std::cout ? k_exit_ok : k_exit_failed;
}

} // namespace namekeeper::cli
