#include "core/io/IsolatedRun.h"

#include "core/util/Error.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace lf::detail {
namespace {

void writeAll(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;  // the parent is gone; nothing left to tell
        data += w;
        n -= static_cast<std::size_t>(w);
    }
}

void capAddressSpace(std::uint64_t extraBytes) {
    if (extraBytes == 0) return;
    unsigned long long pages = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%llu", &pages) != 1) pages = 0;
        std::fclose(f);
    }
    rlimit limit{};
    if (pages == 0 || ::getrlimit(RLIMIT_AS, &limit) != 0) return;
    const rlim_t wanted = pages * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + extraBytes;
    if (limit.rlim_max != RLIM_INFINITY && wanted > limit.rlim_max) return;
    limit.rlim_cur = wanted;
    ::setrlimit(RLIMIT_AS, &limit);
}

[[noreturn]] void runChild(int fd, const std::function<std::string()>& work,
                           std::uint64_t maxMemoryBytes) {
    // Crash handlers inherited from the application (Qt Test, crash reporters) must not run
    // here: the parent reports the signal.
    for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
    capAddressSpace(maxMemoryBytes);
    char status = 1;
    std::string payload;
    try {
        payload = work();
        status = 0;
    } catch (const std::bad_alloc&) {
        payload = "out of memory";
    } catch (const std::exception& e) {
        payload = e.what();
    } catch (...) {
        payload = "unknown error";
    }
    writeAll(fd, &status, 1);
    writeAll(fd, payload.data(), payload.size());
    ::close(fd);
    ::_exit(0);  // no atexit handlers, no stdio flush: those belong to the parent
}

}  // namespace

IsolatedResult runIsolated(const std::function<std::string()>& work, std::uint64_t maxMemoryBytes,
                           double maxSeconds) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(std::string("cannot start the import process: ") + std::strerror(err));
    }
    if (pid == 0) {
        ::close(fds[0]);
        runChild(fds[1], work, maxMemoryBytes);
    }
    ::close(fds[1]);

    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::duration<double>(maxSeconds);
    std::string received;
    bool timedOut = false;
    std::vector<char> chunk(1 << 20);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;  // the deadline check above ends it
        const ssize_t n = ::read(fds[0], chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // end of file: the child is done (or died)
        received.append(chunk.data(), static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    if (timedOut) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }

    IsolatedResult result;
    if (timedOut) {
        result.outcome = IsolatedResult::Outcome::TimedOut;
    } else if (WIFSIGNALED(status)) {
        result.outcome = IsolatedResult::Outcome::Crashed;
        result.signal = WTERMSIG(status);
    } else if (received.empty()) {
        result.outcome = IsolatedResult::Outcome::Crashed;
    } else {
        result.outcome = received[0] == 0 ? IsolatedResult::Outcome::Finished
                                          : IsolatedResult::Outcome::Failed;
        result.payload = received.substr(1);
    }
    return result;
}

}  // namespace lf::detail
