#pragma once
// A model package is a folder models/<id>/ holding model.json (this manifest) and the weights
// file it names (weights.safetensors). The manifest says what the model is, how it was trained
// and how well it did; the SHA-256 in it guards the weights against corruption or mix-ups.
//
// Tensor conventions inside the weights file (beyond the network's own parameters):
//   latent_pca.mean        F32 [latent_size]     mean latent code of the training set
//   latent_pca.directions  F32 [k, latent_size]  principal directions, strongest first
//   latent_pca.stddev      F32 [k]               standard deviation along each direction
// They live in the same weights file (one hash, one file to copy); loaders look them up by name
// and treat their absence as "no PCA sliders". See docs/SHAPES.md.
#include "core/formats/Safetensors.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lf {

enum class ModelKind { ShapeVae, ProcessDiffusion };
const char* modelKindName(ModelKind kind);  // "shape-vae", "process-diffusion"

struct TrainingRecord {
    std::string data;         // description of the training data (generator, count, seed)
    std::string commandLine;  // the exact command that trained the model
    std::uint64_t seed = 0;
    int epochs = 0;
    std::string device;       // e.g. "cuda:0 (NVIDIA H200)" or "cpu"
    double durationSeconds = 0;
};

struct WeightsRecord {
    std::string file = "weights.safetensors";  // a plain file name inside the package folder
    std::string sha256;                        // lower-case hex of the whole file
    std::string dtype = "F32";                 // dtype of the network parameters
};

struct ModelManifest {
    static constexpr int kFormatVersion = 1;
    int formatVersion = kFormatVersion;
    std::string id;  // also the folder name; [A-Za-z0-9._-]+
    ModelKind kind = ModelKind::ShapeVae;
    std::string name;
    std::string description;
    nlohmann::json architecture = nlohmann::json::object();  // hyperparameters
    int latentSize = 0;
    std::optional<int> gridResolution;  // required for shape models
    TrainingRecord training;
    nlohmann::json metrics = nlohmann::json::object();
    WeightsRecord weights;
    nlohmann::json extras = nlohmann::json::object();  // any other top-level keys, kept as is
};

struct ModelPackage {
    std::filesystem::path directory;
    ModelManifest manifest;
    SafetensorsContents weights;
};

inline constexpr const char* kManifestFileName = "model.json";

// JSON <-> manifest. fromJson throws lf::Error naming `what` and the missing/ill-typed field.
nlohmann::json manifestToJson(const ModelManifest& manifest);
ModelManifest manifestFromJson(const nlohmann::json& json, const std::string& what);

// Reads and validates model.json, reads the weights, checks their SHA-256. Throws lf::Error
// naming the file and the field/defect.
ModelPackage loadModelPackage(const std::filesystem::path& directory);

// Writes weights then model.json (both atomically) into `directory` (created if missing; its
// parent must exist), filling manifest.weights.sha256. Weights first, so a manifest never names
// weights that are not there yet. Returns the manifest as written.
ModelManifest saveModelPackage(const std::filesystem::path& directory, ModelManifest manifest,
                               const SafetensorsContents& weights);

// The number at a JSON pointer into a manifest's metrics ("/evaluation/held_out/iou/mean"), or
// nothing when the path is missing, runs through a non-object or ends at a non-number: what the
// app reads back of a stored evaluation, which an older or hand-edited package may lack.
std::optional<double> metricAt(const nlohmann::json& metrics, const std::string& pointer);

// `value` as a non-negative whole number that fits an int (a simulator revision), or nothing for
// anything else: 2.5, -1, 2^32 + 2 (which would narrow to 2), a string, null.
std::optional<int> nonNegativeIntOf(const nlohmann::json& value);

// Stores `metrics` (an eval command's output) under metrics["evaluation"] in the package's
// model.json, and each key of `extras` as a top-level key beside them (the process eval's
// "sampling_defaults": the settings the metrics were measured at). Validated first, rewritten
// atomically; the weights and their SHA-256 are untouched.
void writeEvaluationMetrics(const std::filesystem::path& packageDirectory, const nlohmann::json& metrics,
                            const nlohmann::json& extras = nlohmann::json::object());

}  // namespace lf
