#include "core/io/MeshExport.h"

#include "core/io/AssimpExport.h"
#include "core/io/NativeMeshWriters.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <assimp/Exporter.hpp>
#include <assimp/IOStream.hpp>
#include <assimp/IOSystem.hpp>
#include <assimp/material.h>
#include <assimp/scene.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>

namespace fs = std::filesystem;

namespace lf {
namespace detail {
namespace {

// An Assimp output stream into a string owned by the IO system. Seeks past the end are allowed
// as with files: the GLB writer skips its header, writes the chunks, then seeks back to it.
class MemoryOutputStream : public Assimp::IOStream {
public:
    explicit MemoryOutputStream(std::string& data) : data_(data) {}
    size_t Read(void*, size_t, size_t) override { return 0; }
    size_t Write(const void* buffer, size_t size, size_t count) override {
        const size_t n = size * count;
        if (position_ + n > data_.size()) data_.resize(position_ + n);
        std::memcpy(data_.data() + position_, buffer, n);
        position_ += n;
        return count;
    }
    aiReturn Seek(size_t offset, aiOrigin origin) override {
        size_t target = offset;
        if (origin == aiOrigin_CUR) target = position_ + offset;
        else if (origin == aiOrigin_END) target = data_.size() + offset;
        position_ = target;  // past the end is allowed, as with files: the gap reads as zeros
        return aiReturn_SUCCESS;
    }
    size_t Tell() const override { return position_; }
    size_t FileSize() const override { return data_.size(); }
    void Flush() override {}

private:
    std::string& data_;
    size_t position_ = 0;
};

// Collects every file an exporter writes; reading is refused (exporters do not read).
class MemoryIOSystem : public Assimp::IOSystem {
public:
    explicit MemoryIOSystem(std::map<fs::path, std::string>& files) : files_(files) {}
    bool Exists(const char* file) const override { return files_.count(fs::path(file)) != 0; }
    char getOsSeparator() const override { return '/'; }
    Assimp::IOStream* Open(const char* file, const char* mode) override {
        if (!mode || !std::strchr(mode, 'w')) return nullptr;
        std::string& data = files_[fs::path(file)];
        data.clear();
        return new MemoryOutputStream(data);
    }
    void Close(Assimp::IOStream* stream) override { delete stream; }

private:
    std::map<fs::path, std::string>& files_;
};

std::unique_ptr<aiScene> buildScene(const Mesh& mesh, const FileFrame& frame) {
    auto scene = std::make_unique<aiScene>();
    scene->mRootNode = new aiNode("root");
    scene->mRootNode->mNumMeshes = 1;
    scene->mRootNode->mMeshes = new unsigned[1]{0};

    auto* material = new aiMaterial();
    const aiString materialName("default");
    material->AddProperty(&materialName, AI_MATKEY_NAME);
    if (!mesh.colors.empty()) {
        // The material carries the mean vertex colour (what OBJ viewers show via the .mtl).
        aiColor4D mean(0, 0, 0, 0);
        for (const Vec4f& c : mesh.colors) mean += aiColor4D(c[0], c[1], c[2], c[3]);
        mean = mean / static_cast<float>(mesh.colors.size());
        aiColor3D diffuse(mean.r, mean.g, mean.b);
        material->AddProperty(&diffuse, 1, AI_MATKEY_COLOR_DIFFUSE);
    }
    scene->mNumMaterials = 1;
    scene->mMaterials = new aiMaterial*[1]{material};

    auto* m = new aiMesh();
    scene->mNumMeshes = 1;
    scene->mMeshes = new aiMesh*[1]{m};
    m->mName = aiString(mesh.name.empty() ? std::string("mesh") : mesh.name);
    m->mMaterialIndex = 0;
    m->mPrimitiveTypes = aiPrimitiveType_TRIANGLE;
    const auto nv = static_cast<unsigned>(mesh.vertices.size());
    m->mNumVertices = nv;
    m->mVertices = new aiVector3D[nv];
    for (unsigned i = 0; i < nv; ++i) {
        const Vec3f v = frame.point(mesh.vertices[i]);
        m->mVertices[i] = aiVector3D(v[0], v[1], v[2]);
    }
    if (!mesh.normals.empty()) {
        m->mNormals = new aiVector3D[nv];
        for (unsigned i = 0; i < nv; ++i) {
            const Vec3f n = frame.direction(mesh.normals[i]);
            m->mNormals[i] = aiVector3D(n[0], n[1], n[2]);
        }
    }
    if (!mesh.uvs.empty()) {
        m->mNumUVComponents[0] = 2;
        m->mTextureCoords[0] = new aiVector3D[nv];
        for (unsigned i = 0; i < nv; ++i)
            m->mTextureCoords[0][i] = aiVector3D(mesh.uvs[i][0], mesh.uvs[i][1], 0);
    }
    if (!mesh.colors.empty()) {
        m->mColors[0] = new aiColor4D[nv];
        for (unsigned i = 0; i < nv; ++i) {
            const Vec4f& c = mesh.colors[i];
            m->mColors[0][i] = aiColor4D(c[0], c[1], c[2], c[3]);
        }
    }
    const auto nf = static_cast<unsigned>(mesh.triangles.size());
    m->mNumFaces = nf;
    m->mFaces = new aiFace[nf];
    for (unsigned f = 0; f < nf; ++f) {
        aiFace& face = m->mFaces[f];
        face.mNumIndices = 3;
        face.mIndices = new unsigned[3]{mesh.triangles[f][0], mesh.triangles[f][1],
                                        mesh.triangles[f][2]};
    }
    return scene;
}

}  // namespace

std::map<fs::path, std::string> exportWithAssimpToMemory(const Mesh& mesh, const fs::path& target,
                                                         const char* formatId, const FileFrame& frame) {
    std::map<fs::path, std::string> files;
    const fs::path absoluteTarget = fs::absolute(target);
    const std::unique_ptr<aiScene> scene = buildScene(mesh, frame);
    Assimp::Exporter exporter;
    exporter.SetIOHandler(new MemoryIOSystem(files));  // the exporter owns and deletes it
    if (exporter.Export(scene.get(), formatId, absoluteTarget.string()) != aiReturn_SUCCESS) {
        std::string why = exporter.GetErrorString();
        throw Error("cannot write " + target.string() + ": the " + formatId +
                    " exporter failed: " + (why.empty() ? "unknown error" : why));
    }
    // Relative names (e.g. a glTF buffer's .bin) are relative to the main file's folder.
    std::map<fs::path, std::string> resolved;
    for (auto& [path, data] : files)
        resolved[path.is_absolute() ? path : absoluteTarget.parent_path() / path] = std::move(data);
    if (!resolved.count(absoluteTarget))
        throw Error("cannot write " + target.string() + ": the " + std::string(formatId) +
                    " exporter produced no file");
    return resolved;
}

}  // namespace detail

const std::vector<ExportFormatInfo>& exportFormats() {
    static const std::vector<ExportFormatInfo> formats = {
        {ExportFormat::StlBinary, "STL (binary)", ".stl"},
        {ExportFormat::StlAscii, "STL (ASCII)", ".stl"},
        {ExportFormat::Obj, "Wavefront OBJ", ".obj"},
        {ExportFormat::PlyBinary, "PLY (binary)", ".ply"},
        {ExportFormat::Gltf, "glTF 2.0", ".gltf"},
        {ExportFormat::Glb, "glTF 2.0 binary (GLB)", ".glb"},
    };
    return formats;
}

std::optional<ExportFormat> exportFormatForPath(const fs::path& file, bool ascii) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".stl") return ascii ? ExportFormat::StlAscii : ExportFormat::StlBinary;
    if (ext == ".obj") return ExportFormat::Obj;
    if (ext == ".ply") return ExportFormat::PlyBinary;
    if (ext == ".gltf") return ExportFormat::Gltf;
    if (ext == ".glb") return ExportFormat::Glb;
    return std::nullopt;
}

UpAxis conventionalUpAxis(ExportFormat format) {
    return format == ExportFormat::Gltf || format == ExportFormat::Glb ? UpAxis::Y : UpAxis::Z;
}

void exportMesh(const Mesh& mesh, const fs::path& file, ExportFormat format,
                const ExportOptions& options) {
    const std::string where = "cannot write " + file.string() + ": ";
    if (mesh.empty()) throw Error(where + "the mesh has no triangles");
    if (!std::isfinite(options.scale) || options.scale <= 0)
        throw Error(where + "the scale must be a positive number, not " +
                    std::to_string(options.scale));
    const FileFrame frame{options.scale, options.fileUpAxis.value_or(conventionalUpAxis(format))};
    if (frame.up != conventionalUpAxis(format) && conventionalUpAxis(format) == UpAxis::Y)
        throw Error(where + "glTF is +y up by its specification; it cannot be written +z up");
    try {
        mesh.validate();
    } catch (const Error& e) {
        throw Error(where + "invalid mesh: " + e.what());
    }
    if (format == ExportFormat::StlBinary && options.ascii) format = ExportFormat::StlAscii;

    try {
        // Binary/ASCII STL and OBJ: our own streaming writers, 7-30x faster than Assimp's
        // exporters on million-triangle meshes (tests/bench/bench_meshio.cpp).
        switch (format) {
            case ExportFormat::StlBinary:
                writeFileAtomically(file, [&](const fs::path& tmp) { detail::writeBinaryStl(tmp, mesh, frame); });
                return;
            case ExportFormat::StlAscii:
                writeFileAtomically(file, [&](const fs::path& tmp) { detail::writeAsciiStl(tmp, mesh, frame); });
                return;
            case ExportFormat::Obj: {
                // Colour goes to a material library next to the OBJ. It is put in place only
                // once the OBJ's own bytes are written, and before the OBJ is renamed into place:
                // a failed OBJ leaves the old pair alone, and the new OBJ never lacks its .mtl.
                const std::string library = mesh.colors.empty() ? "" : file.stem().string() + ".mtl";
                writeFileAtomically(file, [&](const fs::path& tmp) {
                    detail::writeObj(tmp, mesh, frame, library);
                    if (!library.empty())
                        writeFileAtomically(file.parent_path() / library,
                                            [&](const fs::path& t) { detail::writeMtl(t, mesh); });
                });
                return;
            }
            default:
                break;
        }
        const char* id = format == ExportFormat::PlyBinary ? "plyb"
                         : format == ExportFormat::Gltf    ? "gltf2"
                                                           : "glb2";
        auto files = detail::exportWithAssimpToMemory(mesh, file, id, frame);
        const fs::path main = fs::absolute(file);
        // Companion files (a glTF's .bin) go in place after the main file's bytes are written
        // and before it is renamed, as for OBJ + MTL above.
        writeFileAtomically(file, [&](const fs::path& tmp) {
            detail::writeBytes(tmp, files[main]);
            for (const auto& [path, data] : files)
                if (path != main)
                    writeFileAtomically(path, [&](const fs::path& t) { detail::writeBytes(t, data); });
        });
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind("cannot write", 0) == 0) throw;
        throw Error(where + what);
    } catch (const std::bad_alloc&) {
        throw Error(where + "out of memory");
    } catch (const std::exception& e) {
        throw Error(where + e.what());
    }
}

void exportMesh(const Mesh& mesh, const fs::path& file, const ExportOptions& options) {
    const auto format = exportFormatForPath(file, options.ascii);
    if (!format)
        throw Error("cannot write " + file.string() + ": unknown export format '" +
                    file.extension().string() + "' (use .stl, .obj, .ply, .gltf or .glb)");
    exportMesh(mesh, file, *format, options);
}

}  // namespace lf
