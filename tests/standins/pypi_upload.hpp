#pragma once

// The legacy upload view of the PyPI stand-in. It checks what warehouse checks, in warehouse's order,
// and answers with warehouse's wording (forklift/legacy.py and packaging/services.py):
//
//   403 Invalid or non-existent authentication information. ...   not "__token__" + a known token
//   400 Unknown protocol version. / form errors ("'' is an invalid value for Name. ...")
//   400 'x' is invalid for 'name'. ...                               name fails PEP 508's rule
//   429 Too many new projects created                                new project over the hourly limit
//   400 The name 'x' isn't allowed. ...                              prohibited name
//   400 The name 'x' isn't allowed (conflict with Python Standard Library module name). ...
//   400 The name 'x' is too similar to an existing project. ...
//   403 The user 'u' isn't allowed to upload to project 'x'. ...    someone else's project
//   400 The digest supplied does not match a digest calculated from the uploaded file.
//   200 (nothing stored)                                            the very same file again
//   400 File already exists ('f', with blake2_256 hash 'h'). ...    filename used before
//   400 Invalid distribution file. <why>                            ZIP / tar.gz structure rules
//   400 Start filename for ... / Filename 'f' is invalid, should be ... / Filename 'f' should contain
//       the normalized project name ... / Version in filename should be ...
//   400 Wheel 'f' does not contain the required METADATA file: ...
//   200 accepted: the project is created (owned by the uploader) when new.
// A new project is only created when the whole upload passes, as warehouse's transaction does.

#include "standins/pypi_registry.hpp"
#include "standins/pypi_standin.hpp"

#include <map>
#include <optional>
#include <string>

namespace namekeeper::standins {

struct UploadFilePart {
    std::string filename;
    std::string content_type;
    std::string data;
};

struct UploadRequest {
    std::string authorization; // the Authorization header
    std::multimap<std::string, std::string> fields;
    std::optional<UploadFilePart> content;
};

struct UploadOutcome {
    int status = 200;
    std::string message; // empty on success
    std::optional<AcceptedUpload> accepted;
};

[[nodiscard]] UploadOutcome process_upload(PypiRegistry& registry, const UploadRequest& request,
                                           PypiRegistry::Clock::time_point now);

} // namespace namekeeper::standins
