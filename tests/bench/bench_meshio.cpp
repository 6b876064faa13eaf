// Mesh I/O throughput on a ~1M-triangle mesh, as ratios against one plain buffered fwrite of
// the same number of bytes measured in the same run (median of several repetitions).
//   bench_meshio [repetitions] [output folder] [only cases whose name contains this]
// Export times include everything exportMesh does (validation, encoding, temporary file, fsync,
// rename); the baseline is fopen + one fwrite + fclose, and also shown with the fsync that every
// atomic export must do (core/util/AtomicFile.h).
#include "core/io/AssimpExport.h"
#include "core/io/MeshExport.h"
#include "core/io/MeshImport.h"
#include "core/io/NativeMeshWriters.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// A closed torus of 2 * rings * sides triangles (rings = sides = 708: 1,002,528 triangles).
lf::Mesh torus(std::uint32_t rings, std::uint32_t sides) {
    lf::Mesh m;
    const float pi = 3.14159265358979f;
    for (std::uint32_t i = 0; i < rings; ++i)
        for (std::uint32_t j = 0; j < sides; ++j) {
            const float u = 2 * pi * i / rings, v = 2 * pi * j / sides;
            const float r = 40 + 15 * std::cos(v);
            m.vertices.push_back({r * std::cos(u), r * std::sin(u), 15 * std::sin(v)});
        }
    for (std::uint32_t i = 0; i < rings; ++i)
        for (std::uint32_t j = 0; j < sides; ++j) {
            const std::uint32_t a = i * sides + j, b = ((i + 1) % rings) * sides + j;
            const std::uint32_t c = ((i + 1) % rings) * sides + (j + 1) % sides;
            const std::uint32_t d = i * sides + (j + 1) % sides;
            m.triangles.push_back({a, b, c});
            m.triangles.push_back({a, c, d});
        }
    return m;
}

double medianSeconds(int repetitions, const std::function<void()>& run) {
    std::vector<double> times;
    for (int r = 0; r < repetitions; ++r) {
        const auto t0 = Clock::now();
        run();
        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

void plainWrite(const fs::path& file, const std::string& bytes, bool sync) {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fflush(f);
    if (sync) ::fsync(::fileno(f));
    std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
    const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "lf-bench-meshio";
    const std::string only = argc > 3 ? argv[3] : "";
    auto selected = [&](const std::string& name) { return name.find(only) != std::string::npos; };
    fs::create_directories(dir);

    const lf::Mesh mesh = torus(708, 708);
    std::printf("mesh: %zu triangles, %zu vertices; %d repetitions (median); folder %s\n",
                mesh.triangleCount(), mesh.vertexCount(), repetitions, dir.c_str());
    std::printf("%-34s %10s %9s %10s %9s %9s\n", "operation", "bytes", "seconds", "MB/s",
                "fwrite", "fwrite+fsync");

    auto report = [&](const char* what, std::uintmax_t bytes, double seconds) {
        // Baselines with exactly as many bytes as the file, timed in this same run.
        const std::string payload(bytes, 'x');
        const fs::path raw = dir / "baseline.bin";
        const double plain = medianSeconds(repetitions, [&] { plainWrite(raw, payload, false); });
        const double synced = medianSeconds(repetitions, [&] { plainWrite(raw, payload, true); });
        fs::remove(raw);
        std::printf("%-34s %10ju %9.3f %10.1f %8.1f%% %8.1f%%\n", what, bytes, seconds,
                    bytes / seconds / 1e6, 100 * plain / seconds, 100 * synced / seconds);
        std::fflush(stdout);
    };

    struct Case {
        const char* name;
        const char* file;
        lf::ExportOptions options;
    };
    lf::ExportOptions ascii;
    ascii.ascii = true;
    const std::vector<Case> cases = {
        {"STL binary", "bench.stl", {}}, {"OBJ", "bench.obj", {}}, {"PLY binary", "bench.ply", {}},
        {"STL ASCII", "bench_ascii.stl", ascii}, {"GLB", "bench.glb", {}}};
    for (const Case& c : cases) {
        if (!selected(c.name)) continue;
        const fs::path file = dir / c.file;
        const double exportSeconds =
            medianSeconds(repetitions, [&] { lf::exportMesh(mesh, file, c.options); });
        const auto bytes = fs::file_size(file);
        report((std::string("export ") + c.name).c_str(), bytes, exportSeconds);
        std::size_t triangles = 0;
        const double importSeconds = medianSeconds(repetitions, [&] {
            lf::ImportOptions options;
            options.computeNormals = false;
            triangles = lf::importMesh(file, options).triangleCount();
        });
        report((std::string("import ") + c.name).c_str(), bytes, importSeconds);
        if (std::string(c.name) == "STL binary") {
            // What parsing in a child process (ImportOptions::isolateParser) costs.
            const double direct = medianSeconds(repetitions, [&] {
                lf::ImportOptions options;
                options.computeNormals = false;
                options.isolateParser = false;
                lf::importMesh(file, options);
            });
            report("import STL binary, in-process", bytes, direct);
        }
        if (triangles != mesh.triangleCount())
            std::printf("  !! re-import gave %zu triangles\n", triangles);
        fs::remove(file);
    }

    // Why STL and OBJ have our own writers: Assimp's exporters on the same mesh, each writing
    // the file once (no temporary, no fsync), against ours under the same conditions.
    struct Writer {
        const char* name;
        const char* assimpId;
        std::function<void(const fs::path&)> ours;
    };
    const std::vector<Writer> writers = {
        {"STL binary", "stlb", [&](const fs::path& f) { lf::detail::writeBinaryStl(f, mesh, lf::FileFrame{}); }},
        {"STL ASCII", "stl", [&](const fs::path& f) { lf::detail::writeAsciiStl(f, mesh, lf::FileFrame{}); }},
        {"OBJ", "objnomtl", [&](const fs::path& f) { lf::detail::writeObj(f, mesh, lf::FileFrame{}, {}); }},
    };
    for (const Writer& w : writers) {
        if (!selected(w.name)) continue;
        const fs::path file = dir / (std::string("writer.") + (w.name[0] == 'O' ? "obj" : "stl"));
        const double assimp = medianSeconds(repetitions, [&] {
            const auto files = lf::detail::exportWithAssimpToMemory(mesh, file, w.assimpId);
            lf::detail::writeBytes(file, files.begin()->second);
        });
        const auto assimpBytes = fs::file_size(file);
        report((std::string("write ") + w.name + ", Assimp").c_str(), assimpBytes, assimp);
        const double ours = medianSeconds(repetitions, [&] { w.ours(file); });
        report((std::string("write ") + w.name + ", ours").c_str(), fs::file_size(file), ours);
        fs::remove(file);
    }
    fs::remove_all(dir);
    return 0;
}
