#include "namekeeper/pypi/name.hpp"

namespace namekeeper::pypi {
namespace {

bool is_separator(char c) {
    return c == '-' || c == '_' || c == '.';
}
bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::string normalize(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    bool in_separator_run = false;
    for (char c : name) {
        if (is_separator(c)) {
            if (!in_separator_run) {
                out.push_back('-');
            }
            in_separator_run = true;
            continue;
        }
        in_separator_run = false;
        out.push_back(ascii_lower(c));
    }
    return out;
}

bool is_valid_name(std::string_view name) {
    if (name.empty() || !is_ascii_alnum(name.front()) || !is_ascii_alnum(name.back())) {
        return false;
    }
    for (char c : name) {
        if (!is_ascii_alnum(c) && !is_separator(c)) {
            return false;
        }
    }
    return true;
}

std::string similarity_key(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (is_separator(c)) {
            continue;
        }
        if (c == 'l' || c == 'L' || c == 'i' || c == 'I') {
            c = '1';
        } else if (c == 'o' || c == 'O') {
            c = '0';
        }
        out.push_back(ascii_lower(c));
    }
    return out;
}

std::string filename_component(std::string_view name) {
    std::string out = normalize(name);
    for (char& c : out) {
        if (c == '-') {
            c = '_';
        }
    }
    return out;
}

} // namespace namekeeper::pypi
