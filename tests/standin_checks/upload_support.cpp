#include "standin_checks/upload_support.hpp"

#include "namekeeper/pypi/name.hpp"
#include "namekeeper/util/digest.hpp"
#include "standin_checks/zip_writer.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace namekeeper::test {

FormFields upload_fields(const std::string& name, const std::string& version, const std::string& data,
                         const std::string& filetype) {
    return {{":action", "file_upload"},
            {"protocol_version", "1"},
            {"metadata_version", "2.1"},
            {"name", name},
            {"version", version},
            {"filetype", filetype},
            {"pyversion", filetype == "sdist" ? "source" : "py3"},
            {"summary", "A test upload"},
            {"author_email", "security@acme.example"},
            {"md5_digest", util::digest_hex(util::DigestKind::md5, data)},
            {"sha256_digest", util::digest_hex(util::DigestKind::sha256, data)},
            {"blake2_256_digest", util::digest_hex(util::DigestKind::blake2b_256, data)}};
}

void set_field(FormFields& fields, const std::string& key, const std::string& value) {
    for (auto& [k, v] : fields) {
        if (k == key) {
            v = value;
            return;
        }
    }
    fields.emplace_back(key, value);
}

httplib::Result post_upload(const standins::PypiStandin& pypi, const std::string& token,
                            const FormFields& fields, const std::string& filename, const std::string& data) {
    httplib::Client client("127.0.0.1", pypi.port());
    client.set_read_timeout(std::chrono::seconds(10));
    if (!token.empty()) {
        client.set_basic_auth("__token__", token.c_str());
    }
    httplib::MultipartFormDataItems items;
    for (const auto& [key, value] : fields) {
        items.push_back({key, value, "", ""});
    }
    items.push_back({"content", data, filename, "application/octet-stream"});
    return client.Post("/legacy/", items);
}

std::string error_message(const std::string& html) {
    const auto begin = html.find("<h1>");
    const auto end = html.find("</h1>");
    if (begin == std::string::npos || end == std::string::npos) {
        return {};
    }
    const std::string line = html.substr(begin + 4, end - begin - 4);
    const auto space = line.find(' ');
    return space == std::string::npos ? line : line.substr(space + 1);
}

std::string valid_wheel(const std::string& name, const std::string& version) {
    return write_zip(wheel_entries(pypi::filename_component(name), name, version));
}

std::string tar_gz(const std::vector<std::string>& paths) {
    TempDir dir;
    const auto out = dir / "archive.tar.gz";
    std::vector<std::string> argv{k_python, "-c",
                                  "import io, sys, tarfile\n"
                                  "with tarfile.open(sys.argv[1], 'w:gz') as t:\n"
                                  "    for p in sys.argv[2:]:\n"
                                  "        data = ('content of ' + p + '\\n').encode()\n"
                                  "        info = tarfile.TarInfo(p)\n"
                                  "        info.size = len(data)\n"
                                  "        t.addfile(info, io.BytesIO(data))\n",
                                  out.string()};
    argv.insert(argv.end(), paths.begin(), paths.end());
    const auto result = run_process(argv);
    if (result.exit_code != 0) {
        throw std::runtime_error("python3 tarfile failed: " + result.err);
    }
    std::ifstream in(out, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

} // namespace namekeeper::test
