#pragma once

// Builds upload requests for the PyPI stand-in checks and reads its answers.

#include "standins/pypi_standin.hpp"

#include <httplib.h>
#include <string>
#include <utility>
#include <vector>

namespace namekeeper::test {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// The fields twine sends for a file, with all three digests of `data`.
[[nodiscard]] FormFields upload_fields(const std::string& name, const std::string& version,
                                       const std::string& data, const std::string& filetype = "bdist_wheel");

// Replaces (or adds) one field.
void set_field(FormFields& fields, const std::string& key, const std::string& value);

// POSTs the form to /legacy/ with HTTP Basic "__token__" + token (no auth when token is empty).
[[nodiscard]] httplib::Result post_upload(const standins::PypiStandin& pypi, const std::string& token,
                                          const FormFields& fields, const std::string& filename,
                                          const std::string& data);

// The message of an error page: what follows the status code in its <h1>.
[[nodiscard]] std::string error_message(const std::string& html);

// A valid wheel for `name` at `version`, built with the test ZIP writer.
[[nodiscard]] std::string valid_wheel(const std::string& name, const std::string& version);

// A .tar.gz written by /usr/bin/python3's tarfile: one entry per path, each holding a line of text.
[[nodiscard]] std::string tar_gz(const std::vector<std::string>& paths);

} // namespace namekeeper::test
