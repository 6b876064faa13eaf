#include "core/io/NativeMeshWriters.h"

#include "core/util/Error.h"

#include <cerrno>
#include <fcntl.h>  // sync_file_range (Linux)
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace lf::detail {
namespace {

// A file written through one 1 MiB buffer with unbuffered stdio underneath; every failure
// (open, short write, close) throws lf::Error with errno's text.
class CheckedWriter {
public:
    explicit CheckedWriter(const fs::path& file) : buffer_(kSize) {
        f_ = std::fopen(file.c_str(), "wb");
        if (!f_) throw Error(std::string("cannot create the file: ") + std::strerror(errno));
        std::setvbuf(f_, nullptr, _IONBF, 0);  // our buffer is the only one
    }
    ~CheckedWriter() {
        if (f_) std::fclose(f_);  // only after an exception: the caller removes the file
    }
    CheckedWriter(const CheckedWriter&) = delete;
    CheckedWriter& operator=(const CheckedWriter&) = delete;

    // Room for `n` more bytes at the returned pointer; commit them with advance(n).
    char* reserve(std::size_t n) {
        if (used_ + n > buffer_.size()) flush();
        if (n > buffer_.size()) buffer_.resize(n);
        return buffer_.data() + used_;
    }
    void advance(std::size_t n) { used_ += n; }

    void text(std::string_view s) {
        std::memcpy(reserve(s.size()), s.data(), s.size());
        advance(s.size());
    }
    // Shortest text that reads back as exactly the same float.
    void number(float x) {
        char* out = reserve(32);
        const auto r = std::to_chars(out, out + 32, x);
        advance(static_cast<std::size_t>(r.ptr - out));
    }
    void number(std::uint32_t x) {
        char* out = reserve(16);
        const auto r = std::to_chars(out, out + 16, x);
        advance(static_cast<std::size_t>(r.ptr - out));
    }
    void bytes(const void* data, std::size_t n) {
        if (n < kSize) {
            std::memcpy(reserve(n), data, n);
            advance(n);
            return;
        }
        flush();  // large blocks go straight to the file, without a copy
        const std::size_t written = std::fwrite(data, 1, n, f_);
        written_ += written;
        if (written != n) fail("writing failed");
        startWriteback();
    }

    void close() {
        flush();
        std::FILE* f = f_;
        f_ = nullptr;
        if (std::fclose(f) != 0) fail("closing failed");
    }

private:
    static constexpr std::size_t kSize = 1 << 20;

    void flush() {
        if (used_ == 0) return;
        const std::size_t n = std::fwrite(buffer_.data(), 1, used_, f_);
        written_ += n;
        if (n != used_) fail("writing failed");
        used_ = 0;
        startWriteback();
    }
    // Every atomic write ends in fsync; starting the disk writeback of each finished 8 MiB now
    // lets it overlap with encoding the rest, so that final fsync has little left to wait for.
    void startWriteback() {
        if (written_ - writebackStart_ < (8u << 20)) return;
        ::sync_file_range(::fileno(f_), static_cast<off_t>(writebackStart_),
                          static_cast<off_t>(written_ - writebackStart_), SYNC_FILE_RANGE_WRITE);
        writebackStart_ = written_;
    }
    [[noreturn]] void fail(const char* what) {
        const int err = errno;
        // The caller names the target; file_ is usually its temporary sibling.
        throw Error(std::string(what) + " after " + std::to_string(written_) + " bytes: " +
                    std::strerror(err) + " (disk full or file too large?)");
    }

    std::FILE* f_ = nullptr;
    std::vector<char> buffer_;
    std::size_t used_ = 0;
    std::uint64_t written_ = 0;
    std::uint64_t writebackStart_ = 0;
};

struct Facet {
    Vec3f normal;
    Vec3f corners[3];
};

Facet facet(const Mesh& mesh, const Triangle& t, const FileFrame& frame) {
    Facet f;
    for (int k = 0; k < 3; ++k) f.corners[k] = frame.point(mesh.vertices[t[k]]);
    const Vec3f* p = f.corners;
    const float e1[3] = {p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]};
    const float e2[3] = {p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]};
    f.normal = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                e1[0] * e2[1] - e1[1] * e2[0]};
    const float len = std::sqrt(f.normal[0] * f.normal[0] + f.normal[1] * f.normal[1] +
                                f.normal[2] * f.normal[2]);
    for (float& x : f.normal) x = len > 0 ? x / len : 0.0f;
    return f;
}

std::string solidName(const Mesh& mesh) {
    std::string name = mesh.name.empty() ? "mesh" : mesh.name;
    for (char& c : name)
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = '_';
    return name;
}

}  // namespace

void writeBinaryStl(const fs::path& file, const Mesh& mesh, const FileFrame& frame) {
    if (mesh.triangles.size() > 0xFFFFFFFFull)
        throw Error("binary STL holds at most 2^32-1 triangles");
    CheckedWriter out(file);
    char header[80] = {};
    const char text[] = "binary STL written by LatentForge";
    std::memcpy(header, text, sizeof(text) - 1);
    out.bytes(header, 80);
    const auto count = static_cast<std::uint32_t>(mesh.triangles.size());
    out.bytes(&count, 4);  // STL is little-endian, as is every platform we build for
    static_assert(sizeof(Facet) == 48);
    for (const Triangle& t : mesh.triangles) {
        const Facet f = facet(mesh, t, frame);
        char* p = out.reserve(50);
        std::memcpy(p, &f, 48);
        p[48] = p[49] = 0;  // attribute byte count
        out.advance(50);
    }
    out.close();
}

void writeAsciiStl(const fs::path& file, const Mesh& mesh, const FileFrame& frame) {
    CheckedWriter out(file);
    const std::string name = solidName(mesh);
    out.text("solid ");
    out.text(name);
    out.text("\n");
    auto vec = [&](const Vec3f& v) {
        for (float x : v) {
            out.text(" ");
            out.number(x);
        }
        out.text("\n");
    };
    for (const Triangle& t : mesh.triangles) {
        const Facet f = facet(mesh, t, frame);
        out.text("  facet normal");
        vec(f.normal);
        out.text("    outer loop\n");
        for (const Vec3f& c : f.corners) {
            out.text("      vertex");
            vec(c);
        }
        out.text("    endloop\n  endfacet\n");
    }
    out.text("endsolid ");
    out.text(name);
    out.text("\n");
    out.close();
}

void writeObj(const fs::path& file, const Mesh& mesh, const FileFrame& frame, const std::string& materialLibrary) {
    CheckedWriter out(file);
    out.text("# written by LatentForge\n");
    if (!materialLibrary.empty()) {
        out.text("mtllib ");
        out.text(materialLibrary);
        out.text("\n");
    }
    out.text("o ");
    out.text(solidName(mesh));
    out.text("\n");
    const bool colors = !mesh.colors.empty();
    for (std::size_t i = 0; i < mesh.vertices.size(); ++i) {
        out.text("v");
        for (float x : frame.point(mesh.vertices[i])) {
            out.text(" ");
            out.number(x);
        }
        if (colors)
            for (int k = 0; k < 3; ++k) {
                out.text(" ");
                out.number(mesh.colors[i][k]);
            }
        out.text("\n");
    }
    for (const Vec2f& uv : mesh.uvs) {
        out.text("vt ");
        out.number(uv[0]);
        out.text(" ");
        out.number(uv[1]);
        out.text("\n");
    }
    for (const Vec3f& n : mesh.normals) {
        out.text("vn");
        for (float x : frame.direction(n)) {
            out.text(" ");
            out.number(x);
        }
        out.text("\n");
    }
    if (!materialLibrary.empty()) out.text("usemtl default\n");
    const bool uvs = !mesh.uvs.empty(), normals = !mesh.normals.empty();
    for (const Triangle& t : mesh.triangles) {
        out.text("f");
        for (std::uint32_t i : t) {
            const std::uint32_t index = i + 1;  // OBJ counts from 1
            out.text(" ");
            out.number(index);
            if (uvs || normals) {
                out.text("/");
                if (uvs) out.number(index);
                if (normals) {
                    out.text("/");
                    out.number(index);
                }
            }
        }
        out.text("\n");
    }
    out.close();
}

void writeMtl(const fs::path& file, const Mesh& mesh) {
    double mean[3] = {0.8, 0.8, 0.8};
    if (!mesh.colors.empty()) {
        mean[0] = mean[1] = mean[2] = 0;
        for (const Vec4f& c : mesh.colors)
            for (int k = 0; k < 3; ++k) mean[k] += c[k];
        for (double& m : mean) m /= static_cast<double>(mesh.colors.size());
    }
    CheckedWriter out(file);
    out.text("# written by LatentForge\nnewmtl default\nKd");
    for (double m : mean) {
        out.text(" ");
        out.number(static_cast<float>(m));
    }
    out.text("\nKa 0 0 0\nKs 0 0 0\nd 1\nillum 1\n");
    out.close();
}

void writeBytes(const fs::path& file, const std::string& bytes) {
    CheckedWriter out(file);
    out.bytes(bytes.data(), bytes.size());
    out.close();
}

}  // namespace lf::detail
