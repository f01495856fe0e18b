#include "cli/app.hpp"

int main(int argc, char** argv) {
    return namekeeper::cli::run(argc, argv);
}
