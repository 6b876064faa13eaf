#include "app/cli/Commands.h"

int main(int argc, char** argv) { return lf::cli::runCli(argc, argv); }
