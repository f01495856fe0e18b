#pragma once

// Inputs for the differential tests: versions in every spelling packaging accepts, mutations of
// them that mostly it does not, and names and distribution filenames built from the same parts.

#include "pypi/oracle.hpp"

#include <string>
#include <utility>

namespace namekeeper::test {

// A version built from PEP 440's parts, each in a random accepted spelling (case, separators,
// alternative words, implicit post, leading `v`, surrounding whitespace, Unicode case folds).
std::string spelled_version(Rng& rng);
// A version over few values (release 0-2, a/b/rc 0-1, ...), so that pairs are often equal or close.
std::string close_version(Rng& rng);
// Two close versions; about a third of the time, two spellings of one version.
std::pair<std::string, std::string> close_version_pair(Rng& rng);
// `text` with one to three random edits: deletions, insertions, swaps, truncation.
std::string mutated(Rng& rng, std::string text);
// A string of characters that versions are made of, in no particular order.
std::string junk_version(Rng& rng);
// Any ASCII, mostly letters, digits and separators, often pieces of standard-library module names.
std::string random_name(Rng& rng);
// ASCII wheel and sdist filenames, mostly well formed.
std::string wheel_filename(Rng& rng);
std::string sdist_filename(Rng& rng);

} // namespace namekeeper::test
