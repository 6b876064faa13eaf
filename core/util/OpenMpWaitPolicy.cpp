#include "core/util/OpenMpWaitPolicy.h"

#include <cstdlib>
#include <unistd.h>

namespace lf {

void ensurePassiveOpenMpWaitPolicy(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    ::execv("/proc/self/exe", argv);  // only returns on failure
}

}  // namespace lf
