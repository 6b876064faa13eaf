#pragma once
// Internal to core/io: runs a parser in a forked child process, so that a crash, an endless loop
// or a runaway allocation in third-party code (Assimp has all three on corrupt files, found by
// fuzzing) costs an error message instead of the whole application.
#include <cstdint>
#include <functional>
#include <string>

namespace lf::detail {

struct IsolatedResult {
    enum class Outcome {
        Finished,  // work() returned; payload is its result
        Failed,    // work() threw; payload is the exception's message
        Crashed,   // the child died from a signal (signal says which) or exited without a result
        TimedOut,  // the child ran past maxSeconds and was killed
    };
    Outcome outcome = Outcome::Crashed;
    std::string payload;
    int signal = 0;
};

// Forks; the child caps its address space at its current size + maxMemoryBytes, runs work()
// and sends back the returned bytes (or the exception's message), then _exit()s. The parent
// reads with a deadline of maxSeconds and kills the child past it.
IsolatedResult runIsolated(const std::function<std::string()>& work, std::uint64_t maxMemoryBytes,
                           double maxSeconds);

}  // namespace lf::detail
