#include "app/cli/Commands.h"
#include "core/util/OpenMpWaitPolicy.h"

int main(int argc, char** argv) {
    lf::ensurePassiveOpenMpWaitPolicy(argv);
    return lf::cli::runCli(argc, argv);
}
