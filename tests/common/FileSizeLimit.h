#pragma once
// Simulates a full disk: files may not grow past `bytes` while this lives (tests run as root, so
// permissions cannot stop writes). SIGXFSZ is ignored so that write() fails with EFBIG instead.
#include <sys/resource.h>

#include <csignal>

namespace lf::test {

class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        applied_ = getrlimit(RLIMIT_FSIZE, &saved_) == 0;
        previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        applied_ = applied_ && setrlimit(RLIMIT_FSIZE, &limit) == 0;
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previousHandler_);
    }
    bool applied() const { return applied_; }  // false: the limit could not be set
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit saved_{};
    bool applied_ = false;
    void (*previousHandler_)(int) = nullptr;
};

}  // namespace lf::test
