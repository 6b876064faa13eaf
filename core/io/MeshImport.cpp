#include "core/io/MeshImport.h"

#include "core/io/MeshExport.h"

#include "core/io/IsolatedRun.h"
#include "core/util/Error.h"

#include <assimp/Importer.hpp>
#include <assimp/importerdesc.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstring>
#include <fstream>
#include <new>
#include <stdexcept>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

// Debian builds Assimp with its internal assertions on, and a failed one calls abort(): a
// truncated PLY, for one, aborts in the triangulation step (found by fuzzing the corpus).
// Assimp calls this hook through the PLT, so the definition here replaces the library's one
// and turns the assertion into an exception, which importMesh reports as a malformed file.
// It lives in this file so that the linker always pulls it in with importMesh.
namespace Assimp {
void aiAssertViolation(const char* failedExpression, const char* file, int line) {
    throw std::runtime_error(std::string("malformed or truncated data (Assimp's internal check ") +
                             failedExpression + " failed at " + file + ":" + std::to_string(line) + ")");
}
}  // namespace Assimp

namespace lf {
namespace {

std::string lowerExtension(const fs::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

// As exports write the format (glTF +y up by its specification, the others +z up as CAD and
// printing tools write them); +z for formats the app only reads.
UpAxis upAxisOfFormat(const fs::path& file) {
    const auto format = exportFormatForPath(file);
    return format ? conventionalUpAxis(*format) : UpAxis::Z;
}

// "STL (Stereolithography (STL) Importer)"-style name for messages: the extension, plus the
// Assimp importer that claims it when there is one.
std::string formatName(const Assimp::Importer& importer, const fs::path& file) {
    const std::string ext = lowerExtension(file);
    if (ext.empty()) return "no extension";
    std::string upper = ext.substr(1);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const size_t index = importer.GetImporterIndex(ext.c_str());
    if (index == static_cast<size_t>(-1)) return upper + ", not a known mesh format";
    const aiImporterDesc* desc = importer.GetImporterInfo(index);
    return desc ? upper + " via " + desc->mName : upper;
}

[[noreturn]] void fail(const fs::path& file, const std::string& format, const std::string& what) {
    throw Error("cannot import " + file.string() + " (" + format + "): " + what);
}

// Last step of every import path: a structurally valid mesh, with smooth normals if asked.
Mesh finishImportedMesh(Mesh mesh, const fs::path& file, const std::string& format,
                        const ImportOptions& options) {
    try {
        mesh.validate();
    } catch (const Error& e) {
        fail(file, format, std::string("invalid mesh data: ") + e.what());
    }
    if (options.computeNormals) mesh.computeVertexNormals();
    return mesh;
}

std::string readHead(const fs::path& file, std::size_t bytes) {
    std::ifstream in(file, std::ios::binary);
    std::string head(bytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(bytes));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

// Assimp allocates element arrays from header counts before it reads the elements, so a tiny
// file claiming 10^12 faces makes it allocate (or crash). These checks refuse counts that the
// caps forbid or that the file is too small to hold, before Assimp sees the file.
struct HeaderCheck {
    const fs::path& file;
    const std::string& format;
    const ImportLimits& limits;
    std::uint64_t fileBytes;

    void checkCounts(std::uint64_t vertices, std::uint64_t faces, std::uint64_t minBytesPerVertex,
                     std::uint64_t minBytesPerFace) const {
        if (faces > limits.maxTriangles)
            fail(file, format,
                 "the header declares " + std::to_string(faces) + " faces, over the limit of " +
                     std::to_string(limits.maxTriangles) + " triangles");
        // Each element needs a few bytes; a header that needs more than the file has is lying.
        const long double needed = static_cast<long double>(vertices) * minBytesPerVertex +
                                   static_cast<long double>(faces) * minBytesPerFace;
        if (needed > static_cast<long double>(fileBytes))
            fail(file, format,
                 "the header declares " + std::to_string(vertices) + " vertices and " +
                     std::to_string(faces) + " faces, more than the " + std::to_string(fileBytes) +
                     "-byte file can hold (truncated or corrupt file)");
    }

    void off() const {
        std::istringstream in(readHead(file, 4096));
        std::string line;
        std::vector<std::string> tokens;
        // Magic ("OFF", "NOFF", "COFF", ...), possibly followed by the counts on the same line.
        while (tokens.size() < 4 && std::getline(in, line)) {
            if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
            std::istringstream words(line);
            for (std::string w; words >> w;) tokens.push_back(w);
        }
        if (tokens.empty() || tokens[0].find("OFF") == std::string::npos)
            fail(file, format, "missing OFF header");
        if (tokens[0].find("BINARY") != std::string::npos || tokens.size() < 3) return;
        auto count = [&](const std::string& s, const char* what) -> std::uint64_t {
            if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
                fail(file, format, std::string("invalid ") + what + " count '" + s + "' in header");
            if (s.size() > 19) return ~std::uint64_t(0);
            return std::stoull(s);
        };
        // The 4D variant ("4OFF") has a dimension token first; leave that to Assimp.
        if (tokens[0].find('4') != std::string::npos || tokens[0].find('n') != std::string::npos)
            return;
        // "0 0 0\n" is the shortest vertex, "3 0 1 2\n" the shortest face (ASCII).
        checkCounts(count(tokens[1], "vertex"), count(tokens[2], "face"), 6, 8);
    }

    // Binary STL: the count after the 80-byte header, trusted only when the size matches it.
    void stl() const {
        if (fileBytes < 84) return;
        const std::string head = readHead(file, 84);
        std::uint32_t count = 0;
        std::memcpy(&count, head.data() + 80, 4);
        if (84 + 50ull * count == fileBytes && count > limits.maxTriangles)
            fail(file, format,
                 "the header declares " + std::to_string(count) + " triangles, over the limit of " +
                     std::to_string(limits.maxTriangles) + " triangles");
    }

    void ply() const {
        const std::string head = readHead(file, 64 * 1024);
        const auto end = head.find("end_header");
        if (head.rfind("ply", 0) != 0) fail(file, format, "missing 'ply' magic");
        if (end == std::string::npos)
            fail(file, format, "the header has no end_header line (truncated or corrupt file)");
        // Assimp's PLY reader loops forever when end_header is not followed by a line break.
        const std::size_t after = end + std::string("end_header").size();
        if (after < head.size() && head[after] != '\n' && head[after] != '\r')
            fail(file, format, "end_header is not followed by a line break (corrupt file)");
        std::istringstream in(head.substr(0, end));
        bool binary = false;
        std::uint64_t vertices = 0, faces = 0, others = 0;
        for (std::string line; std::getline(in, line);) {
            std::istringstream words(line);
            std::string key;
            words >> key;
            // Assimp's PLY reader can loop forever on header lines it does not expect.
            static const char* const known[] = {"ply", "format", "comment", "obj_info", "element",
                                                "property", ""};
            if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return key == k; }))
                fail(file, format, "unexpected line in the header: '" + line.substr(0, 40) + "'");
            if (key == "format") {
                std::string kind;
                words >> kind;
                binary = kind.rfind("binary", 0) == 0;
            } else if (key == "element") {
                std::string name, n;
                words >> name >> n;
                if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos)
                    fail(file, format, "invalid count '" + n + "' for element " + name);
                const std::uint64_t c = n.size() > 19 ? ~std::uint64_t(0) : std::stoull(n);
                if (name == "vertex") vertices = c;
                else if (name == "face" || name == "tristrips") faces = c;
                else others = std::max(others, c);
            }
        }
        // Binary: a vertex holds at least one byte per property, a face at least its list size.
        // ASCII: at least "0\n" per element.
        checkCounts(vertices, faces, binary ? 1 : 2, binary ? 1 : 2);
        checkCounts(others, 0, 1, 1);
    }
};

void checkFileBeforeParsing(const fs::path& file, const std::string& format,
                            const ImportLimits& limits) {
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (ec || !fs::exists(status)) fail(file, format, "the file does not exist");
    if (fs::is_directory(status)) fail(file, format, "this is a directory, not a file");
    const std::uint64_t bytes = fs::file_size(file, ec);
    if (ec) fail(file, format, "cannot read the file size: " + ec.message());
    if (bytes == 0) fail(file, format, "the file is empty");
    if (bytes > limits.maxFileBytes)
        fail(file, format,
             "the file has " + std::to_string(bytes) + " bytes, over the import limit of " +
                 std::to_string(limits.maxFileBytes) + " bytes");
    if (!std::ifstream(file, std::ios::binary)) fail(file, format, "the file cannot be opened");

    HeaderCheck check{file, format, limits, bytes};
    const std::string ext = lowerExtension(file);
    const std::string head = readHead(file, 4);
    if (ext == ".off" || head.rfind("OFF", 0) == 0) check.off();
    if (ext == ".ply" || head.rfind("ply", 0) == 0) check.ply();
    if (ext == ".stl") check.stl();
}

struct SceneCounts {
    std::uint64_t vertices = 0;
    std::uint64_t triangles = 0;
    bool uvs = false;
    bool colors = false;
};

void countNode(const aiScene& scene, const aiNode& node, SceneCounts& counts, unsigned depth) {
    if (depth > 1000) return;  // cyclic or absurd hierarchies are cut off, not followed forever
    for (unsigned i = 0; i < node.mNumMeshes; ++i) {
        if (node.mMeshes[i] >= scene.mNumMeshes) continue;
        const aiMesh& m = *scene.mMeshes[node.mMeshes[i]];
        if (!(m.mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;
        counts.vertices += m.mNumVertices;
        counts.triangles += m.mNumFaces;
        counts.uvs |= m.HasTextureCoords(0);
        counts.colors |= m.HasVertexColors(0);
    }
    for (unsigned c = 0; c < node.mNumChildren; ++c)
        if (node.mChildren[c]) countNode(scene, *node.mChildren[c], counts, depth + 1);
}

void appendNode(const aiScene& scene, const aiNode& node, const aiMatrix4x4& parent,
                const SceneCounts& counts, Mesh& out, unsigned depth) {
    if (depth > 1000) return;
    const aiMatrix4x4 transform = parent * node.mTransformation;
    // A mirroring transform flips the winding; flip it back so outward normals stay outward.
    const bool mirrored = transform.Determinant() < 0;
    for (unsigned i = 0; i < node.mNumMeshes; ++i) {
        if (node.mMeshes[i] >= scene.mNumMeshes) continue;
        const aiMesh& m = *scene.mMeshes[node.mMeshes[i]];
        if (!(m.mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;
        const auto base = static_cast<std::uint32_t>(out.vertices.size());
        for (unsigned v = 0; v < m.mNumVertices; ++v) {
            const aiVector3D p = transform * m.mVertices[v];
            out.vertices.push_back({p.x, p.y, p.z});
            if (counts.uvs) {
                const aiVector3D t = m.HasTextureCoords(0) ? m.mTextureCoords[0][v] : aiVector3D();
                out.uvs.push_back({t.x, t.y});
            }
            if (counts.colors) {
                const aiColor4D c =
                    m.HasVertexColors(0) ? m.mColors[0][v] : aiColor4D(1, 1, 1, 1);
                out.colors.push_back({c.r, c.g, c.b, c.a});
            }
        }
        for (unsigned f = 0; f < m.mNumFaces; ++f) {
            const aiFace& face = m.mFaces[f];
            if (face.mNumIndices != 3) continue;  // SortByPType removed points and lines
            Triangle t{base + face.mIndices[0], base + face.mIndices[1], base + face.mIndices[2]};
            if (mirrored) std::swap(t[1], t[2]);
            out.triangles.push_back(t);
        }
    }
    for (unsigned c = 0; c < node.mNumChildren; ++c)
        if (node.mChildren[c]) appendNode(scene, *node.mChildren[c], transform, counts, out, depth + 1);
}

Mesh importWithAssimp(const fs::path& file, const std::string& format,
                      const ImportOptions& options, Assimp::Importer& importer) {
    // Normals are removed before joining: STL and OBJ store per-face normals, which would keep
    // every corner a separate vertex and make closed meshes look open. Smooth normals are
    // recomputed below; lf::Mesh has one normal per vertex anyway.
    importer.SetPropertyInteger(AI_CONFIG_PP_RVC_FLAGS,
                                aiComponent_NORMALS | aiComponent_TANGENTS_AND_BITANGENTS);
    importer.SetPropertyInteger(AI_CONFIG_PP_SBP_REMOVE,
                                aiPrimitiveType_POINT | aiPrimitiveType_LINE);
    const unsigned flags = aiProcess_RemoveComponent | aiProcess_Triangulate |
                           aiProcess_JoinIdenticalVertices | aiProcess_SortByPType |
                           aiProcess_ValidateDataStructure;
    const aiScene* scene = importer.ReadFile(file.string(), flags);
    if (!scene) {
        std::string why = importer.GetErrorString();
        if (why.empty()) why = "Assimp could not read it";
        fail(file, format, why);
    }
    if (!scene->mRootNode || (scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE))
        fail(file, format, "the file contains no mesh");

    SceneCounts counts;
    countNode(*scene, *scene->mRootNode, counts, 0);
    if (counts.triangles == 0) fail(file, format, "the file contains no triangles");
    if (counts.triangles > options.limits.maxTriangles)
        fail(file, format,
             "the mesh has " + std::to_string(counts.triangles) + " triangles, over the limit of " +
                 std::to_string(options.limits.maxTriangles));
    if (counts.vertices > 0xFFFFFFFFull)
        fail(file, format, "the mesh has more vertices than 32-bit indices can address");

    Mesh mesh;
    mesh.vertices.reserve(counts.vertices);
    mesh.triangles.reserve(counts.triangles);
    if (counts.uvs) mesh.uvs.reserve(counts.vertices);
    if (counts.colors) mesh.colors.reserve(counts.vertices);
    appendNode(*scene, *scene->mRootNode, aiMatrix4x4(), counts, mesh, 0);
    importer.FreeScene();
    mesh.convertUpAxis(options.fileUpAxis.value_or(upAxisOfFormat(file)), UpAxis::Z);  // normals come later

    mesh.name = file.stem().string();
    return finishImportedMesh(std::move(mesh), file, format, options);
}

// The parse proper, in this process; every failure becomes an lf::Error naming file and format.
Mesh importInProcess(const fs::path& file, const std::string& format, const ImportOptions& options) {
    try {
        Assimp::Importer importer;
        return importWithAssimp(file, format, options, importer);
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        fail(file, format, "out of memory while reading the file (corrupt or too large)");
    } catch (const std::exception& e) {
        // Assimp's DeadlyImportError and friends, should one escape ReadFile.
        fail(file, format, std::string("the file is malformed: ") + e.what());
    } catch (...) {
        fail(file, format, "the importer failed with an unknown error");
    }
}

// Mesh <-> bytes for the trip from the parser process: counts, then the raw arrays.
template <typename T>
void appendArray(std::string& out, const std::vector<T>& v) {
    const std::uint64_t n = v.size();
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(reinterpret_cast<const char*>(v.data()), n * sizeof(T));
}
template <typename T>
bool takeArray(const std::string& in, std::size_t& pos, std::vector<T>& v) {
    std::uint64_t n = 0;
    if (in.size() - pos < sizeof n) return false;
    std::memcpy(&n, in.data() + pos, sizeof n);
    pos += sizeof n;
    if (n > (in.size() - pos) / sizeof(T)) return false;
    v.resize(n);
    std::memcpy(static_cast<void*>(v.data()), in.data() + pos, n * sizeof(T));
    pos += n * sizeof(T);
    return true;
}
std::string serialize(const Mesh& m) {
    std::string out;
    appendArray(out, m.vertices);
    appendArray(out, m.triangles);
    appendArray(out, m.uvs);
    appendArray(out, m.colors);
    appendArray(out, std::vector<char>(m.name.begin(), m.name.end()));
    return out;
}
bool deserialize(const std::string& in, Mesh& m) {
    std::size_t pos = 0;
    std::vector<char> name;
    const bool ok = takeArray(in, pos, m.vertices) && takeArray(in, pos, m.triangles) &&
                    takeArray(in, pos, m.uvs) && takeArray(in, pos, m.colors) &&
                    takeArray(in, pos, name) && pos == in.size();
    m.name.assign(name.begin(), name.end());
    return ok;
}

}  // namespace

Mesh importMesh(const fs::path& file, const ImportOptions& options) {
    std::string format = lowerExtension(file);
    try {
        format = formatName(Assimp::Importer(), file);
        checkFileBeforeParsing(file, format, options.limits);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(file, format, e.what());
    }
    if (!options.isolateParser) return importInProcess(file, format, options);

    ImportOptions childOptions = options;
    childOptions.computeNormals = false;  // done here, after the trip through the pipe
    const auto& limits = options.limits;
    const detail::IsolatedResult result = detail::runIsolated(
        [&] { return serialize(importInProcess(file, format, childOptions)); },
        limits.maxParserMemoryBytes, limits.maxParserSeconds);
    using Outcome = detail::IsolatedResult::Outcome;
    switch (result.outcome) {
        case Outcome::Finished: {
            Mesh mesh;
            if (!deserialize(result.payload, mesh)) fail(file, format, "the import process sent garbled data");
            // Checked again here: the bytes came from another process that may have gone wrong.
            return finishImportedMesh(std::move(mesh), file, format, options);
        }
        case Outcome::Failed:
            if (result.payload.rfind("cannot import " + file.string(), 0) == 0) throw Error(result.payload);
            fail(file, format, result.payload);  // e.g. out of memory outside the parse proper
        case Outcome::TimedOut:
            fail(file, format,
                 "reading took longer than " + std::to_string(int(limits.maxParserSeconds)) +
                     " s, so it was stopped (corrupt file, or too complex for the time limit)");
        case Outcome::Crashed:
            break;
    }
    std::string why = "the importer crashed on this file";
    if (result.signal == SIGKILL)
        why = "the importer was killed, most likely for using too much memory";
    else if (result.signal != 0)
        why += std::string(" (") + strsignal(result.signal) + ")";
    fail(file, format, why + "; the file is corrupt or not supported");
}

std::vector<std::string> importPatterns() {
    Assimp::Importer importer;
    std::string list;
    importer.GetExtensionList(list);  // "*.3ds;*.obj;..."
    std::vector<std::string> patterns;
    std::istringstream in(list);
    for (std::string p; std::getline(in, p, ';');)
        if (!p.empty()) patterns.push_back(p);
    return patterns;
}

}  // namespace lf
