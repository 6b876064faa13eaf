#include "core/procedural/ShapeFamily.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace lf {
namespace {

// Maps the family's millimetre geometry into [-1,1]^3: centred, largest half extent 1 - margin.
// Uniform scaling keeps distances exact (scaled by the same factor).
class NormalisedShape final : public Shape {
public:
    explicit NormalisedShape(std::unique_ptr<ShapeFamily::WorldShape> world)
        : world_(std::move(world)) {
        const ShapeFamily::Bounds b = world_->bounds();
        centre_ = {(b.min.x + b.max.x) / 2, (b.min.y + b.max.y) / 2, (b.min.z + b.max.z) / 2};
        const float halfExtent = std::max({b.max.x - b.min.x, b.max.y - b.min.y,
                                           b.max.z - b.min.z}) / 2;
        scale_ = (1.0f - ShapeFamily::kMargin) / halfExtent;
    }
    float distance(sdf::Point3 p) const override {
        const sdf::Point3 world{p.x / scale_ + centre_.x, p.y / scale_ + centre_.y,
                                p.z / scale_ + centre_.z};
        return world_->distance(world) * scale_;
    }
    std::vector<ShapeProbe> probes() const override {
        std::vector<ShapeProbe> out = world_->probes();
        for (ShapeProbe& probe : out)
            probe.point = {(probe.point.x - centre_.x) * scale_, (probe.point.y - centre_.y) * scale_,
                           (probe.point.z - centre_.z) * scale_};
        return out;
    }

private:
    std::unique_ptr<ShapeFamily::WorldShape> world_;
    sdf::Point3 centre_;
    float scale_ = 1;
};

}  // namespace

double uniformUnit(std::uint64_t randomBits) {
    return double(randomBits >> 11) * 0x1.0p-53;
}

ShapeParams ShapeFamily::sample(std::uint64_t seed) const {
    std::mt19937_64 engine(seed);
    ShapeParams params;
    for (const ShapeParameter& p : parameters()) {
        const double u = uniformUnit(engine());
        if (p.integer) {
            const double v = std::floor(p.min + u * (p.max - p.min + 1.0));
            params.push_back(std::min(v, p.max));
        } else {
            params.push_back(p.min + u * (p.max - p.min));
        }
    }
    return params;
}

void ShapeFamily::validate(const ShapeParams& params) const {
    const auto& table = parameters();
    if (params.size() != table.size())
        throw Error("shape family " + name() + ": expected " + std::to_string(table.size()) +
                    " parameters, got " + std::to_string(params.size()));
    for (std::size_t i = 0; i < table.size(); ++i) {
        const ShapeParameter& p = table[i];
        const double v = params[i];
        if (!std::isfinite(v) || v < p.min || v > p.max)
            throw Error("shape family " + name() + ": parameter " + p.name + " = " +
                        std::to_string(v) + " is outside [" + std::to_string(p.min) + ", " +
                        std::to_string(p.max) + "] " + p.unit);
        if (p.integer && v != std::floor(v))
            throw Error("shape family " + name() + ": parameter " + p.name +
                        " must be a whole number, not " + std::to_string(v));
    }
}

std::unique_ptr<Shape> ShapeFamily::build(const ShapeParams& params) const {
    validate(params);
    return std::make_unique<NormalisedShape>(buildWorld(params));
}

const ShapeFamily& shapeFamily(const std::string& name) {
    std::string known;
    for (const auto& family : shapeFamilies()) {
        if (family->name() == name) return *family;
        known += (known.empty() ? "" : ", ") + family->name();
    }
    throw Error("unknown shape family \"" + name + "\" (known: " + known + ")");
}

int shapeFamilyIndex(const std::string& name) {
    const auto& families = shapeFamilies();
    for (std::size_t i = 0; i < families.size(); ++i)
        if (families[i]->name() == name) return int(i);
    shapeFamily(name);  // throws the descriptive error
    return -1;
}

}  // namespace lf
