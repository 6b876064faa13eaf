#include "core/util/AtomicFile.h"

#include "core/util/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <unistd.h>

namespace fs = std::filesystem;

namespace lf {
namespace {

fs::path temporarySibling(const fs::path& target) {
    std::random_device rd;
    const auto tag = std::to_string(::getpid()) + "-" + std::to_string(rd());
    // Keep the extension last: some writers pick the format from it.
    return target.parent_path() / ("." + target.stem().string() + ".tmp-" + tag +
                                   target.extension().string());
}

void syncFile(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) throw Error(std::string("cannot reopen temporary file: ") + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) throw Error(std::string("cannot flush to disk: ") + std::strerror(err));
}

}  // namespace

void writeFileAtomically(const fs::path& target,
                         const std::function<void(const fs::path&)>& writer) {
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("cannot write " + target.string() + ": directory " + dir.string() +
                    " does not exist");
    const fs::path tmp = temporarySibling(target);
    try {
        writer(tmp);
        if (!fs::exists(tmp, ec))
            throw Error("the writer produced no file");
        syncFile(tmp);
        fs::rename(tmp, target, ec);
        if (ec) throw Error("cannot move the temporary file into place: " + ec.message());
    } catch (const std::exception& e) {
        fs::remove(tmp, ec);
        const std::string what = e.what();
        if (what.rfind("cannot write " + target.string(), 0) == 0) throw;
        throw Error("cannot write " + target.string() + ": " + what);
    }
}

void writeFileAtomically(const fs::path& target, std::string_view contents) {
    writeFileAtomically(target, [&](const fs::path& temp) {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error("cannot create " + temp.string());
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.close();
        if (!out) throw Error("write failed (disk full?) after " + std::to_string(contents.size()) + " bytes");
    });
}

}  // namespace lf
