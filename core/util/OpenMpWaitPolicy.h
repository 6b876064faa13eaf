#pragma once
// libgomp reads OMP_WAIT_POLICY once, when it is loaded (before main). Its default spin-waiting
// made small torch ops ~30x slower whenever the 2 cores had other work (measured: trainer test
// 22.7 s vs 0.7 s), so our executables run with the passive policy unless the user chose one.

namespace lf {

// When OMP_WAIT_POLICY is unset: sets it to PASSIVE and re-executes the program with the same
// arguments (returns only if that is impossible, leaving the process as it was).
void ensurePassiveOpenMpWaitPolicy(char** argv);

}  // namespace lf
